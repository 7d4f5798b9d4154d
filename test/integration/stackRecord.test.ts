/**
 * The tools find the running stack: `npm start` records where it runs, and the token, tenant,
 * cleanup and document tools use that record (a stack on other ports included), while flags and
 * environment variables still take precedence and a record of a stopped stack is ignored.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { recordStack, runningStack } from '../../scripts/local/stackRecord';

const exec = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

let directory: string;
let recordFile: string;

/** A tool as its npm script runs it, seeing only the stack record (no DYNAMODB_ENDPOINT, a dead default port). */
const tool = async (script: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  const { DYNAMODB_ENDPOINT: _endpoint, PUBLIC_API_URL: _url, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await exec(TSX, [`scripts/${script}.ts`, ...args], {
      cwd: REPO_ROOT,
      env: { ...inherited, LOCAL_STACK_RECORD: recordFile, LOCAL_DYNAMODB_PORT: '9', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'chat-rooms-stack-'));
  recordFile = path.join(directory, 'stack.json');
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const recordTestStack = () =>
  recordStack(
    { apiUrl: 'http://127.0.0.1:4321', wsUrl: 'ws://127.0.0.1:4322', lambdaUrl: 'http://127.0.0.1:4323', dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT! },
    recordFile,
  );

it('records the running stack and forgets it when stopped', async () => {
  const remove = await recordTestStack();
  expect(runningStack(recordFile)).toMatchObject({ pid: process.pid, apiUrl: 'http://127.0.0.1:4321' });
  await remove();
  expect(runningStack(recordFile)).toBeUndefined();
});

it('ignores the record of a stack whose process is gone', () => {
  writeFileSync(recordFile, JSON.stringify({ pid: 2 ** 22 + 1, apiUrl: 'http://127.0.0.1:1', wsUrl: '', lambdaUrl: '', dynamodbEndpoint: 'http://127.0.0.1:1' }));
  expect(runningStack(recordFile)).toBeUndefined();
});

it('the tenant, token, cleanup and document tools act on the recorded stack', async () => {
  const remove = await recordTestStack();
  try {
    const tenants = await tool('tenant', ['list']);
    expect(tenants).toMatchObject({ code: 0, stderr: '' });
    expect(tenants.stdout).toContain('"client_id":"1"');

    // Signed with the registry's key, not the development fallback, which says so on stderr.
    const token = await tool('token', ['--client-id', '1', '--user-id', '133', '--role', 'agent']);
    expect(token).toMatchObject({ code: 0, stderr: '' });

    const cleanup = await tool('cleanup', ['--dry-run', '--tenant', '1']);
    expect(cleanup.code).toBe(0);
    expect(cleanup.stderr).toContain(process.env.DYNAMODB_ENDPOINT);

    const openapi = await tool('openapi', []);
    expect(JSON.parse(openapi.stdout).servers[0].url).toBe('http://127.0.0.1:4321');
    const overridden = await tool('openapi', [], { PUBLIC_API_URL: 'https://chat.example.com' });
    expect(JSON.parse(overridden.stdout).servers[0].url).toBe('https://chat.example.com');

    const asyncapi = await tool('asyncapi', []);
    expect(JSON.stringify(JSON.parse(asyncapi.stdout).servers)).toContain('127.0.0.1:4322');
  } finally {
    await remove();
  }
}, 120_000);

it('without a running stack the tools say which store they could not reach', async () => {
  const tenants = await tool('tenant', ['list']);
  expect(tenants.code).not.toBe(0);
  expect(tenants.stderr).toContain('127.0.0.1:9');
}, 60_000);
