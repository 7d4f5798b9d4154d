import * as z from '../zod';

/** What a tenant's masking may hide in message text. */
export const MASKED_KINDS = ['phone', 'email', 'url'] as const;

export type MaskedKind = (typeof MASKED_KINDS)[number];

/**
 * The registry's `masking`: which kinds of contact detail are taken out of message text on send
 * and on edit, and the country whose numbering plan reads numbers written without a `+` prefix.
 * Every kind is off unless set, so a tenant without it stores text exactly as sent.
 */
export const maskingSettings = z.object({
  phone: z.optional(z.boolean()),
  email: z.optional(z.boolean()),
  url: z.optional(z.boolean()),
  /** ISO 3166-1 alpha-2, upper case; whether libphonenumber-js knows it is checked where it is set (npm run tenant). */
  default_country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code (US, GB, …)'))),
});

export type MaskingSettings = z.output<typeof maskingSettings>;

/** The masking a tenant applies: the kinds it hides (at least one) and its default country. */
export interface MaskingPolicy {
  readonly kinds: readonly MaskedKind[];
  readonly defaultCountry?: string;
}

/** The policy of the registry's settings; undefined when nothing is masked. */
export const maskingPolicyOf = (settings: MaskingSettings | undefined): MaskingPolicy | undefined => {
  const kinds = MASKED_KINDS.filter((kind) => settings?.[kind] === true);
  if (kinds.length === 0) return undefined;
  return { kinds, ...(settings?.default_country && { defaultCountry: settings.default_country }) };
};

/** How long after sending a sender may edit a message when the tenant sets nothing: 15 minutes. */
export const DEFAULT_EDIT_WINDOW_SECONDS = 15 * 60;

/** The longest edit window a tenant may set: one week. */
const MAX_EDIT_WINDOW_SECONDS = 7 * 24 * 60 * 60;

/** The registry's `edit_window_seconds`: 0 turns editing off. */
export const editWindowSeconds = z.number().check(z.int('must be a whole number of seconds'), z.gte(0), z.lte(MAX_EDIT_WINDOW_SECONDS));
