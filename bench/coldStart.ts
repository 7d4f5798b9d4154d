/**
 * Cold start: each function's artifact from `serverless package --stage prod`, its size, and how
 * long a fresh node process takes to start and load its handler as deployed (its environment,
 * NODE_OPTIONS included): what Lambda's Init Duration is made of. The comparison is a fresh process
 * that only builds the DynamoDB document client, bundled with the same esbuild options; an empty
 * handler shows what node's own start is of either. Every start is a new process; rounds
 * interleave all contestants in a new random order.
 *
 *   npx tsx bench/coldStart.ts [--rounds 21] [--out bench/results.json]
 * runs only this part and replaces the `coldStart` section of the results file; `npm run bench`
 * runs it with the rest.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { loadServerlessConfig, REPO_ROOT } from '../scripts/local/serverlessConfig';
import { functionArtifacts, packageService, readZip } from '../scripts/package/artifacts';
import { round, shuffled, spread, type Spread } from './stats';

/**
 * What the Lambda runtime does at init, as a file node starts with: require the handler file and
 * find the export. Prints, once the handler is ready, how long the require took and the process's
 * CPU time so far (user + system, node's own start included); the parent times the whole start.
 */
const PROBE = `
const loadStart = performance.now();
const loaded = require(process.argv[2]);
const load = performance.now() - loadStart;
if (typeof loaded[process.argv[3]] !== 'function') throw new Error('no handler export ' + process.argv[3]);
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ load, cpu: (cpu.user + cpu.system) / 1000 }));
// Work a handler starts at load and finishes later (a parameter prefetch) is not init time.
process.exit(0);`;

/** The baseline: the SDK client every function needs anyway, constructed at load. */
const SDK_ONLY = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async () => client.config.region;`;

/** node starting and loading nothing: the part of every start no bundle can change. */
const EMPTY_HANDLER = 'exports.handler = async () => undefined;\n';

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

interface Start {
  /** Spawn to handler ready, timed by the parent: node's start and the handler's load. */
  start: number;
  /** The process's CPU time when ready. */
  cpu: number;
  /** The handler's require alone. */
  load: number;
}

/** One fresh process started with `probe` for `contestant`, timed from spawn to its ready line. */
const startOnce = (probe: string, contestant: Contestant): Promise<Start> =>
  new Promise((resolve, reject) => {
    const spawned = process.hrtime.bigint();
    let ready: number | undefined;
    let out = '';
    let err = '';
    const child = spawn(process.execPath, [probe, contestant.file, contestant.exportName], { env: contestant.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      ready ??= Number(process.hrtime.bigint() - spawned) / 1e6;
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || ready === undefined) return reject(new Error(`${contestant.name}: exit ${code}: ${err.trim()}`));
      const { load, cpu } = JSON.parse(out) as { load: number; cpu: number };
      resolve({ start: ready, cpu, load });
    });
  });

export interface ColdStartRow {
  name: string;
  zipBytes: number | null;
  bundleBytes: number;
  /** Wall time of the whole start: spawn to handler ready. */
  startMs: Spread;
  /** Median start over the SDK-only process's. */
  ratio: number;
  /** Median of each round's ratio to the SDK-only start of the same round. */
  roundRatio: Spread;
  /** CPU time of the whole start, and its median over the SDK-only process's. */
  cpuMs: Spread;
  cpuRatio: number;
  /** The handler's require alone, inside the process. */
  loadMs: Spread;
}

export interface ColdStartResult {
  measuredAt: string;
  machine: { cpu: string; cores: number; node: string; loadAverage: number[] };
  rounds: number;
  buildOptions: BuildOptions;
  nodeOptions: Record<string, string>;
  /** A fresh process that only builds the DynamoDB client: what every ratio is over. */
  baseline: ColdStartRow;
  /** A fresh process loading an empty handler: node's own start. */
  nodeOnly: ColdStartRow;
  functions: ColdStartRow[];
}

/** The deployed functions, the SDK-only bundle and the empty handler, ready to start in `work`. */
const prepareContestants = async (work: string, log: (line: string) => void) => {
  const outDir = path.join(work, 'package');
  log('cold start: serverless package --stage prod …');
  await packageService({ stage: 'prod', outDir });
  const buildOptions = deployedBuildOptions();
  const baselineFile = path.join(work, 'sdk-only', 'handler.js');
  await build({ ...buildOptions, stdin: { contents: SDK_ONLY, resolveDir: REPO_ROOT, loader: 'ts' }, bundle: true, outfile: baselineFile, logLevel: 'error' });
  const emptyFile = path.join(work, 'node-only', 'handler.js');
  mkdirSync(path.dirname(emptyFile), { recursive: true });
  writeFileSync(emptyFile, EMPTY_HANDLER);
  const baseline: Contestant = { name: 'SDK-only process', file: baselineFile, exportName: 'handler', env: lambdaEnv('sdk-only', 512, {}), bundleBytes: statSync(baselineFile).size };
  const nodeOnly: Contestant = { name: 'node only (empty handler)', file: emptyFile, exportName: 'handler', env: lambdaEnv('node-only', 512, {}), bundleBytes: statSync(emptyFile).size };
  const functions: Contestant[] = [];
  const nodeOptions: Record<string, string> = {};
  for (const artifact of functionArtifacts(outDir)) {
    const dir = path.join(work, 'functions', artifact.name);
    for (const entry of readZip(artifact.zip)) {
      mkdirSync(path.dirname(path.join(dir, entry.name)), { recursive: true });
      writeFileSync(path.join(dir, entry.name), entry.data);
    }
    const dot = artifact.handler.lastIndexOf('.');
    const file = path.join(dir, `${artifact.handler.slice(0, dot)}.js`);
    const env = lambdaEnv(artifact.name, artifact.memorySize, artifact.environment);
    nodeOptions[artifact.name] = env.NODE_OPTIONS ?? '';
    functions.push({
      name: artifact.name,
      file,
      exportName: artifact.handler.slice(dot + 1),
      env,
      zipBytes: statSync(artifact.zip).size,
      // What the load reads: a file the handler requires on first use (<handler>.s3-sdk.js) is in the zip only.
      bundleBytes: statSync(file).size,
    });
  }
  return { buildOptions, nodeOptions, baseline, nodeOnly, functions };
};

/** Every contestant started once per round, in a new order each round. */
const startRounds = async (probe: string, contestants: Contestant[], baseline: Contestant, rounds: number, log: (line: string) => void) => {
  const samples = new Map(contestants.map((contestant) => [contestant, { start: [] as number[], cpu: [] as number[], load: [] as number[], ratio: [] as number[] }]));
  for (const contestant of contestants) await startOnce(probe, contestant); // every file in the page cache
  for (let i = 0; i < rounds; i++) {
    const thisRound = new Map<Contestant, Start>();
    for (const contestant of shuffled(contestants)) thisRound.set(contestant, await startOnce(probe, contestant));
    for (const [contestant, started] of thisRound) {
      const sample = samples.get(contestant)!;
      sample.start.push(started.start);
      sample.cpu.push(started.cpu);
      sample.load.push(started.load);
      sample.ratio.push(started.start / thisRound.get(baseline)!.start);
    }
    if ((i + 1) % 5 === 0) log(`cold start: round ${i + 1}/${rounds}`);
  }
  return samples;
};

const rounded = (s: Spread, digits = 2): Spread => ({ median: round(s.median, digits), p25: round(s.p25, digits), p75: round(s.p75, digits), n: s.n });

export const measureColdStart = async ({ rounds = 21, log = console.error }: { rounds?: number; log?: (line: string) => void } = {}): Promise<ColdStartResult> => {
  const work = mkdtempSync(path.join(tmpdir(), 'chat-rooms-coldstart-'));
  try {
    const { buildOptions, nodeOptions, baseline, nodeOnly, functions } = await prepareContestants(work, log);
    const probe = path.join(work, 'probe.cjs');
    writeFileSync(probe, PROBE);
    const samples = await startRounds(probe, [baseline, nodeOnly, ...functions], baseline, rounds, log);
    const baselineStart = spread(samples.get(baseline)!.start).median;
    const baselineCpu = spread(samples.get(baseline)!.cpu).median;
    const row = (contestant: Contestant): ColdStartRow => {
      const sample = samples.get(contestant)!;
      const startMs = spread(sample.start);
      const cpuMs = spread(sample.cpu);
      return {
        name: contestant.name,
        zipBytes: contestant.zipBytes ?? null,
        bundleBytes: contestant.bundleBytes,
        startMs: rounded(startMs),
        ratio: round(startMs.median / baselineStart),
        roundRatio: rounded(spread(sample.ratio)),
        cpuMs: rounded(cpuMs),
        cpuRatio: round(cpuMs.median / baselineCpu),
        loadMs: rounded(spread(sample.load)),
      };
    };
    return {
      measuredAt: new Date().toISOString(),
      machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, loadAverage: os.loadavg().map((load) => round(load)) },
      rounds,
      buildOptions,
      nodeOptions,
      baseline: row(baseline),
      nodeOnly: row(nodeOnly),
      functions: functions.map(row),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

const median = (s: Spread, digits: number) => `${s.median.toFixed(digits)} (${s.p25.toFixed(digits)}–${s.p75.toFixed(digits)})`;

/** The result as the markdown table the bench prints. */
export const coldStartTable = (result: ColdStartResult): string => {
  const headers = ['function', 'zip KB', 'bundle KB', 'start ms', 'ratio', 'round ratio', 'CPU ms', 'CPU ratio', 'require ms'];
  const rows = [result.baseline, result.nodeOnly, ...result.functions].map((f) => [
    f.name,
    f.zipBytes === null ? '' : (f.zipBytes / 1024).toFixed(0),
    (f.bundleBytes / 1024).toFixed(0),
    median(f.startMs, 1),
    f.ratio.toFixed(2),
    median(f.roundRatio, 2),
    median(f.cpuMs, 1),
    f.cpuRatio.toFixed(2),
    median(f.loadMs, 1),
  ]);
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [
    `Cold start: a fresh node process starting and loading each handler as deployed vs one that only builds the DynamoDB client, ${result.rounds} interleaved rounds; median (p25–p75)`,
    line(headers),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
};

const main = async () => {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '21' }, out: { type: 'string', default: path.join(__dirname, 'results.json') } } });
  const rounds = Number(values.rounds);
  if (!(rounds >= 5)) throw new Error('--rounds must be at least 5');
  const result = await measureColdStart({ rounds, log: (line) => process.stderr.write(`${line}\n`) });
  const results = existsSync(values.out) ? (JSON.parse(readFileSync(values.out, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(values.out, `${JSON.stringify({ ...results, coldStart: result }, null, 2)}\n`);
  console.log(coldStartTable(result));
  process.stderr.write(`wrote the coldStart section of ${path.relative(process.cwd(), values.out)}\n`);
};

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
