import { findPhoneNumbersInText, isSupportedCountry } from 'libphonenumber-js';
import LinkifyIt from 'linkify-it';
import type { MaskedKind } from './messagePolicy';

/*
 * The kept matchers masking relies on: libphonenumber-js for phone numbers (written the ways the
 * tenant's country writes them, or in international form), linkify-it for emails and links (with
 * or without a scheme). Loaded only when a tenant masks something (lib/messages/masking.ts).
 */

/** One contact detail found in a text: UTF-16 offsets, `end` exclusive. */
export interface ContactSpan {
  kind: MaskedKind;
  start: number;
  end: number;
}

/** Built once per container: it compiles its patterns on first use. */
const linkify = new LinkifyIt();

/** Emails (linkify-it's `mailto:` matches) and links of every other scheme, or none. */
export const findLinks = (text: string): ContactSpan[] =>
  (linkify.match(text) ?? []).map((match) => ({ kind: match.schema === 'mailto:' ? 'email' : 'url', start: match.index, end: match.lastIndex }));

/**
 * Phone numbers that are valid in their country's numbering plan: international ones anywhere,
 * national ones read in `defaultCountry` (none without it). Digits that only look like a number
 * (an order or tracking number, a price, a time) are left alone.
 */
export const findPhones = (text: string, defaultCountry: string | undefined): ContactSpan[] => {
  const country = defaultCountry !== undefined && isSupportedCountry(defaultCountry) ? defaultCountry : undefined;
  return findPhoneNumbersInText(text, country ? { defaultCountry: country } : {}).map((match) => ({ kind: 'phone', start: match.startsAt, end: match.endsAt }));
};
