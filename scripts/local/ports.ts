import { createServer, type Server } from 'node:net';

const HOST = '127.0.0.1';

const listen = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, HOST, () => resolve(server));
  });

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/**
 * `count` distinct free loopback ports: bound together (so they differ), then released for the
 * caller. Another process could take one in between; on a dev box or CI runner that is rare.
 */
export const freePorts = async (count: number): Promise<number[]> => {
  const servers = await Promise.all(Array.from({ length: count }, () => listen(0)));
  const ports = servers.map((server) => {
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('could not read a bound port');
    return address.port;
  });
  await Promise.all(servers.map(close));
  return ports;
};

/** Fail fast with a clear message, rather than find out from a child process' log. */
export const assertPortsFree = async (ports: readonly number[]): Promise<void> => {
  for (const port of ports) {
    try {
      await close(await listen(port));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(`Port ${HOST}:${port} is not available (${code ?? String(error)}); is another instance running?`);
    }
  }
};
