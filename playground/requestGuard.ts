/**
 * What the playground's routes admit. The stack runs on a developer's machine while they browse
 * the web: a page elsewhere must not get a development token (which opens every local tenant) or
 * read the page's config. So, before anything is read or minted:
 * - Host must name the stack by a loopback name and its own port: a page whose DNS name was rebound
 *   to 127.0.0.1 sends its own name;
 * - an Origin, when sent, must be the stack's own (the playground page);
 * - the token route and the webhook list need `X-Playground: 1`, a header no cross-site form can
 *   send and no cross-site script can send without a preflight, which the stack refuses to foreign
 *   origins;
 * - the webhook receiver takes deliveries from the local stack's delivery function, never from a
 *   browser: a request carrying an Origin or any Sec-Fetch-* header (which browsers add and other
 *   clients do not) is refused, even from the page itself.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { config } from '../lib/config';
import { AppError } from '../lib/errors';
import { isLoopbackHost, isLoopbackOrigin, loopbackHosts, portOf } from '../scripts/local/loopback';

export const TOKEN_ROUTE = 'POST /playground/tokens';
export const WEBHOOK_LIST_ROUTE = 'GET /playground/webhooks';
export const WEBHOOK_RECEIVER_ROUTE = 'POST /playground/webhooks';

/** The page's own calls that read or mint something: only with the header the page sends. */
const PAGE_ONLY_ROUTES: readonly string[] = [TOKEN_ROUTE, WEBHOOK_LIST_ROUTE];

const fromBrowser = (headers: Record<string, string | undefined>): string | undefined =>
  headers.origin !== undefined ? 'Origin' : Object.keys(headers).find((name) => name.startsWith('sec-fetch-'));

/** The header the page sends with every token request (lower-cased, as the normaliser leaves it). */
export const PLAYGROUND_HEADER = 'x-playground';

export interface PlaygroundRequestHead {
  routeKey: string;
  /** Lower-cased names. */
  headers: Record<string, string | undefined>;
}

/** Throws the 403 a request gets; `publicApiUrl` is the stack's own address (its port decides the rest). */
export const checkPlaygroundRequest = ({ routeKey, headers }: PlaygroundRequestHead, publicApiUrl = config.publicApiUrl): void => {
  const port = portOf(publicApiUrl);
  if (port === undefined) throw new AppError('FORBIDDEN', 'The playground needs PUBLIC_API_URL, the local stack\'s own address (npm start sets it)');
  if (!isLoopbackHost(headers.host, port)) {
    throw new AppError('FORBIDDEN', `Host must be one of ${loopbackHosts(port).join(', ')}`, [{ path: 'Host', message: 'not this local stack' }]);
  }
  if (headers.origin !== undefined && !isLoopbackOrigin(headers.origin, port)) {
    throw new AppError('FORBIDDEN', 'Only the playground page itself may call the playground', [{ path: 'Origin', message: 'not this local stack' }]);
  }
  if (PAGE_ONLY_ROUTES.includes(routeKey) && headers[PLAYGROUND_HEADER] !== '1') {
    throw new AppError('FORBIDDEN', `${routeKey} must carry the header X-Playground: 1`, [{ path: 'X-Playground', message: 'must be 1' }]);
  }
  const browserHeader = routeKey === WEBHOOK_RECEIVER_ROUTE ? fromBrowser(headers) : undefined;
  if (browserHeader) {
    throw new AppError('FORBIDDEN', 'The webhook receiver takes deliveries from the local stack, not from a browser', [{ path: browserHeader, message: 'sent by a browser' }]);
  }
};

/** middy middleware: checkPlaygroundRequest before the route runs (after the header normaliser). */
export const playgroundRequestGuard = (): middy.MiddlewareObj<APIGatewayProxyEventV2> => ({
  before: (request) => {
    checkPlaygroundRequest({ routeKey: request.event.routeKey, headers: request.event.headers ?? {} });
  },
});
