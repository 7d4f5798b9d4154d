/** `npm run contract` against the test stack: the check an integrator runs against a deployed stage. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { tokenFor } from '../support/api';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

const contract = (...args: string[]) =>
  run(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/contract.ts', '--url', process.env.API_URL!, ...args], { cwd: ROOT, timeout: 60_000 }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );

describe('npm run contract', () => {
  it('finds the stage keeping its documents: the documents themselves, the seed request and a ping over the WebSocket', async () => {
    const { code, stdout } = await contract('--token', await tokenFor(1, 133, 'agent'));
    expect(stdout).toMatch(/^ok {3}POST \/api\/v1\/chat\/startChat \(the published request\) answered 200/m);
    expect(stdout).toMatch(/^ok {3}a ping over the WebSocket is answered as documented/m);
    expect(stdout).toMatch(/^ok {3}the AsyncAPI document is valid/m);
    expect({ code, last: stdout.trim().split('\n').pop() }).toEqual({ code: 0, last: 'contract: kept' });
  }, 60_000);

  it('without a token, checks the documented 401', async () => {
    const { code, stdout } = await contract();
    expect(stdout).toMatch(/^ok {3}POST \/api\/v1\/chat\/startChat \(the published request\) answered 401/m);
    expect(code).toBe(0);
  }, 60_000);
});
