/**
 * `npx serverless package` in the checkout while `npm start` runs: packaging builds in its own
 * folder and deletes only that one, so the running stack keeps every bundle and keeps answering.
 * Run as a developer runs it (no ESBUILD_WORK_FOLDER), beside the stack the test run started.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { credentialFreeEnv } from '../../scripts/package/artifacts';
import { REPO_ROOT } from '../../scripts/local/serverlessConfig';
import { get, tokenFor } from '../support/api';

const run = promisify(execFile);

const localWorkFolder = (): string => {
  const folder = process.env.OFFLINE_WORK_FOLDER;
  if (!folder) throw new Error('OFFLINE_WORK_FOLDER is not set: run through jest, whose globalSetup starts the local stack');
  return folder;
};

/** Every file under a folder, relative to it. */
const filesUnder = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();

describe('serverless package beside a running local stack', () => {
  it('leaves the stack its bundles and its answers', async () => {
    const before = filesUnder(localWorkFolder());
    expect(before.filter((file) => file.endsWith('handler.js')).length).toBeGreaterThan(5);

    const outDir = mkdtempSync(path.join(tmpdir(), 'chat-rooms-package-'));
    const { ESBUILD_WORK_FOLDER: _unset, ...env } = credentialFreeEnv();
    try {
      const packaging = run(path.join(REPO_ROOT, 'node_modules/.bin/serverless'), ['package', '--stage', 'prod', '--package', outDir], { cwd: REPO_ROOT, env, timeout: 120_000 });
      // While it builds, and after it has cleaned up, the stack answers as before.
      expect((await get('/api/v1/openapi.json')).status).toBe(200);
      await packaging;
      expect(readdirSync(outDir)).toEqual(expect.arrayContaining(['getRoom.zip', 'cloudformation-template-update-stack.json']));
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }

    expect(filesUnder(localWorkFolder())).toEqual(before);
    // Its own build folder is gone; nothing else under .esbuild was touched.
    expect(existsSync(path.join(REPO_ROOT, '.esbuild', 'package'))).toBe(false);
    const rooms = await get('/api/v1/chat/rooms', { Authorization: `Bearer ${await tokenFor(1, 133, 'agent')}` });
    expect(rooms.status).toBe(200);
    expect(rooms.json).toEqual(expect.any(Object));
    expect(rooms.text).not.toMatch(/ImportModuleError|Cannot find module/);
    const document = await get('/api/v1/openapi.json');
    expect(document.json.openapi).toBe('3.1.0');
  }, 150_000);
});
