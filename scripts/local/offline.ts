import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { httpApiPolicy, invokePolicy, startLoopbackGate, type LoopbackGate } from './loopbackGate';
import { assertPortsFree, freeBrowserBlockedPorts } from './ports';
import { groupAlive, signalGroup } from './processGroup';
import { REPO_ROOT } from './serverlessConfig';
import { LOCAL_STAGE } from './tables';

export interface OfflineOptions {
  /** The HTTP API, behind its loopback gate. */
  httpPort: number;
  /** Lambda's Invoke API, behind its loopback gate. */
  lambdaPort: number;
  /** The WebSocket API and its management endpoint (`POST /@connections/{id}`). */
  websocketPort: number;
  /** Added to this process' environment, e.g. DYNAMODB_ENDPOINT and LOG_LEVEL. */
  env?: Record<string, string | undefined>;
  stage?: string;
  /** Also stream the output to this process' stdout/stderr (npm start); it is always kept for errors. */
  echo?: boolean;
  /** Bundling takes seconds; a cold CI runner takes longer. */
  readyTimeoutMs?: number;
}

export interface OfflineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Offline {
  /** The HTTP API: `http://127.0.0.1:<httpPort>`. */
  url: string;
  /** The WebSocket API: `ws://127.0.0.1:<websocketPort>`. */
  wsUrl: string;
  /** Lambda's Invoke API (`/2015-03-31/functions/<name>/invocations`): `http://127.0.0.1:<lambdaPort>`. */
  lambdaUrl: string;
  /** The folder the functions' bundles are built into and served from (absolute). */
  workFolder: string;
  /** Settles when serverless-offline's process exits, for whatever reason. */
  exited: Promise<OfflineExit>;
  /** The tail of its combined output. */
  output(): string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const SERVERLESS_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'serverless');
const OUTPUT_LIMIT = 64 * 1024;
const STOP_GRACE_MS = 5_000;
/** Starts that lost an internal port to another stack starting at the same moment are tried again. */
const START_ATTEMPTS = 3;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Any HTTP answer (an unknown path gives 404) means the server is listening. */
const answers = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    const request = http.get(`${url}/__offline_ready`, { agent: false, timeout: 1_000 }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });

/**
 * A bundle folder per run (serverless.yml reads ESBUILD_WORK_FOLDER), so `npm start`, a test run
 * and `serverless package` (which builds in `.esbuild/package` and deletes that folder when done)
 * never touch each other's bundles. Under `.esbuild`, which serverless-esbuild's watcher ignores.
 */
const workFolderFor = (stage: string, httpPort: number): string => path.join('.esbuild', `offline-${stage}-${process.pid}-${httpPort}`);

interface InternalPorts {
  http: number;
  lambda: number;
}

interface Launch {
  stage: string;
  internal: InternalPorts;
  websocketPort: number;
  env: Record<string, string | undefined>;
  workFolder: string;
}

const offlineArgs = ({ stage, internal, websocketPort }: Launch): string[] => [
  SERVERLESS_BIN,
  ...['offline', 'start', '--stage', stage, '--host', HOST],
  ...['--httpPort', String(internal.http), '--lambdaPort', String(internal.lambda), '--websocketPort', String(websocketPort)],
  ...['--noPrependStageInUrl', '--noSponsor'],
  // One warm module per function instead of a worker thread (and a cold start) per concurrent
  // request: a burst of 50 local requests would otherwise spend seconds starting workers.
  '--useInProcess',
];

const offlineEnv = ({ env, internal, websocketPort, workFolder }: Launch): NodeJS.ProcessEnv => ({
  ...process.env,
  // No CloudWatch metric blobs in a local console (see lib/metrics.ts).
  METRICS_DISABLED: 'true',
  // The functions push events through offline's management API, on its WebSocket port: the event's
  // domainName and stage would name an endpoint that does not exist locally.
  WEBSOCKET_ENDPOINT: `http://${HOST}:${websocketPort}`,
  // The functions hand webhook jobs to the delivery function through offline's own Lambda API.
  AWS_ENDPOINT_URL_LAMBDA: `http://${HOST}:${internal.lambda}`,
  ...env,
  ESBUILD_WORK_FOLDER: workFolder,
});

interface OfflineProcess {
  exited: Promise<OfflineExit>;
  hasExited(): boolean;
  output(): string;
  /** Stop the whole process group and delete the bundle folder; once, however often it is called. */
  stop(): Promise<void>;
}

/** Stop a process group: SIGTERM, then SIGKILL after a grace period, then wait for it to be reaped. */
const stopGroup = async (pgid: number, exited: Promise<OfflineExit>, hasExited: () => boolean): Promise<void> => {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while ((!hasExited() || groupAlive(pgid)) && Date.now() < deadline) await (hasExited() ? wait(50) : Promise.race([exited, wait(50)]));
  if (!hasExited() || groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  await exited;
  // Children reparented after the leader died may take a moment to be reaped.
  for (let tries = 0; groupAlive(pgid) && tries < 40; tries++) await wait(50);
};

/**
 * `serverless offline start` in its own process group: serverless-esbuild and serverless-offline
 * start children of their own, and stop() must take them all down, not just the parent.
 */
const spawnOffline = (launch: Launch, echo: boolean): OfflineProcess => {
  const child = spawn(process.execPath, offlineArgs(launch), {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: offlineEnv(launch),
  });

  let output = '';
  const capture = (echoTo: NodeJS.WriteStream) => (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
    if (echo) echoTo.write(chunk);
  };
  child.stdout.on('data', capture(process.stdout));
  child.stderr.on('data', capture(process.stderr));

  let exit: OfflineExit | undefined;
  const exited = new Promise<OfflineExit>((resolve) => {
    child.once('exit', (code, signal) => resolve((exit = { code, signal })));
    child.once('error', (error) => {
      output += `\n${String(error)}`;
      resolve((exit = { code: null, signal: null }));
    });
  });

  const pgid = child.pid;
  // Once the leader has exited and its group is empty, the id may be reused: signal it no more.
  const mayOwnGroup = () => pgid !== undefined && (!exit || groupAlive(pgid));
  // Last resort if this process exits without stop() (an uncaught error, process.exit()).
  const killOnExit = () => mayOwnGroup() && signalGroup(pgid!, 'SIGKILL');
  process.on('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (pgid !== undefined && mayOwnGroup()) await stopGroup(pgid, exited, () => exit !== undefined);
      process.off('exit', killOnExit);
      await rm(path.join(REPO_ROOT, launch.workFolder), { recursive: true, force: true });
    })());

  return { exited, hasExited: () => exit !== undefined, output: () => output, stop };
};

const tailOf = (output: string) => output.split('\n').slice(-40).join('\n');

/** Resolve once offline answers on `url`; throw (with its output's tail) if it exits or takes too long. */
const untilAnswering = async (url: string, offline: OfflineProcess, readyTimeoutMs: number): Promise<void> => {
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (offline.hasExited()) {
      const { code, signal } = await offline.exited;
      throw new Error(`serverless offline exited during startup (code ${code}, signal ${signal}):\n${tailOf(offline.output())}`);
    }
    if (await answers(url)) return;
    if (Date.now() > deadline) throw new Error(`serverless offline did not answer on ${url} within ${readyTimeoutMs} ms:\n${tailOf(offline.output())}`);
    await Promise.race([offline.exited, wait(200)]);
  }
};

/** One start: the gates on the public ports, offline behind them on the internal ones. */
const startBehindGates = async (options: OfflineOptions, internal: InternalPorts): Promise<Offline> => {
  const { httpPort, lambdaPort, websocketPort, env = {}, stage = LOCAL_STAGE, echo = false, readyTimeoutMs = 60_000 } = options;
  const url = `http://${HOST}:${httpPort}`;
  const gates: LoopbackGate[] = [];
  let offline: OfflineProcess | undefined;
  const stop = async () => {
    await Promise.all(gates.map((gate) => gate.close()));
    await offline?.stop();
  };
  try {
    gates.push(await startLoopbackGate(httpPort, internal.http, httpApiPolicy(httpPort)));
    gates.push(await startLoopbackGate(lambdaPort, internal.lambda, invokePolicy(lambdaPort)));
    // The functions name the stack by its public address (the OpenAPI document's server, the
    // playground's own origin); they never see the internal ports.
    const workFolder = workFolderFor(stage, httpPort);
    offline = spawnOffline({ stage, internal, websocketPort, env: { PUBLIC_API_URL: url, ...env }, workFolder }, echo);
    await untilAnswering(`http://${HOST}:${internal.http}`, offline, readyTimeoutMs);
    return {
      url,
      wsUrl: `ws://${HOST}:${websocketPort}`,
      lambdaUrl: `http://${HOST}:${lambdaPort}`,
      workFolder: path.join(REPO_ROOT, workFolder),
      exited: offline.exited,
      output: offline.output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

/**
 * Run `serverless offline start` for the local stage, resolved once it answers HTTP. Offline listens
 * on internal ports browsers refuse to connect to; the ports given here are loopback gates in front
 * of them (scripts/local/loopbackGate.ts says what each refuses).
 */
export const startOffline = async (options: OfflineOptions): Promise<Offline> => {
  const { httpPort, lambdaPort, websocketPort } = options;
  await assertPortsFree([httpPort, lambdaPort, websocketPort]);
  for (let attempt = 1; ; attempt++) {
    const [http, lambda] = await freeBrowserBlockedPorts(2);
    try {
      return await startBehindGates(options, { http: http!, lambda: lambda! });
    } catch (error) {
      // Another stack starting at the same moment may have taken an internal port first.
      if (attempt >= START_ATTEMPTS || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
};
