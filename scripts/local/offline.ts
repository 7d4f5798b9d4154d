import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { assertPortsFree } from './ports';
import { REPO_ROOT } from './serverlessConfig';
import { LOCAL_STAGE } from './tables';

export interface OfflineOptions {
  httpPort: number;
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
  url: string;
  /** The WebSocket API: `ws://127.0.0.1:<websocketPort>`. */
  wsUrl: string;
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

/** Whether a live (non-zombie) process is left in the group, from /proc/<pid>/stat. */
const linuxGroupAlive = (pgid: number): boolean => {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // After "pid (comm) ": state, ppid, pgrp. comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
};

/**
 * True while any process of the group is alive. Signal 0 alone also counts zombies, and a
 * container's init may take seconds to reap the children reparented to it; on Linux, look closer.
 */
const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    return linuxGroupAlive(pgid);
  } catch {
    return true;
  }
};

const signalGroup = (pgid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
};

/**
 * Run `serverless offline start` for the local stage, resolved once it answers HTTP.
 * It runs in its own process group: serverless-esbuild and serverless-offline start children
 * of their own, and stop() must take them all down, not just the parent.
 */
export const startOffline = async ({
  httpPort,
  lambdaPort,
  websocketPort,
  env = {},
  stage = LOCAL_STAGE,
  echo = false,
  readyTimeoutMs = 60_000,
}: OfflineOptions): Promise<Offline> => {
  await assertPortsFree([httpPort, lambdaPort, websocketPort]);

  // A bundle folder per run (serverless.yml reads ESBUILD_WORK_FOLDER), so `npm start` and a test
  // run never overwrite each other's `.esbuild/.build`. Under `.esbuild`, which the watcher ignores.
  const workFolder = path.join('.esbuild', `${stage}-${process.pid}-${httpPort}`);
  const url = `http://${HOST}:${httpPort}`;
  const args = [
    SERVERLESS_BIN,
    ...['offline', 'start', '--stage', stage, '--host', HOST],
    ...['--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort), '--websocketPort', String(websocketPort)],
    ...['--noPrependStageInUrl', '--noSponsor'],
    // One warm module per function instead of a worker thread (and a cold start) per concurrent
    // request: a burst of 50 local requests would otherwise spend seconds starting workers.
    '--useInProcess',
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // No CloudWatch metric blobs in a local console (see lib/metrics.ts).
    env: {
      ...process.env,
      METRICS_DISABLED: 'true',
      // The functions push events through offline's management API, on its WebSocket port: the event's
      // domainName and stage would name an endpoint that does not exist locally.
      WEBSOCKET_ENDPOINT: `http://${HOST}:${websocketPort}`,
      ...env,
      ESBUILD_WORK_FOLDER: workFolder,
    },
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
      if (pgid !== undefined && mayOwnGroup()) {
        signalGroup(pgid, 'SIGTERM');
        const deadline = Date.now() + STOP_GRACE_MS;
        while ((!exit || groupAlive(pgid)) && Date.now() < deadline) await (exit ? wait(50) : Promise.race([exited, wait(50)]));
        if (!exit || groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
        await exited;
        // Children reparented after the leader died may take a moment to be reaped.
        for (let tries = 0; groupAlive(pgid) && tries < 40; tries++) await wait(50);
      }
      process.off('exit', killOnExit);
      await rm(path.join(REPO_ROOT, workFolder), { recursive: true, force: true });
    })());

  const tail = () => output.split('\n').slice(-40).join('\n');
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exit) {
      await stop();
      throw new Error(`serverless offline exited during startup (code ${exit.code}, signal ${exit.signal}):\n${tail()}`);
    }
    if (await answers(url)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`serverless offline did not answer on ${url} within ${readyTimeoutMs} ms:\n${tail()}`);
    }
    await Promise.race([exited, wait(200)]);
  }

  return { url, wsUrl: `ws://${HOST}:${websocketPort}`, exited, output: () => output, stop };
};
