/**
 * The local stack's webhook receiver, so an integrator sees what their backend will be sent:
 * `POST /playground/webhooks?client_id=<n>` takes a delivery as a tenant's backend would (its
 * signature checked by the `standardwebhooks` package with the secrets of the tenant's endpoint
 * for this receiver, read from the registry), keeps it, and answers 204, or 401 when the
 * signature does not verify (so the service retries it, as it would for a real backend).
 * `GET /playground/webhooks?client_id=<n>` lists what arrived last, for the page's Webhooks panel.
 * `npm start` registers the receiver for every active local tenant (scripts/local/seed.ts).
 */
import { Webhook } from 'standardwebhooks';
import { AppError } from '../lib/errors';
import { parseOrThrow } from '../lib/http/validate';
import { platformId } from '../lib/ids';
import { countWebhookCopy, listReceivedWebhooks, putReceivedWebhook } from '../lib/store/playgroundWebhooks';
import { getTenantRecord } from '../lib/store/tenants';
import type { WebhookEndpoint } from '../lib/webhooks/endpoint';
import * as z from '../lib/zod';
import { LOCAL_WEBHOOK_PATH, localWebhookUrl } from '../scripts/local/seed';

/** How many deliveries the panel shows. */
export const DELIVERIES_SHOWN = 30;

const receiverQuery = z.object({ client_id: platformId });

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

const isForThisReceiver = (endpoint: WebhookEndpoint, clientId: string): boolean => {
  const url = new URL(endpoint.url);
  return url.pathname === LOCAL_WEBHOOK_PATH && url.searchParams.get('client_id') === clientId;
};

/** The secrets a delivery to this receiver may be signed with: those of the tenant's endpoints addressed to it. */
const receiverSecrets = async (clientId: string): Promise<string[]> => {
  const record = await getTenantRecord(clientId);
  if (!record) throw new AppError('TENANT_NOT_FOUND', `Tenant ${clientId} is not in the registry`);
  return (record.webhooks ?? []).filter((endpoint) => isForThisReceiver(endpoint, clientId)).flatMap((endpoint) => endpoint.secrets.map((entry) => entry.secret));
};

/** Whether any of `secrets` verifies the delivery, by the specification's library (timestamp tolerance included). */
const verifies = (secrets: readonly string[], body: string, headers: Record<string, string>): boolean =>
  secrets.some((secret) => {
    try {
      new Webhook(secret).verify(body, headers);
      return true;
    } catch {
      return false;
    }
  });

const typeOf = (body: string): string => {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' && typeof (parsed as { type?: unknown }).type === 'string' ? (parsed as { type: string }).type : '';
  } catch {
    return '';
  }
};

export interface ReceiverRequest {
  query: Record<string, string | undefined> | undefined;
  /** Lower-cased names. */
  headers: Record<string, string | undefined>;
  /** The body exactly as sent: the signature covers these bytes. */
  rawBody: string | undefined;
}

/** Keep one delivery, verified or not; throws the 401 a receiver gives a signature it cannot verify. */
export const receiveWebhook = async ({ query, headers, rawBody }: ReceiverRequest): Promise<void> => {
  const { client_id: clientId } = parseOrThrow(receiverQuery, query ?? {}, 'Query');
  const missing = SIGNATURE_HEADERS.filter((name) => !headers[name]);
  if (missing.length > 0) throw new AppError('VALIDATION_ERROR', 'Not a Standard Webhooks delivery', missing.map((name) => ({ path: name, message: 'is required' })));
  const signed = Object.fromEntries(SIGNATURE_HEADERS.map((name) => [name, headers[name]!]));
  const body = rawBody ?? '';
  const verified = verifies(await receiverSecrets(clientId), body, signed);
  const tenant = { clientId };
  const receivedAt = Date.now();
  const webhookId = signed['webhook-id']!;
  const attempt = await countWebhookCopy(tenant, webhookId, receivedAt);
  await putReceivedWebhook(tenant, { webhook_id: webhookId, type: typeOf(body), attempt, verified, received_at: receivedAt, body });
  if (!verified) {
    throw new AppError('TOKEN_INVALID', "webhook-signature does not verify with the secrets of the tenant's endpoint for this receiver", [
      { path: 'webhook-signature', message: 'does not verify' },
    ]);
  }
};

/** What the panel shows for a tenant: the receiver's address for it, whether it is registered, and the deliveries. */
export const receivedWebhooks = async (query: ReceiverRequest['query'], publicApiUrl: string | undefined) => {
  const { client_id: clientId } = parseOrThrow(receiverQuery, query ?? {}, 'Query');
  const [secrets, deliveries] = await Promise.all([receiverSecrets(clientId), listReceivedWebhooks({ clientId }, DELIVERIES_SHOWN)]);
  return {
    client_id: clientId,
    receiver_url: publicApiUrl ? localWebhookUrl(publicApiUrl, clientId) : null,
    registered: secrets.length > 0,
    deliveries,
  };
};
