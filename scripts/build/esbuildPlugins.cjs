/**
 * esbuild plugins for the functions' bundles (serverless.yml, custom.esbuild.plugins). Each keeps
 * code off a function's load that the function does not run, or not at every request, without
 * changing what runs; the cold-start bench measures what they save (BENCHMARKS.md).
 */
const { readFile } = require('node:fs/promises');
const path = require('node:path');

/**
 * @middy/core imports `node:stream/web` at the top of its module for one purpose, answering with a
 * stream when `streamifyResponse` is set, which no function here does, and loading Node's web
 * streams is a part of every cold start. Its import resolves instead to a module whose
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

/**
 * An SDK client's schemas module (`dist-es/schemas/schemas_0.js`) declares every shape of the
 * service, and esbuild drops those no command of the bundle reaches, except a shape whose traits
 * object has a computed key (`{ [_xN]: _X }`, `_xN` a string constant of the same module): esbuild
 * keeps any object literal with a computed key that is not a literal, in case evaluating the key
 * has an effect. Nearly every shape of the S3 client (XML names, HTTP bindings) has one, so a
 * function using five S3 commands loaded all of S3's shapes. The constant's string is put in place
 * of the name (the same object), and the shapes no command reaches go, as DynamoDB's do.
 */
const sdkSchemaKeysInlined = {
  name: 'sdk-schema-keys-inlined',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/][\w-]+[\\/]dist-es[\\/](?:[\w-]+[\\/])*schemas[\\/]schemas_\d+\.js$/ }, async ({ path: file }) => {
      const source = await readFile(file, 'utf8');
      const strings = new Map();
      for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(name, literal);
      const contents = source.replace(/\[(_\w+)\](\s*:)/g, (key, name, colon) => (strings.has(name) ? `${strings.get(name)}${colon}` : key));
      return { contents, loader: 'js' };
    });
  },
};

/**
 * @aws-sdk/s3-presigned-post depends on an exact release of @aws-sdk/client-s3, older than the
 * one the functions use, for one thing: PutObjectCommand's endpoint parameters, which it resolves
 * with the config of the client it is given (ours). Bundled as installed, every function that
 * signs an upload form carried a second S3 client. Its import resolves to the functions' client.
 */
const presignedPostWithOurS3Client = {
  name: 'presigned-post-with-our-s3-client',
  setup(build) {
    const root = path.join(__dirname, '..', '..');
    build.onResolve({ filter: /^@aws-sdk\/client-s3$/ }, ({ importer, kind }) =>
      /[\\/]@aws-sdk[\\/]s3-presigned-post[\\/]/.test(importer) ? build.resolve('@aws-sdk/client-s3', { resolveDir: root, kind }) : undefined,
    );
  },
};

/** The plugins a module loaded on first use is built with: all but the one that splits it off. */
const TRIMS = [middyStreamsOnFirstUse, sdkSchemaKeysInlined, presignedPostWithOurS3Client];

/** lib/aws/s3Sdk.ts: every S3 SDK value the functions use (the S3 client, its commands, the presigners). */
const S3_SDK = path.join(__dirname, '..', '..', 'lib', 'aws', 's3Sdk.ts');
const S3_PACKAGES = /^@aws-sdk\/(?:client-s3|s3-request-presigner|s3-presigned-post)(?:\/.*)?$/;
/**
 * The functions every request of which signs with S3 (an upload form): a file of their own would
 * only add a second copy of the SDK core to their first request, so they load S3 with the handler.
 */
const S3_AT_LOAD = /(?:^|[\\/])functions[\\/]requestAttachmentUpload[\\/]/;

/**
 * Most requests of the functions that may meet a file never touch S3 (a send without attachments,
 * a page of messages without them, the cleanup of rooms that never had files), yet loading the S3
 * client with the handler cost every cold start. esbuild cannot split a CommonJS bundle, and a
 * dynamic import() inside one costs more than it saves: every module the imported one reaches,
 * the SDK core shared with the DynamoDB client included, is wrapped for lazy evaluation and no
 * longer tree-shaken, so the handler loads more, not less. So lib/aws/s3Sdk.ts is built as a file
 * of its own beside the handler (`<handler>.s3-sdk.js`, with its own copy of the SDK core), and in
 * the handler's bundle it is a module whose exports are getters that require that file when one
 * is first read: a container that never builds an S3 client or command never loads it, and the
 * first that does pays for it once. Named after the handler, the file is packed by
 * serverless-esbuild with that function only. Any other import of the S3 packages in a function's
 * bundle is refused: it would bring the client back into every load.
 */
const s3SdkOnFirstUse = {
  name: 's3-sdk-on-first-use',
  setup(build) {
    const options = build.initialOptions;
    const entries = (Array.isArray(options.entryPoints) ? options.entryPoints : Object.values(options.entryPoints ?? {})).map((entry) => String(entry.in ?? entry));
    const outDir = options.outfile ? path.dirname(options.outfile) : options.outdir;
    const handler = options.outfile ? path.basename(options.outfile, path.extname(options.outfile)) : entries.length === 1 && path.parse(entries[0]).name;
    if (!options.bundle || options.format !== 'cjs' || !outDir || !handler) return;
    const fileName = `${handler}.s3-sdk.js`;

    // Our modules only: the SDK's packages import each other.
    build.onResolve({ filter: S3_PACKAGES }, ({ path: name, importer }) =>
      importer === S3_SDK || !importer || /[\\/]node_modules[\\/]/.test(importer)
        ? undefined
        : { errors: [{ text: `${path.relative(process.cwd(), importer)} imports ${name}: import S3 values from lib/aws/s3Sdk.ts, which the bundle loads on first use` }] },
    );
    if (entries.some((entry) => S3_AT_LOAD.test(entry))) return;
    build.onResolve({ filter: /\.s3-sdk\.js$/ }, ({ path: name }) => (name === `./${fileName}` ? { path: name, external: true } : undefined));
    build.onLoad({ filter: /[\\/]s3Sdk\.ts$/ }, async ({ path: file }) => {
      if (file !== S3_SDK) return undefined;
      const { entryPoints: _entries, outdir: _outdir, stdin: _stdin, ...shared } = options;
      await build.esbuild.build({ ...shared, entryPoints: [file], outfile: path.join(outDir, fileName), plugins: TRIMS, metafile: false, write: true });
      // Its export names as the module declares them (a CommonJS build's metafile lists none).
      const declared = await build.esbuild.build({ entryPoints: [file], bundle: false, format: 'esm', write: false, metafile: true, logLevel: 'silent' });
      const names = Object.values(declared.metafile.outputs).flatMap((output) => output.exports);
      if (names.length === 0) return { errors: [{ text: `${path.relative(process.cwd(), file)} exports nothing` }] };
      const getters = names.map((name) => `  get ${name}() { return sdk().${name}; },`).join('\n');
      return {
        contents: `let loaded;\nconst sdk = () => (loaded ??= require('./${fileName}'));\nmodule.exports = {\n${getters}\n};\n`,
        loader: 'js',
        resolveDir: outDir,
      };
    });
  },
};

module.exports = [...TRIMS, s3SdkOnFirstUse];
