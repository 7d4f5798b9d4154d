import type { ContactSpan } from './contactFinder';
import type { MaskedKind, MaskingPolicy } from './messagePolicy';
import { MAX_MESSAGE_CHARACTERS } from './sendMessageRequest';

/** What masking took out of a message, by kind (`{phone: 1}`); absent when nothing was. */
export type Moderation = Partial<Record<MaskedKind, number>>;

/** What stands where a contact detail was: visible, so the reader sees that something was taken out. */
export const MASK_MARKERS: Record<MaskedKind, string> = {
  phone: '[phone removed]',
  email: '[email removed]',
  url: '[link removed]',
};

export interface MaskedText {
  /** The text to store and show: the original is never kept. */
  text: string;
  moderation?: Moderation;
}

/** `text` with each span of a masked kind replaced by its marker, and the count per kind. */
const replaceSpans = (text: string, spans: readonly ContactSpan[], kinds: readonly MaskedKind[], moderation: Moderation): string => {
  let out = '';
  let from = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (!kinds.includes(span.kind) || span.start < from) continue;
    out += text.slice(from, span.start) + MASK_MARKERS[span.kind];
    moderation[span.kind] = (moderation[span.kind] ?? 0) + 1;
    from = span.end;
  }
  return out + text.slice(from);
};

/**
 * Mask `text` by the tenant's policy, as a send or an edit stores it. Emails and links first, then
 * phone numbers in what is left, so a number inside a masked link is counted once, as a link; a
 * link the tenant keeps is still searched for numbers. Markers hold no digits, so no marker is
 * mistaken for a number. Without a policy the text is returned as it is and the matchers are
 * never loaded. The text never grows past the longest message a sender may send.
 */
export const maskText = async (policy: MaskingPolicy | undefined, text: string): Promise<MaskedText> => {
  if (!policy) return { text };
  const { findLinks, findPhones } = await import('./contactFinder');
  const moderation: Moderation = {};
  let masked = text;
  if (policy.kinds.includes('email') || policy.kinds.includes('url')) masked = replaceSpans(masked, findLinks(masked), policy.kinds, moderation);
  if (policy.kinds.includes('phone')) masked = replaceSpans(masked, findPhones(masked, policy.defaultCountry), policy.kinds, moderation);
  if (Object.keys(moderation).length === 0) return { text };
  const characters = [...masked];
  return { text: characters.length > MAX_MESSAGE_CHARACTERS ? characters.slice(0, MAX_MESSAGE_CHARACTERS).join('') : masked, moderation };
};
