/**
 * The names a browser uses for the local stack. A page served from anywhere else is another site:
 * its Origin is foreign, and a page whose DNS name was rebound to 127.0.0.1 still sends its own
 * name as Host. The local stack answers only to these names, with its own port.
 */
const LOOPBACK_HOSTNAMES = ['127.0.0.1', 'localhost', '[::1]'] as const;

/** `127.0.0.1:<port>`, `localhost:<port>`, `[::1]:<port>`: the Host values a request to the stack carries. */
export const loopbackHosts = (port: number): string[] => LOOPBACK_HOSTNAMES.map((hostname) => `${hostname}:${port}`);

/** The stack's own origins (`http://127.0.0.1:<port>`, …): the playground page is served from them. */
export const loopbackOrigins = (port: number): string[] => loopbackHosts(port).map((host) => `http://${host}`);

export const isLoopbackHost = (host: string | undefined, port: number): boolean =>
  host !== undefined && loopbackHosts(port).includes(host.toLowerCase());

export const isLoopbackOrigin = (origin: string | undefined, port: number): boolean =>
  origin !== undefined && loopbackOrigins(port).includes(origin.toLowerCase());

/** The port of a local base URL (`http://127.0.0.1:3000` → 3000); undefined without an explicit one. */
export const portOf = (baseUrl: string | undefined): number | undefined => {
  if (!baseUrl) return undefined;
  try {
    const port = Number(new URL(baseUrl).port);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
};
