/**
 * The functions' S3 build (scripts/build/esbuildPlugins.cjs): the S3 SDK in a file of its own that
 * a handler requires on first use, S3's schemas trimmed to what its commands reach, and
 * s3-presigned-post on the functions' S3 client. Each bundle is run in a fresh node, and what the
 * S3 client sends and reads is compared with a bundle built without the plugins.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

const plugins = require('../../scripts/build/esbuildPlugins.cjs') as Plugin[];
const ROOT = path.resolve(__dirname, '../..');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'chat-rooms-s3-build-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `source` (or a file of the repository) bundled as the functions are, into `<dir>/<name>/handler.js`. */
const bundle = async (name: string, input: { source: string } | { entry: string }, withPlugins = true): Promise<{ file: string; metafile: Metafile }> => {
  const file = path.join(dir, name, 'handler.js');
  const { metafile } = await build({
    ...('source' in input ? { stdin: { contents: input.source, resolveDir: ROOT, loader: 'ts' as const } } : { entryPoints: [path.join(ROOT, input.entry)] }),
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    mainFields: ['module', 'main'],
    outfile: file,
    logLevel: 'silent',
    metafile: true,
    plugins: withPlugins ? plugins : [],
  });
  return { file, metafile };
};

/** Runs `probe` (CommonJS) in a fresh node with the bundle's path as its argument: what it prints, parsed. */
const run = (probe: string, file: string): any => {
  const probeFile = path.join(dir, `probe-${Math.random().toString(36).slice(2)}.cjs`);
  writeFileSync(probeFile, probe);
  const env = { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', NODE_NO_WARNINGS: '1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', S3_REQUEST_TIMEOUT_MS: '1000' };
  return JSON.parse(execFileSync(process.execPath, [probeFile, file], { encoding: 'utf8', env }));
};

const sdkFileLoaded = `const loaded = () => Object.keys(require.cache).some((file) => file.endsWith('.s3-sdk.js'));`;

/**
 * Every S3 request the attachments make, answered by a recording request handler with canned
 * answers: the requests as sent (less what changes per call: dates, signatures, ids) and the
 * outputs as read, and a presigned GET and POST form.
 */
const S3_ROUND_TRIP = `
import { Readable } from 'node:stream';
import { createS3Client } from './lib/aws/s3';
import { CopyObjectCommand, createPresignedPost, DeleteObjectsCommand, GetObjectCommand, getSignedUrl, HeadObjectCommand, ListObjectsV2Command } from './lib/aws/s3Sdk';

const VOLATILE = /^(authorization|x-amz-date|amz-sdk-invocation-id|amz-sdk-request|user-agent|x-amz-user-agent|x-amz-security-token)$/i;
const LISTED = '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><Prefix>1/r/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><Contents><Key>1/r/a</Key><Size>3</Size><ETag>"e1"</ETag><LastModified>2026-01-02T03:04:05.000Z</LastModified></Contents><Contents><Key>1/r/b</Key><Size>4</Size></Contents><NextContinuationToken>next</NextContinuationToken></ListBucketResult>';
const DELETED = '<?xml version="1.0" encoding="UTF-8"?><DeleteResult><Error><Key>1/r/b</Key><Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>';
const COPIED = '<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><ETag>"c1"</ETag><LastModified>2026-01-02T03:04:05.000Z</LastModified></CopyObjectResult>';
const answers = {
  HEAD: { headers: { 'content-length': '5', 'content-type': 'image/png', etag: '"e1"', 'last-modified': 'Fri, 02 Jan 2026 03:04:05 GMT' }, body: '' },
  GET: { headers: { 'content-length': '5', 'content-type': 'image/png', etag: '"e1"', 'content-range': 'bytes 0-4/5' }, body: 'bytes' },
  LIST: { headers: { 'content-type': 'application/xml' }, body: LISTED },
  POST: { headers: { 'content-type': 'application/xml' }, body: DELETED },
  PUT: { headers: { 'content-type': 'application/xml' }, body: COPIED },
};
const sent: unknown[] = [];
const requestHandler = {
  handle: async (request: any) => {
    const chunks: Buffer[] = [];
    if (typeof request.body === 'string' || request.body instanceof Uint8Array) chunks.push(Buffer.from(request.body));
    sent.push({
      method: request.method, hostname: request.hostname, path: request.path, query: request.query,
      headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => !VOLATILE.test(name)).sort()),
      body: Buffer.concat(chunks).toString(),
    });
    const answer = (answers as any)[request.method === 'GET' && 'list-type' in request.query ? 'LIST' : request.method];
    return { response: { statusCode: 200, headers: answer.headers, body: Readable.from([Buffer.from(answer.body)]) } };
  },
};

export const roundTrip = async () => {
  const client = createS3Client();
  (client.config as any).requestHandler = requestHandler;
  const Bucket = 'b';
  const head = await client.send(new HeadObjectCommand({ Bucket, Key: '1/r/a' }));
  const { Body, ...got } = await client.send(new GetObjectCommand({ Bucket, Key: '1/r/a', Range: 'bytes=0-4', IfMatch: '"e1"' }));
  const gotBody = Buffer.from(await Body!.transformToByteArray()).toString();
  const listed = await client.send(new ListObjectsV2Command({ Bucket, Prefix: '1/r/', MaxKeys: 1000 }));
  const deleted = await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: '1/r/a' }, { Key: '1/r/b' }], Quiet: true } }));
  const copied = await client.send(new CopyObjectCommand({
    Bucket, Key: '1/r/m/a', CopySource: 'b/1/r/a', CopySourceIfMatch: '"e1"', MetadataDirective: 'REPLACE',
    ContentType: 'image/png', ContentDisposition: 'inline; filename="a.png"', TaggingDirective: 'REPLACE',
  }));
  const url = await getSignedUrl(client, new GetObjectCommand({ Bucket, Key: '1/r/m/a', ResponseContentType: 'image/png', ResponseContentDisposition: 'inline', ResponseCacheControl: 'private, max-age=900' }), { expiresIn: 900, signingDate: new Date('2026-01-02T03:04:05Z') });
  const form = await createPresignedPost(client, { Bucket, Key: '1/p/a', Fields: { 'Content-Type': 'image/png' }, Conditions: [['content-length-range', 5, 5]], Expires: 300 });
  const policy = JSON.parse(Buffer.from(form.fields.Policy!, 'base64').toString());
  return {
    sent,
    outputs: [head, { ...got, body: gotBody }, listed, deleted, copied].map(({ $metadata: _metadata, ...output }: any) => output),
    url,
    form: { url: form.url, fields: Object.keys(form.fields).sort(), conditions: policy.conditions.filter((c: any) => !Object.keys(c).some((key) => /^x-amz-(date|credential)$/i.test(key))) },
  };
};
`;

const ROUND_TRIP_PROBE = `
${sdkFileLoaded}
const bundle = require(process.argv[2]);
const atLoad = loaded();
bundle.roundTrip().then((result) => process.stdout.write(JSON.stringify({ atLoad, afterUse: loaded(), result })));`;

describe("the functions' S3 build", () => {
  it('loads the S3 SDK from its own file when a value is first read, and S3 works as unbundled', async () => {
    const split = await bundle('split', { source: S3_ROUND_TRIP });
    expect(existsSync(path.join(dir, 'split', 'handler.s3-sdk.js'))).toBe(true);
    // Nothing of the S3 client is in the handler's own file.
    expect(Object.keys(split.metafile.inputs).filter((input) => input.includes('@aws-sdk/client-s3'))).toEqual([]);
    const plain = await bundle('plain', { source: S3_ROUND_TRIP }, false);

    const ours = run(ROUND_TRIP_PROBE, split.file);
    const theirs = run(ROUND_TRIP_PROBE, plain.file);
    expect(ours.atLoad).toBe(false);
    expect(ours.afterUse).toBe(true);
    expect(ours.result).toEqual(theirs.result);
    // The comparison saw what the attachments rely on.
    expect(ours.result.sent.map((request: any) => request.method)).toEqual(['HEAD', 'GET', 'GET', 'POST', 'PUT']);
    expect(ours.result.sent[3].body).toContain('<Key>1/r/b</Key>');
    expect(ours.result.outputs[2].Contents).toHaveLength(2);
    expect(ours.result.outputs[3].Errors[0].Code).toBe('AccessDenied');
    expect(ours.result.url).toContain('response-content-disposition=inline');
    expect(ours.result.form.conditions).toContainEqual(['content-length-range', 5, 5]);
  });

  it('keeps only the S3 shapes its commands reach', async () => {
    const source = { source: "export { CopyObjectCommand, createPresignedPost, getSignedUrl, S3Client } from './lib/aws/s3Sdk';" };
    await bundle('trimmed', source);
    const trimmed = readFileSync(path.join(dir, 'trimmed', 'handler.s3-sdk.js'), 'utf8');
    const full = readFileSync((await bundle('full', source, false)).file, 'utf8');
    expect(full).toContain('PutBucketLifecycleConfigurationRequest');
    expect(trimmed).not.toContain('PutBucketLifecycleConfigurationRequest');
    expect(trimmed).toContain('CopyObjectRequest');
  });

  it('loads S3 with the handler of the function that signs a form at every request, with one S3 client', async () => {
    const { file, metafile } = await bundle('requestAttachmentUpload', { entry: 'functions/requestAttachmentUpload/handler.ts' });
    expect(existsSync(path.join(dir, 'requestAttachmentUpload', 'handler.s3-sdk.js'))).toBe(false);
    expect(readFileSync(file, 'utf8')).not.toContain('.s3-sdk.js');
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/client-s3/'))).toBe(true);
    // s3-presigned-post's own copy of the client stays out.
    expect(inputs.filter((input) => input.includes('s3-presigned-post/node_modules'))).toEqual([]);
    const unplugged = Object.keys((await bundle('unplugged', { entry: 'functions/requestAttachmentUpload/handler.ts' }, false)).metafile.inputs);
    expect(unplugged.some((input) => input.includes('s3-presigned-post/node_modules/@aws-sdk/client-s3/'))).toBe(true);
  });

  it('refuses an S3 package imported anywhere but lib/aws/s3Sdk.ts', async () => {
    await expect(bundle('refused', { source: "import { S3Client } from '@aws-sdk/client-s3'; export const client = new S3Client({});" })).rejects.toThrow(
      /imports @aws-sdk\/client-s3: import S3 values from lib\/aws\/s3Sdk\.ts/,
    );
  });
});
