import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

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

/** An in-process DynamoDB (dynalite), resolved once it is listening. */
export const startLocalDynamo = async ({ port = 0, path }: LocalDynamoOptions = {}): Promise<LocalDynamo> => {
  if (path) await mkdir(path, { recursive: true });
  // Tables become ACTIVE at once, so setup never waits on dynalite's simulated delays.
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });

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
      })),
  };
};
