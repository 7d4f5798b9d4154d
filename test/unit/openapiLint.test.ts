import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openApiDocument } from '../../lib/openapi/document';

const run = promisify(execFile);
const REDOCLY = path.resolve(__dirname, '../../node_modules/.bin/redocly');

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
}

describe('the OpenAPI document under @redocly/cli lint (recommended rules)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'openapi-lint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The linter's problems for a document; it exits non-zero when there are errors. */
  const lint = async (document: object): Promise<LintProblem[]> => {
    const file = path.join(dir, `openapi-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(document));
    // No telemetry and no update check: the linter reaches nothing beyond this machine.
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    const output = await run(REDOCLY, ['lint', file, '--extends', 'recommended', '--format', 'json', '--lint-config', 'off'], { cwd: dir, env, timeout: 60_000 }).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout }),
    );
    return (JSON.parse(output.stdout.slice(output.stdout.indexOf('{'))) as { problems: LintProblem[] }).problems;
  };

  it('passes with no errors and no warnings', async () => {
    expect((await lint(openApiDocument())).map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message}`)).toEqual([]);
  }, 60_000);

  it('the linter does report a document without servers or operation ids', async () => {
    const broken = openApiDocument() as Record<string, any>;
    delete broken.servers;
    for (const methods of Object.values(broken.paths) as Array<Record<string, { operationId?: string }>>) {
      for (const operation of Object.values(methods)) delete operation.operationId;
    }
    const rules = (await lint(broken)).map((problem) => `${problem.severity} ${problem.ruleId}`);
    expect(rules).toEqual(expect.arrayContaining(['error no-empty-servers', 'warn operation-operationId']));
  }, 60_000);
});
