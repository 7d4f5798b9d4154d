import * as z from '../zod';

/**
 * The content types an attachment may have, each with what the content detector (file-type) may
 * find in its first bytes. Only types whose bytes can be told apart are here: text formats (SVG,
 * HTML, XML) have no signature and can carry script, so no tenant can allow them.
 */
export const VERIFIABLE_TYPES = {
  'image/jpeg': ['image/jpeg'],
  // An animated PNG is a PNG that viewers without APNG support show as its first frame.
  'image/png': ['image/png', 'image/apng'],
  'image/webp': ['image/webp'],
  'image/gif': ['image/gif'],
  'image/avif': ['image/avif'],
  'image/heic': ['image/heic'],
  'application/pdf': ['application/pdf'],
} as const satisfies Record<string, readonly string[]>;

export type AttachmentType = keyof typeof VERIFIABLE_TYPES;
export const ATTACHMENT_TYPES = Object.keys(VERIFIABLE_TYPES) as AttachmentType[];

/** What a tenant allows unless its registry record says otherwise. */
export const DEFAULT_ATTACHMENT_TYPES: readonly AttachmentType[] = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'];
const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** The most a tenant may set: a chat is not a file store, and one copy must fit a Lambda's time. */
export const MAX_ATTACHMENT_MAX_BYTES = 100 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/**
 * The registry's `attachments` (lib/tenancy/tenant.ts): which of ATTACHMENT_TYPES the tenant
 * allows and the largest file; either absent = the default.
 */
export const attachmentSettings = z.object({
  content_types: z.optional(
    z.array(z.enum(ATTACHMENT_TYPES, { error: `must be among ${ATTACHMENT_TYPES.join(', ')}` })).check(z.minLength(1, 'must allow at least one type')),
  ),
  max_bytes: z.optional(
    z.number().check(z.int(), z.gte(1), z.lte(MAX_ATTACHMENT_MAX_BYTES, `must be at most ${MAX_ATTACHMENT_MAX_BYTES} bytes`)),
  ),
});

/** A tenant's attachment settings, resolved (lib/tenancy/tenant.ts holds what the registry says). */
export interface AttachmentPolicy {
  types: readonly AttachmentType[];
  maxBytes: number;
}

export const attachmentPolicyOf = (tenant: { attachmentTypes?: readonly AttachmentType[]; attachmentMaxBytes?: number }): AttachmentPolicy => ({
  types: tenant.attachmentTypes ?? DEFAULT_ATTACHMENT_TYPES,
  maxBytes: tenant.attachmentMaxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES,
});

