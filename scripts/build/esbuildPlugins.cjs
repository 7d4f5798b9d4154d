/**
 * esbuild plugins for the functions' bundles (serverless.yml, custom.esbuild.plugins).
 *
 * @middy/core imports `node:stream/web` at the top of its module for one purpose, answering with a
 * stream when `streamifyResponse` is set, which no function here does. Loading Node's web streams
 * costs each cold start about 2 ms, 0.02–0.03 of an HTTP function's load time over the
 * DynamoDB-only bundle (BENCHMARKS.md, cold start). Its import resolves instead to a module whose
 * `ReadableStream` loads them when first read, so a streamed response would still work.
 */
const middyStreamsOnFirstUse = {
  name: 'middy-streams-on-first-use',
  setup(build) {
    build.onResolve({ filter: /^node:stream\/web$/ }, ({ importer }) =>
      /[\\/]@middy[\\/]core[\\/]/.test(importer) ? { path: 'node:stream/web', namespace: 'streams-on-first-use' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'streams-on-first-use' }, () => ({
      contents: "module.exports = { get ReadableStream() { return require('node:stream/web').ReadableStream; } };",
      loader: 'js',
    }));
  },
};

module.exports = [middyStreamsOnFirstUse];
