import { maskText, MASK_MARKERS } from '../../lib/messages/masking';
import { maskingPolicyOf, type MaskingPolicy } from '../../lib/messages/messagePolicy';
import { MAX_MESSAGE_CHARACTERS } from '../../lib/messages/sendMessageRequest';

const all: MaskingPolicy = { kinds: ['phone', 'email', 'url'], defaultCountry: 'US' };

describe('maskText', () => {
  it('leaves text alone without a policy', async () => {
    const text = 'call +1 202 555 0143 or mail me@example.com, see example.com';
    await expect(maskText(undefined, text)).resolves.toEqual({ text });
  });

  it('replaces phone numbers, emails and links by visible markers and counts each kind', async () => {
    const masked = await maskText(all, 'Call me on (212) 555-0199 or +44 20 7946 0958, mail jo.doe@example.com, or see https://wa.me/x and shop.example.com/p');
    expect(masked).toEqual({
      text: `Call me on ${MASK_MARKERS.phone} or ${MASK_MARKERS.phone}, mail ${MASK_MARKERS.email}, or see ${MASK_MARKERS.url} and ${MASK_MARKERS.url}`,
      moderation: { phone: 2, email: 1, url: 2 },
    });
    expect(MASK_MARKERS).toEqual({ phone: '[phone removed]', email: '[email removed]', url: '[link removed]' });
  });

  it('masks only the kinds the tenant chose', async () => {
    const text = 'mail jo@example.com or call +1 202 555 0143';
    await expect(maskText({ kinds: ['email'] }, text)).resolves.toEqual({ text: `mail ${MASK_MARKERS.email} or call +1 202 555 0143`, moderation: { email: 1 } });
    await expect(maskText({ kinds: ['phone'] }, text)).resolves.toEqual({ text: `mail jo@example.com or call ${MASK_MARKERS.phone}`, moderation: { phone: 1 } });
  });

  it('reads national numbers in the tenant\'s country, international ones everywhere', async () => {
    const text = 'ring 07911 123456 or +1 202 555 0143';
    await expect(maskText({ kinds: ['phone'], defaultCountry: 'GB' }, text)).resolves.toEqual({
      text: `ring ${MASK_MARKERS.phone} or ${MASK_MARKERS.phone}`,
      moderation: { phone: 2 },
    });
    await expect(maskText({ kinds: ['phone'] }, text)).resolves.toEqual({ text: `ring 07911 123456 or ${MASK_MARKERS.phone}`, moderation: { phone: 1 } });
  });

  it('keeps digits that are no phone number, and text with nothing to mask, as they are (no moderation)', async () => {
    const text = 'Order 12345678 is ready at 10:30, total 10.50, room 202, tracking 1Z999AA10123456784';
    await expect(maskText(all, text)).resolves.toEqual({ text });
  });

  it('counts a number inside a masked link as the link', async () => {
    await expect(maskText(all, 'https://wa.me/12025550143 please')).resolves.toEqual({ text: `${MASK_MARKERS.url} please`, moderation: { url: 1 } });
  });

  it('never grows a message past the longest a sender may send', async () => {
    const text = Array.from({ length: 400 }, () => '+12025550143').join(' ');
    const masked = await maskText({ kinds: ['phone'] }, text);
    expect([...masked.text].length).toBe(MAX_MESSAGE_CHARACTERS);
    expect(masked.moderation?.phone).toBeGreaterThan(0);
  });
});

describe('maskingPolicyOf', () => {
  it('is off unless a kind is on', () => {
    expect(maskingPolicyOf(undefined)).toBeUndefined();
    expect(maskingPolicyOf({ default_country: 'US' })).toBeUndefined();
    expect(maskingPolicyOf({ phone: false, email: false })).toBeUndefined();
    expect(maskingPolicyOf({ phone: true, url: true, default_country: 'DE' })).toEqual({ kinds: ['phone', 'url'], defaultCountry: 'DE' });
  });
});
