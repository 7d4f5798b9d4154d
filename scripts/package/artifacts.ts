/**
 * The deployable artifacts as `serverless package` writes them: the CloudFormation template and one
 * zip per function. The deploy test checks them; `npm run bench` loads them to time cold starts.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { REPO_ROOT } from '../local/serverlessConfig';

const run = promisify(execFile);

/** The environment without any AWS credentials or profile: packaging must not need an account. */
export const credentialFreeEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_') && name !== 'DYNAMODB_ENDPOINT' && name !== 'WEBSOCKET_ENDPOINT') env[name] = value;
  }
  return { ...env, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' };
};

/** `serverless package --stage <stage>` into `outDir`, without credentials (`env` on top), in its own bundle folder. */
export const packageService = async ({ stage, outDir, env = {} }: { stage: string; outDir: string; env?: NodeJS.ProcessEnv }): Promise<void> => {
  // Its own bundle folder, so packaging never deletes the build of a running `npm start`.
  const workFolder = path.join('.esbuild', `package-${process.pid}-${Date.now()}`);
  try {
    await run(path.join(REPO_ROOT, 'node_modules/.bin/serverless'), ['package', '--stage', stage, '--package', outDir], {
      cwd: REPO_ROOT,
      env: { ...credentialFreeEnv(), ...env, ESBUILD_WORK_FOLDER: workFolder },
      timeout: 300_000,
    });
  } finally {
    rmSync(path.join(REPO_ROOT, workFolder), { recursive: true, force: true });
  }
};

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;

/** Every file in a zip (stored or deflated, as serverless writes them), read from its central directory. */
export const readZip = (file: string): ZipEntry[] => {
  const zip = readFileSync(file);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) end--;
  if (end < 0) throw new Error(`${file} is not a zip`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`${file}: broken central directory`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressedSize);
    if (method !== 0 && method !== 8) throw new Error(`${file}: ${name} uses compression method ${method}`);
    if (!name.endsWith('/')) entries.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
    at = next;
  }
  return entries;
};

type Resource = { Type: string; Properties: any };

export interface FunctionArtifact {
  /** The function's key in serverless.yml (`startChat`). */
  name: string;
  /** `functions/startChat/handler.handler`: the file (without .js) and the export. */
  handler: string;
  /** The zip this function deploys, in `outDir`. */
  zip: string;
  memorySize: number;
  environment: Record<string, unknown>;
}

/** The packaged template's resources. */
export const templateResources = (outDir: string): Record<string, Resource> =>
  JSON.parse(readFileSync(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')).Resources;

/** Each function of the packaged template with the zip it deploys. */
export const functionArtifacts = (outDir: string): FunctionArtifact[] =>
  Object.values(templateResources(outDir))
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .map(({ Properties: fn }) => ({
      name: String(fn.FunctionName).split('-').at(-1)!,
      handler: fn.Handler,
      zip: path.join(outDir, path.basename(fn.Code.S3Key)),
      memorySize: fn.MemorySize,
      environment: fn.Environment?.Variables ?? {},
    }));
