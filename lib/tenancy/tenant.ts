import * as z from '../zod';
import { attachmentSettings, type AttachmentType } from '../attachments/attachmentPolicy';
import { platformId } from '../ids';
import { editWindowSeconds, maskingPolicyOf, maskingSettings, type MaskingPolicy } from '../messages/messagePolicy';
import type { SendRateLimit } from '../messages/sendRate';
import { subscribedEvents, webhookEndpoints } from '../webhooks/endpoint';
import type { WebhookEventType } from '../webhooks/events';
import { storedPublicJwk } from './publicKeys';

export const ROLES = ['agent', 'user', 'vendor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The host the tenant's platform runs on: a host name or an IP address. */
export const tenantSubDomain = z.union([z.ipv4(), z.ipv6(), z.hostname().check(z.maxLength(253))], {
  error: 'must be a host name or an IP address',
});

/** The tenant's database: a plain identifier (letters, digits, underscores; not starting with a digit). */
export const tenantDbName = z
  .string()
  .check(z.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a plain identifier (letters, digits, _; at most 64 characters)'));

/** The longest token lifetime a tenant accepts unless it sets its own. */
export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 24 * 60 * 60;

/** A tenant registry record's fields, each with its own rules (for picking single fields). */
export const tenantRecordFields = z.object({
  client_id: platformId,
  sub_domain: tenantSubDomain,
  db_name: tenantDbName,
  name: z.string().check(z.minLength(1)),
  status: z.enum(['active', 'suspended']),
  /** HS256 keys; the first signs, all verify, so a key can be rotated without downtime. */
  jwt_secrets: z.optional(z.array(z.string().check(z.minLength(32, 'must be at least 32 characters'))).check(z.minLength(1))),
  /** Public keys of the tenant's platform (ES256, RS256, EdDSA); a token's `kid` picks one. */
  jwt_public_keys: z.optional(z.array(storedPublicJwk).check(z.minLength(1))),
  /** Tokens whose `exp` lies further ahead than this are refused (DEFAULT_MAX_TOKEN_TTL_SECONDS when unset). */
  max_token_ttl_seconds: z.optional(z.number().check(z.int(), z.positive())),
  /** When set, a token's `iss` / `aud` must be this. */
  token_issuer: z.optional(z.string().check(z.minLength(1))),
  token_audience: z.optional(z.string().check(z.minLength(1))),
  retention_days: z._default(z.number().check(z.int(), z.positive()), 30),
  /** Per sender, per room flood limit; absent = 20 at once, 5 per second sustained. */
  rate_limit: z.optional(
    z.object({
      burst: z.number().check(z.int(), z.gte(1), z.lte(1000)),
      per_second: z.number().check(z.gte(0.01), z.lte(1000)),
    }),
  ),
  /**
   * When true, agent and vendor tokens need the order in their `order_ids` claim to create an
   * order's room or take an empty slot of it, as customers do; absent = false (the published
   * request keeps working as it is).
   */
  staff_order_claims: z.optional(z.boolean()),
  /** How long after sending a sender may edit a message, in seconds (0: never); absent = 15 minutes. */
  edit_window_seconds: z.optional(editWindowSeconds),
  /** Contact details taken out of message text on send and edit (lib/messages/masking.ts); absent = none. */
  masking: z.optional(maskingSettings),
  /** The tenant's webhook endpoints (lib/webhooks/endpoint.ts), managed with `npm run tenant -- webhook`. */
  webhooks: z.optional(webhookEndpoints),
  /** Which files a message may carry and how large (lib/attachments/attachmentPolicy.ts); absent = the defaults. */
  attachments: z.optional(attachmentSettings),
});

/** A tenant registry record, as stored in the tenants table: its fields, and at least one kind of key. */
export const tenantRecord = tenantRecordFields.check(
  z.superRefine((record, ctx) => {
    if (!record.jwt_secrets && !record.jwt_public_keys) {
      ctx.addIssue({ code: 'custom', path: ['jwt_secrets'], message: 'a tenant needs jwt_secrets or jwt_public_keys (or both)' });
    }
    const kids = (record.jwt_public_keys ?? []).map((key) => key.kid);
    kids.forEach((kid, index) => {
      if (kids.indexOf(kid) !== index) ctx.addIssue({ code: 'custom', path: ['jwt_public_keys', index, 'kid'], message: `kid "${kid}" is used twice` });
    });
  }),
);

export type TenantRecord = z.output<typeof tenantRecord>;

/** What domain code knows of a tenant: never its secrets. */
export interface Tenant {
  readonly clientId: string;
  readonly subDomain: string;
  readonly dbName: string;
  readonly name: string;
  readonly status: 'active' | 'suspended';
  readonly retentionDays: number;
  /** The registry's `rate_limit`; undefined = the default (lib/messages/sendRate.ts). */
  readonly sendRateLimit?: SendRateLimit;
  /** The registry's `staff_order_claims` (lib/rooms/roomAccess.ts roomEntryFor); undefined = off. */
  readonly staffOrderClaims?: boolean;
  /** The registry's `edit_window_seconds`; undefined = the default (lib/messages/messagePolicy.ts). */
  readonly editWindowSeconds?: number;
  /** What the registry's `masking` hides; undefined = nothing. */
  readonly masking?: MaskingPolicy;
  /** The events an enabled webhook endpoint subscribes to (lib/webhooks/enqueue.ts); absent = none. */
  readonly webhookEvents?: readonly WebhookEventType[];
  /** The registry's `attachments.content_types`; undefined = the default (lib/attachments/attachmentPolicy.ts). */
  readonly attachmentTypes?: readonly AttachmentType[];
  /** The registry's `attachments.max_bytes`; undefined = the default. */
  readonly attachmentMaxBytes?: number;
}

export const toTenant = (record: TenantRecord): Tenant => ({
  clientId: record.client_id,
  subDomain: record.sub_domain,
  dbName: record.db_name,
  name: record.name,
  status: record.status,
  retentionDays: record.retention_days,
  ...(record.rate_limit && { sendRateLimit: { burst: record.rate_limit.burst, perSecond: record.rate_limit.per_second } }),
  ...(record.staff_order_claims && { staffOrderClaims: true }),
  ...(record.edit_window_seconds !== undefined && { editWindowSeconds: record.edit_window_seconds }),
  ...(maskingPolicyOf(record.masking) && { masking: maskingPolicyOf(record.masking) }),
  ...(subscribedEvents(record.webhooks).length > 0 && { webhookEvents: subscribedEvents(record.webhooks) }),
  ...(record.attachments?.content_types && { attachmentTypes: record.attachments.content_types }),
  ...(record.attachments?.max_bytes !== undefined && { attachmentMaxBytes: record.attachments.max_bytes }),
});

/** The authenticated caller, from a verified token. */
export interface Actor {
  readonly userId: string;
  readonly role: Role;
  /**
   * The orders the platform says this caller belongs to (the token's `order_ids` claim, as
   * decimal strings); undefined when the token carries no such claim.
   */
  readonly orderIds?: readonly string[];
}
