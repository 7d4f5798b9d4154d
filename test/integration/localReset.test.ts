/** `npm run reset`: refuses while a local stack holds the store, then wipes what the stack wrote. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startLocalDynamo } from '../../scripts/local/dynalite';
import { createTables, LOCAL_STAGE, tableNames } from '../../scripts/local/tables';
import { resetLocalData } from '../../scripts/reset';

const tablesAt = async (endpoint: string): Promise<string[]> => {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    client.destroy();
  }
};

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Another process holding a local store on `directory`, as `npm start` does; resolves to its endpoint and a stop. */
const storeInAnotherProcess = async (directory: string) => {
  const script = `require('./scripts/local/dynalite').startLocalDynamo({ port: 0, path: ${JSON.stringify(directory)} }).then((s) => console.log('READY ' + s.endpoint))`;
  const child = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\S+)/.exec(output);
      if (ready) resolve(ready[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the store process exited (${code}) before it was ready`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // tsx runs the script in a child of its own: stop the whole group.
  return { endpoint, stop: () => (process.kill(-child.pid!, 'SIGKILL'), exited) };
};

describe('npm run reset', () => {
  let dataDirectory: string;
  beforeEach(() => {
    dataDirectory = path.join(mkdtempSync(path.join(tmpdir(), 'chat-rooms-reset-')), '.data');
  });
  afterEach(() => rmSync(path.dirname(dataDirectory), { recursive: true, force: true }));

  it('refuses while a running store holds the data, and leaves it intact', async () => {
    const store = await storeInAnotherProcess(path.join(dataDirectory, 'dynamodb'));
    try {
      await createTables({ endpoint: store.endpoint, stage: LOCAL_STAGE });
      await expect(resetLocalData(dataDirectory)).rejects.toThrow(/in use by process/);
      expect(await tablesAt(store.endpoint)).toEqual(expect.arrayContaining([tableNames(LOCAL_STAGE).chat]));
    } finally {
      await store.stop();
    }
  });

  it('wipes the data of a stopped stack, so the next start begins empty', async () => {
    const first = await startLocalDynamo({ port: 0, path: path.join(dataDirectory, 'dynamodb') });
    await createTables({ endpoint: first.endpoint, stage: LOCAL_STAGE });
    await first.stop();

    await resetLocalData(dataDirectory);
    expect(existsSync(dataDirectory)).toBe(false);

    const second = await startLocalDynamo({ port: 0, path: path.join(dataDirectory, 'dynamodb') });
    try {
      expect(await tablesAt(second.endpoint)).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
