/**
 * Cold start: each function's artifact from `serverless package --stage prod`, its size, and how
 * long loading its handler takes as deployed (its environment, NODE_OPTIONS included), against a
 * bundle that only builds the DynamoDB document client, built with the same esbuild options.
 * Every load is a fresh node process; rounds interleave all contestants in a new random order.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { loadServerlessConfig, REPO_ROOT } from '../scripts/local/serverlessConfig';
import { functionArtifacts, packageService, readZip } from '../scripts/package/artifacts';
import { round, shuffled, spread, type Spread } from './stats';

const run = promisify(execFile);

/**
 * What the Lambda runtime does at init: require the handler file and find the export. Prints the
 * wall time and the CPU time (user + system) it took; on a shared machine the CPU time is the
 * steadier of the two, as waiting for a core does not count.
 */
const PROBE = `
const cpu = process.cpuUsage();
const start = process.hrtime.bigint();
const loaded = require(process.argv[1]);
const wall = Number(process.hrtime.bigint() - start) / 1e6;
const used = process.cpuUsage(cpu);
if (typeof loaded[process.argv[2]] !== 'function') throw new Error('no handler export ' + process.argv[2]);
process.stdout.write(wall + ' ' + (used.user + used.system) / 1000);
// Work a handler starts at load and finishes later (a parameter prefetch) is not load time.
process.exit(0);`;

/** The baseline: the SDK client every function needs anyway, constructed at load. */
const SDK_ONLY = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async () => client.config.region;`;

/** The esbuild options serverless.yml deploys with (those that shape the output). */
const deployedBuildOptions = (): BuildOptions => {
  const custom = loadServerlessConfig().custom as { esbuild?: Record<string, unknown> };
  const keys = ['minify', 'sourcemap', 'target', 'platform', 'format', 'mainFields', 'keepNames', 'treeShaking', 'conditions'];
  const options: BuildOptions = Object.fromEntries(keys.filter((key) => custom.esbuild?.[key] !== undefined).map((key) => [key, custom.esbuild![key]]));
  const plugins = custom.esbuild?.plugins;
  if (typeof plugins === 'string') options.plugins = createRequire(path.join(REPO_ROOT, 'package.json'))(path.resolve(REPO_ROOT, plugins)) as BuildOptions['plugins'];
  return options;
};

interface Contestant {
  name: string;
  file: string;
  exportName: string;
  env: Record<string, string>;
  zipBytes?: number;
  bundleBytes: number;
}

/** What Lambda sets, plus the function's own variables; nothing of this shell (tsx sets NODE_OPTIONS). */
const lambdaEnv = (name: string, memorySize: number, variables: Record<string, unknown>): Record<string, string> => {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
    // Node 20 only: the SDK warns it will need 22 (the runtime deployed); that warning is not load time.
    NODE_NO_WARNINGS: '1',
    // Lambda puts the role's credentials in the environment. Any AWS call a handler starts at load
    // goes to a closed loopback port, never to AWS or the instance-metadata address.
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  };
  for (const [key, value] of Object.entries(variables)) {
    // CloudFormation references (a role's ARN) resolve at deploy time; a placeholder stands in.
    env[key] = typeof value === 'string' ? value : `resolved-at-deploy-${key}`;
  }
  return env;
};

const loadOnce = async (contestant: Contestant): Promise<{ wall: number; cpu: number }> => {
  const { stdout } = await run(process.execPath, ['-e', PROBE, contestant.file, contestant.exportName], { env: contestant.env });
  const [wall, cpu] = stdout.split(' ').map(Number);
  return { wall: wall!, cpu: cpu! };
};

export interface ColdStartRow {
  name: string;
  zipBytes: number | null;
  bundleBytes: number;
  /** Wall time of the load. */
  loadMs: Spread;
  /** Median load time over the SDK-only bundle's. */
  ratio: number;
  /** Median of each round's ratio to the SDK-only load of the same round. */
  roundRatio: Spread;
  /** CPU time of the load, and its median over the SDK-only bundle's. */
  cpuMs: Spread;
  cpuRatio: number;
}

export interface ColdStartResult {
  rounds: number;
  buildOptions: BuildOptions;
  nodeOptions: Record<string, string>;
  baseline: ColdStartRow;
  functions: ColdStartRow[];
}

export const measureColdStart = async ({ rounds = 41, log = console.error }: { rounds?: number; log?: (line: string) => void } = {}): Promise<ColdStartResult> => {
  const work = mkdtempSync(path.join(tmpdir(), 'chat-rooms-coldstart-'));
  try {
    const outDir = path.join(work, 'package');
    log('cold start: serverless package --stage prod …');
    await packageService({ stage: 'prod', outDir });
    const buildOptions = deployedBuildOptions();
    const baselineFile = path.join(work, 'sdk-only', 'handler.js');
    await build({
      ...buildOptions,
      stdin: { contents: SDK_ONLY, resolveDir: REPO_ROOT, loader: 'ts' },
      bundle: true,
      outfile: baselineFile,
      logLevel: 'error',
    });
    const artifacts = functionArtifacts(outDir);
    const baseline: Contestant = {
      name: 'SDK-only bundle',
      file: baselineFile,
      exportName: 'handler',
      env: lambdaEnv('sdk-only', 512, {}),
      bundleBytes: statSync(baselineFile).size,
    };
    const contestants: Contestant[] = [baseline];
    const nodeOptions: Record<string, string> = {};
    for (const artifact of artifacts) {
      const dir = path.join(work, 'functions', artifact.name);
      let bundleBytes = 0;
      for (const entry of readZip(artifact.zip)) {
        mkdirSync(path.dirname(path.join(dir, entry.name)), { recursive: true });
        writeFileSync(path.join(dir, entry.name), entry.data);
        if (entry.name.endsWith('.js')) bundleBytes += entry.data.length;
      }
      const dot = artifact.handler.lastIndexOf('.');
      const env = lambdaEnv(artifact.name, artifact.memorySize, artifact.environment);
      nodeOptions[artifact.name] = env.NODE_OPTIONS ?? '';
      contestants.push({
        name: artifact.name,
        file: path.join(dir, `${artifact.handler.slice(0, dot)}.js`),
        exportName: artifact.handler.slice(dot + 1),
        env,
        zipBytes: statSync(artifact.zip).size,
        bundleBytes,
      });
    }

    const wall = new Map(contestants.map((contestant) => [contestant, [] as number[]]));
    const cpu = new Map(contestants.map((contestant) => [contestant, [] as number[]]));
    const ratios = new Map(contestants.map((contestant) => [contestant, [] as number[]]));
    for (const contestant of contestants) await loadOnce(contestant); // every file in the page cache
    for (let i = 0; i < rounds; i++) {
      const thisRound = new Map<Contestant, { wall: number; cpu: number }>();
      for (const contestant of shuffled(contestants)) thisRound.set(contestant, await loadOnce(contestant));
      for (const [contestant, load] of thisRound) {
        wall.get(contestant)!.push(load.wall);
        cpu.get(contestant)!.push(load.cpu);
        ratios.get(contestant)!.push(load.wall / thisRound.get(baseline)!.wall);
      }
      if ((i + 1) % 5 === 0) log(`cold start: round ${i + 1}/${rounds}`);
    }
    const rounded = (s: Spread, digits = 2): Spread => ({ median: round(s.median, digits), p25: round(s.p25, digits), p75: round(s.p75, digits), n: s.n });
    const baselineWall = spread(wall.get(baseline)!).median;
    const baselineCpu = spread(cpu.get(baseline)!).median;
    const row = (contestant: Contestant): ColdStartRow => {
      const loadMs = spread(wall.get(contestant)!);
      const cpuMs = spread(cpu.get(contestant)!);
      return {
        name: contestant.name,
        zipBytes: contestant.zipBytes ?? null,
        bundleBytes: contestant.bundleBytes,
        loadMs: rounded(loadMs),
        ratio: round(loadMs.median / baselineWall),
        roundRatio: rounded(spread(ratios.get(contestant)!)),
        cpuMs: rounded(cpuMs),
        cpuRatio: round(cpuMs.median / baselineCpu),
      };
    };
    return { rounds, buildOptions, nodeOptions, baseline: row(baseline), functions: contestants.slice(1).map(row) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
