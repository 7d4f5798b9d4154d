import * as z from '../zod';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './events';

/** A tenant registers at most this many endpoints: each event is attempted at every one of them. */
export const MAX_ENDPOINTS_PER_TENANT = 10;

/** `whsec_` and the base64 of the key, as the Standard Webhooks libraries read it. */
const webhookSecret = z.string().check(z.regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, 'must be whsec_ and a base64 key'));

/**
 * One signing secret of an endpoint. The newest comes first; after a rotation the previous one
 * keeps signing too (a second signature in the same header) until `expires_at` (epoch ms), so the
 * tenant can switch its verifier over without rejecting anything.
 */
const endpointSecret = z.object({
  secret: webhookSecret,
  expires_at: z.optional(z.number().check(z.int(), z.positive())),
});

/**
 * An endpoint as the tenant registry keeps it, inside the tenant's record: the request path learns
 * from the record it already loaded which events have a subscriber, so a tenant without endpoints
 * costs nothing extra.
 */
const webhookEndpoint = z.object({
  id: z.string().check(z.regex(/^ep_[A-Za-z0-9]{8,40}$/, 'must be ep_ and letters or digits')),
  url: z.string().check(z.minLength(1), z.maxLength(2048)),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).check(z.minLength(1)),
  status: z.enum(['enabled', 'disabled']),
  /** Why a disabled endpoint is disabled: by an operator, or by its own failures (see health.ts). */
  disabled_reason: z.optional(z.enum(['operator', 'failing'])),
  secrets: z.array(endpointSecret).check(z.minLength(1), z.maxLength(2)),
  created_at: z.string(),
  /** When the endpoint last started failing with no success since (ISO); absent while healthy. */
  failing_since: z.optional(z.string()),
});

export type WebhookEndpoint = z.output<typeof webhookEndpoint>;

export const webhookEndpoints = z.array(webhookEndpoint).check(
  z.maxLength(MAX_ENDPOINTS_PER_TENANT, `a tenant has at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints`),
);

/** The events at least one enabled endpoint subscribes to: all the request path needs to know. */
export const subscribedEvents = (endpoints: readonly WebhookEndpoint[] | undefined): WebhookEventType[] => {
  const events = new Set<WebhookEventType>();
  for (const endpoint of endpoints ?? []) if (endpoint.status === 'enabled') endpoint.events.forEach((event) => events.add(event));
  return WEBHOOK_EVENT_TYPES.filter((event) => events.has(event));
};

/** The secrets that sign at `now`: the newest always, a previous one until it expires. */
export const signingSecrets = (endpoint: WebhookEndpoint, now: number): string[] =>
  endpoint.secrets.filter((entry, index) => index === 0 || entry.expires_at === undefined || entry.expires_at > now).map((entry) => entry.secret);
