/**
 * The playground's routes (local stage only): `GET /playground` and `/playground/{asset}` serve
 * the page, its modules, the docs page and renderer (which renders `GET /api/v1/openapi.json`),
 * and its config; `POST /playground/tokens` mints a development token for a participant;
 * `POST /playground/webhooks` is the local webhook receiver and `GET /playground/webhooks` lists
 * what it received (webhookReceiver.ts).
 */
import { AppError } from '../lib/errors';
import { json, type JsonResponse } from '../lib/http/responses';
import { parseOrThrow } from '../lib/http/validate';
import { config } from '../lib/config';
import { isHtml, readAsset, type Asset } from './assets';
import { WEBHOOK_LIST_ROUTE, WEBHOOK_RECEIVER_ROUTE } from './requestGuard';
import { participantRequest, participantSession, playgroundConfig, websocketUrl } from './session';
import { receivedWebhooks, receiveWebhook, type ReceiverRequest } from './webhookReceiver';

export interface PlaygroundRequest extends Partial<ReceiverRequest> {
  routeKey: string;
  asset?: string;
  body?: unknown;
}

/**
 * The local S3's origin (`http://127.0.0.1:<port>`), where the page posts upload forms and loads
 * thumbnails from download URLs; none when the stack has no local S3.
 */
const localS3Origin = (endpoint = config.s3EndpointUrl): string | undefined => (endpoint ? new URL(endpoint).origin : undefined);

/**
 * The page loads only what the local stack serves (no CDN, no inline script), talks to the API
 * on its own origin, to the local WebSocket and to the local S3 (files go there straight, as to a
 * bucket on AWS), and shows images only from itself and that S3. Swagger UI sets inline styles.
 */
const contentSecurityPolicy = (): string =>
  [
    "default-src 'self'",
    ['connect-src', "'self'", websocketUrl(), localS3Origin()].filter(Boolean).join(' '),
    ['img-src', "'self'", 'data:', localS3Origin()].filter(Boolean).join(' '),
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

const file = (asset: Asset): JsonResponse => ({
  statusCode: 200,
  headers: {
    'Content-Type': asset.contentType,
    // Revalidated on every load, so an edit to the page shows on reload.
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...(isHtml(asset) && { 'Content-Security-Policy': contentSecurityPolicy(), 'Referrer-Policy': 'no-referrer' }),
  },
  body: asset.body,
});

export const servePlayground = async ({ routeKey, asset = '', body, query, headers = {}, rawBody }: PlaygroundRequest): Promise<JsonResponse> => {
  if (routeKey === 'POST /playground/tokens') {
    return json(200, await participantSession(parseOrThrow(participantRequest, body)));
  }
  if (routeKey === WEBHOOK_RECEIVER_ROUTE) {
    await receiveWebhook({ query, headers, rawBody });
    return { statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' };
  }
  if (routeKey === WEBHOOK_LIST_ROUTE) return json(200, await receivedWebhooks(query, config.publicApiUrl));
  if (asset === 'config.json') return json(200, playgroundConfig());
  const found = await readAsset(asset);
  if (!found) throw new AppError('NOT_FOUND', `The playground has no file "${asset}"`);
  return file(found);
};
