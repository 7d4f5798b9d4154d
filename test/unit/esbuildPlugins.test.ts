import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const plugins = require('../../scripts/build/esbuildPlugins.cjs') as Plugin[];

/** A bundle of `source` as the functions are built, run in a fresh node: what it prints. */
const bundleAndRun = async (source: string, withPlugins: boolean): Promise<string> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-rooms-plugins-'));
  try {
    const outfile = path.join(dir, 'bundle.js');
    await build({
      stdin: { contents: source, resolveDir: path.resolve(__dirname, '../..'), loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      mainFields: ['module', 'main'],
      outfile,
      logLevel: 'error',
      plugins: withPlugins ? plugins : [],
    });
    return execFileSync(process.execPath, [outfile], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const LOADS_WEB_STREAMS = `
import middy from '@middy/core';
const handler = middy().handler(async () => 'ok');
const loaded = () => process.moduleLoadList.includes('NativeModule internal/webstreams/readablestream');
console.log(JSON.stringify({ atLoad: loaded(), handler: typeof handler }));
`;

describe("the functions' esbuild plugins", () => {
  it("keep Node's web streams off the load of a middy handler", async () => {
    expect(JSON.parse(await bundleAndRun(LOADS_WEB_STREAMS, false))).toEqual({ atLoad: true, handler: 'function' });
    expect(JSON.parse(await bundleAndRun(LOADS_WEB_STREAMS, true))).toEqual({ atLoad: false, handler: 'function' });
  });

  it('still give middy the real ReadableStream when a response is streamed', async () => {
    const streamed = `
import middy from '@middy/core';
import { Writable } from 'node:stream';
let written = '';
(globalThis as any).awslambda = {
  streamifyResponse: (fn: any) => fn,
  HttpResponseStream: { from: (stream: any) => stream },
};
const sink = new Writable({ write(chunk, _, done) { written += chunk; done(); } });
const handler = middy({ streamifyResponse: true }).handler(async () => new ReadableStream({ start(c) { c.enqueue('streamed'); c.close(); } }));
(handler as any)({}, sink, {}).then(() => console.log(written));
`;
    expect((await bundleAndRun(streamed, true)).trim()).toBe('streamed');
  });
});
