/**
 * A small loopback proxy in front of each serverless-offline port a browser could reach. Offline
 * itself copies any Origin into its CORS answer (with credentials allowed) and takes Lambda
 * invocations from anyone; it cannot be configured not to. So offline listens on internal ports
 * and these gates, on the ports the developer uses, decide what reaches it:
 * - every request must name the stack by a loopback name and its port (Host), which a page whose
 *   DNS name was rebound to 127.0.0.1 cannot do;
 * - the HTTP API answers CORS only to the stack's own origins (the playground);
 * - the Lambda invoke API refuses anything a browser sent (an Origin or Sec-Fetch-* header).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost, isLoopbackOrigin, loopbackHosts } from './loopback';

const HOST = '127.0.0.1';

export interface Refusal {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface GatePolicy {
  /** Why a request must not reach serverless-offline; undefined lets it through. */
  refuse(request: http.IncomingMessage): Refusal | undefined;
  /** Offline's answer's headers as the client gets them; unchanged when absent. */
  responseHeaders?(request: http.IncomingMessage, headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders;
}

export interface LoopbackGate {
  url: string;
  close(): Promise<void>;
}

// Hop-by-hop headers belong to one connection, not to the request or answer being passed on.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

const endToEnd = (headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));

const send = (response: http.ServerResponse, { status, headers = {}, body }: Refusal): void => {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
};

const forward = (targetPort: number, agent: http.Agent, policy: GatePolicy) => (request: http.IncomingMessage, response: http.ServerResponse) => {
  const upstream = http.request(
    { host: HOST, port: targetPort, method: request.method, path: request.url, headers: endToEnd(request.headers), agent },
    (answer) => {
      const headers = endToEnd(answer.headers);
      response.writeHead(answer.statusCode ?? 502, policy.responseHeaders?.(request, headers) ?? headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', () => {
    if (response.headersSent) response.destroy();
    else send(response, { status: 502, body: { message: 'The local stack did not answer', status: 502, code: 'BAD_GATEWAY' } });
  });
  request.pipe(upstream);
};

/** Listen on `port` (loopback only) and pass what the policy admits to offline's `targetPort`. */
export const startLoopbackGate = (port: number, targetPort: number, policy: GatePolicy): Promise<LoopbackGate> => {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    const refusal = policy.refuse(request);
    if (!refusal) return forward(targetPort, agent, policy)(request, response);
    request.resume();
    send(response, refusal);
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      agent.destroy();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({ url: `http://${HOST}:${bound}`, close });
    });
  });
};

const forbidden = (message: string): Refusal => ({ status: 403, body: { message, status: 403, code: 'FORBIDDEN' } });

const foreignHost = (request: http.IncomingMessage, port: number): string | undefined =>
  isLoopbackHost(request.headers.host, port) ? undefined : `Host must be one of ${loopbackHosts(port).join(', ')}`;

const withoutCors = (headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('access-control-')));

/**
 * In front of the HTTP API: loopback Host only. The stack's own origins keep offline's CORS
 * answers; any other origin gets none, and its preflight is refused, so a page elsewhere can
 * neither read an answer nor send a request that needs a preflight (a token, a JSON body).
 */
export const httpApiPolicy = (port: number): GatePolicy => ({
  refuse: (request) => {
    const host = foreignHost(request, port);
    if (host) return forbidden(host);
    const { origin } = request.headers;
    if (origin !== undefined && !isLoopbackOrigin(origin, port) && request.method === 'OPTIONS') {
      return forbidden(`Origin ${origin} may not call the local stack; only its own pages may`);
    }
    return undefined;
  },
  responseHeaders: (request, headers) => {
    const { origin } = request.headers;
    return origin === undefined || isLoopbackOrigin(origin, port) ? headers : withoutCors(headers);
  },
});

/** Lambda's own error shape, so an SDK client reports AccessDeniedException. */
const accessDenied = (message: string): Refusal => ({
  status: 403,
  headers: { 'x-amzn-ErrorType': 'AccessDeniedException' },
  body: { Type: 'User', message },
});

/**
 * In front of the Lambda invoke API, which runs any function with any event and no credentials:
 * loopback Host only, and nothing a browser sent. Browsers add Origin to every cross-site POST and
 * Sec-Fetch-* to every request; the SDK and the CLI send neither.
 */
export const invokePolicy = (port: number): GatePolicy => ({
  refuse: (request) => {
    const host = foreignHost(request, port);
    if (host) return accessDenied(host);
    const browserHeader = ['origin', 'sec-fetch-site', 'sec-fetch-mode'].find((name) => request.headers[name] !== undefined);
    if (browserHeader) return accessDenied(`Invocations from a browser (${browserHeader} header) are refused`);
    return undefined;
  },
});
