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

/**
 * Ports browsers refuse to connect to: the Fetch standard's "bad ports" above 1023 that Chromium
 * blocks too (it admits 4190 and 6679; test/browser/localExposure.test.ts checks every one).
 * serverless-offline listens on these behind the loopback gates, so no web page can reach it
 * around them, not even by scanning the machine's ports.
 */
export const BROWSER_BLOCKED_PORTS: readonly number[] = [
  1719, 1720, 1723, 2049, 3659, 4045, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6697, 10080,
];

/**
 * `count` free ports browsers refuse, in random order so stacks started side by side (several test
 * runs) seldom pick the same one; a start that loses the race tries again with others.
 */
export const freeBrowserBlockedPorts = async (count: number, excluding: readonly number[] = []): Promise<number[]> => {
  const candidates = BROWSER_BLOCKED_PORTS.filter((port) => !excluding.includes(port))
    .map((port) => ({ port, order: Math.random() }))
    .sort((a, b) => a.order - b.order)
    .map(({ port }) => port);
  const found: number[] = [];
  for (const port of candidates) {
    if (found.length === count) break;
    try {
      await close(await listen(port));
      found.push(port);
    } catch {
      // taken; try the next
    }
  }
  if (found.length < count) throw new Error(`Fewer than ${count} of the browser-blocked ports ${BROWSER_BLOCKED_PORTS.join(', ')} are free on ${HOST}`);
  return found;
};
