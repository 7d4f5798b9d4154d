import { randomBytes } from 'node:crypto';
import { isSupportedCountry } from 'libphonenumber-js';
import * as z from '../zod';
import { attachmentSettings } from '../attachments/attachmentPolicy';
import { MASKED_KINDS, type MaskedKind, type MaskingSettings } from '../messages/messagePolicy';
import { optionalField } from '../fields';
import { platformId } from '../ids';
import { createTenantRecord, getTenantRecord, TenantNotFound, updateTenantRecord } from '../store/tenants';
import { listTenantRecords } from '../store/tenants';
import { publicJwk } from './publicKeys';
import { tenantDbName, tenantRecord, tenantRecordFields, tenantSubDomain, type TenantRecord } from './tenant';

/**
 * Operator actions on the tenant registry (the `npm run tenant` CLI). Every record written is
 * parsed with `tenantRecord`, the schema the API reads the registry with.
 */
export const addTenantInput = z.object({
  client_id: platformId,
  sub_domain: tenantSubDomain,
  db_name: tenantDbName,
  name: optionalField(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  retention_days: tenantRecordFields.shape.retention_days,
});

export type AddTenantInput = z.input<typeof addTenantInput>;

/** A fresh HS256 key: 32 random bytes, base64url (43 characters). */
export const newSigningKey = (): string => randomBytes(32).toString('base64url');

export interface IssuedKey {
  client_id: string;
  jwt_secret: string;
}

/** Create an active tenant with a fresh signing key; the key is returned once and never again. */
export const addTenant = async (input: AddTenantInput): Promise<IssuedKey> => {
  const fields = addTenantInput.parse(input);
  const jwt_secret = newSigningKey();
  await createTenantRecord(
    tenantRecord.parse({ ...fields, name: fields.name ?? fields.db_name, status: 'active', jwt_secrets: [jwt_secret] }),
  );
  return { client_id: fields.client_id, jwt_secret };
};

/** What an operator may see of a tenant: everything but key material. */
export const tenantSummary = (record: TenantRecord) => {
  const { jwt_secrets, jwt_public_keys, webhooks, ...rest } = record;
  return {
    ...rest,
    signing_keys: jwt_secrets?.length ?? 0,
    ...(jwt_public_keys && { public_keys: jwt_public_keys.map((key) => key.kid) }),
    ...(webhooks?.length && { webhook_endpoints: webhooks.length }),
  };
};

export type TenantSummary = ReturnType<typeof tenantSummary>;

export const showTenant = async (clientId: string): Promise<TenantSummary> => {
  const record = await getTenantRecord(platformId.parse(clientId));
  if (!record) throw new TenantNotFound(clientId);
  return tenantSummary(record);
};

export const listTenants = async (): Promise<TenantSummary[]> =>
  (await listTenantRecords()).records.map(tenantSummary).sort((a, b) => Number(a.client_id) - Number(b.client_id));

const update = async (clientId: string, change: (record: TenantRecord) => TenantRecord): Promise<TenantSummary> =>
  tenantSummary(await updateTenantRecord(platformId.parse(clientId), change));

export const setTenantStatus = (clientId: string, status: TenantRecord['status']) => update(clientId, (record) => ({ ...record, status }));

export const setTenantRetention = (clientId: string, days: unknown) => {
  const { retention_days } = z.pick(tenantRecordFields, { retention_days: true }).parse({ retention_days: days });
  return update(clientId, (record) => ({ ...record, retention_days }));
};

/**
 * Whether agent and vendor tokens need the order in their `order_ids` claim to create its room or
 * take an empty slot of it (lib/rooms/roomAccess.ts). Warm containers see the change once their
 * registry cache entry expires.
 */
export const setStaffOrderClaims = (clientId: string, required: boolean) =>
  update(clientId, (record) => ({ ...record, staff_order_claims: required }));

/**
 * How long after sending a sender may edit a message (0: never). Warm containers see the change
 * once their registry cache entry expires.
 */
export const setEditWindow = (clientId: string, seconds: unknown) => {
  const { edit_window_seconds } = z.pick(tenantRecordFields, { edit_window_seconds: true }).parse({ edit_window_seconds: seconds });
  return update(clientId, (record) => ({ ...record, edit_window_seconds }));
};

export interface MaskingChange {
  /** The kinds to mask from now on (replacing the ones before); an empty list masks nothing. */
  kinds?: readonly string[];
  /** The country whose numbering plan reads numbers written without `+`. */
  defaultCountry?: string;
}

const maskingChange = z.object({
  kinds: z.optional(z.array(z.enum(MASKED_KINDS, { error: `must be ${MASKED_KINDS.join(', ')} or none` }))),
  defaultCountry: z.optional(
    z.string().check(
      z.trim(),
      z.toUpperCase(),
      z.refine((country) => /^[A-Z]{2}$/.test(country) && isSupportedCountry(country), 'must be a country code libphonenumber-js knows (US, GB, DE, …)'),
    ),
  ),
});

/**
 * Which contact details are masked in the tenant's messages from now on (sends and edits; stored
 * messages stay as they are), and the country phone numbers are read in. A policy that masks
 * nothing is removed from the record.
 */
export const setMasking = (clientId: string, change: MaskingChange) => {
  const { kinds, defaultCountry } = maskingChange.parse(change);
  return update(clientId, (record) => {
    const masked: readonly MaskedKind[] = kinds ?? MASKED_KINDS.filter((kind) => record.masking?.[kind] === true);
    const country = defaultCountry ?? record.masking?.default_country;
    const masking: MaskingSettings = Object.fromEntries(masked.map((kind) => [kind, true]));
    const { masking: _previous, ...rest } = record;
    return masked.length > 0 ? { ...rest, masking: { ...masking, ...(country && { default_country: country }) } } : rest;
  });
};

export interface AttachmentSettingsChange {
  /** The content types allowed from now on; null: back to the default. */
  types?: readonly string[] | null;
  /** The largest file in bytes; null: back to the default. */
  maxBytes?: unknown;
}

/**
 * Which files the tenant's messages may carry, and how large (lib/attachments/attachmentPolicy.ts):
 * only verifiable types, never SVG or HTML. New forms follow it at once (once warm containers'
 * registry cache expires) and so does every send, uploads made before included.
 */
export const setAttachmentSettings = (clientId: string, change: AttachmentSettingsChange) =>
  update(clientId, (record) => {
    const current = record.attachments ?? {};
    const next = attachmentSettings.parse({
      content_types: change.types === null ? undefined : (change.types ?? current.content_types),
      max_bytes: change.maxBytes === null ? undefined : (change.maxBytes ?? current.max_bytes),
    });
    const { attachments: _previous, ...rest } = record;
    return next.content_types || next.max_bytes !== undefined ? { ...rest, attachments: next } : rest;
  });

/** A new key first (it signs from now on); the older ones keep verifying until dropped. */
export const rotateTenantSecret = async (clientId: string): Promise<IssuedKey & { signing_keys: number }> => {
  const jwt_secret = newSigningKey();
  const summary = await update(clientId, (record) => ({ ...record, jwt_secrets: [jwt_secret, ...(record.jwt_secrets ?? [])] }));
  return { client_id: summary.client_id, jwt_secret, signing_keys: summary.signing_keys };
};

/** Keep only the newest key: tokens signed with an older one stop verifying. */
export const dropOldTenantSecrets = (clientId: string) =>
  update(clientId, (record) => ({ ...record, jwt_secrets: record.jwt_secrets?.slice(0, 1) }));

/**
 * Register a public key of the tenant's platform (a JWK with `kid`; validated by `publicJwk`, so a
 * private key or a second key with the same `kid` is refused). Tokens it signs verify at once.
 */
export const addTenantPublicKey = (clientId: string, jwk: unknown) => {
  const key = z.object({ jwk: publicJwk }).parse({ jwk }).jwk;
  return update(clientId, (record) => ({ ...record, jwt_public_keys: [...(record.jwt_public_keys ?? []), key] }));
};
