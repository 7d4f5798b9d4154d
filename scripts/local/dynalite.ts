import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { isAlive } from './processGroup';

export interface LocalDynamoOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Persist to this LevelDB directory; in memory when omitted. */
  path?: string;
}

export interface LocalDynamo {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

// Loopback only: the embedded store has no authentication, so it must never face the network.
const HOST = '127.0.0.1';

/**
 * Claim a persist directory with a `<dir>.pid` file. Two processes on one LevelDB directory do not
 * fail cleanly: dynalite throws "Database is closed" from a callback on the first request and the
 * process dies. This turns that into a clear error up front. Returns the release function.
 */
export const claimDirectory = async (dir: string): Promise<() => Promise<void>> => {
  const file = `${dir}.pid`;
  for (;;) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(await readFile(file, 'utf8').catch(() => ''));
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new Error(`${dir} is in use by process ${owner} (another npm start?); stop it, or delete ${file} if stale`);
    }
    await rm(file, { force: true }); // stale: its owner is gone
  }
};

/** An in-process DynamoDB (dynalite), resolved once it is listening. */
export const startLocalDynamo = async ({ port = 0, path }: LocalDynamoOptions = {}): Promise<LocalDynamo> => {
  let release = async (): Promise<void> => {};
  if (path) {
    await mkdir(path, { recursive: true });
    release = await claimDirectory(path);
  }
  // Tables become ACTIVE at once, so setup never waits on dynalite's simulated delays.
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await release();
    throw error;
  }

  const bound = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${HOST}:${bound}`,
    port: bound,
    stop: () =>
      (stopping ??= new Promise<void>((resolve, reject) => {
        // dynalite's close also closes the LevelDB store, releasing its lock on `path`.
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep sockets alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }).finally(release)),
  };
};
