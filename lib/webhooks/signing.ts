import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signatures, made by the specification's own library: `v1,<base64 HMAC-SHA256
 * of "<webhook-id>.<webhook-timestamp>.<body>">`, one per secret, space-separated, so a receiver
 * that knows either secret of a rotation verifies the delivery.
 */
const signatureHeader = (secrets: readonly string[], webhookId: string, signedAt: Date, body: string): string =>
  secrets.map((secret) => new Webhook(secret).sign(webhookId, signedAt, body)).join(' ');

/** A new signing secret: 32 random bytes, base64, with the specification's `whsec_` prefix. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** The three headers of one attempt: the id stays the same on every attempt, the timestamp is the attempt's. */
export const webhookHeaders = (secrets: readonly string[], webhookId: string, signedAt: Date, body: string): Record<string, string> => ({
  'webhook-id': webhookId,
  'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
  'webhook-signature': signatureHeader(secrets, webhookId, signedAt, body),
});
