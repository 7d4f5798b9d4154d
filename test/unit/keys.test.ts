import { conversationRef, objectId, refOfRoomId, roomObjectId } from '../../lib/rooms/identifiers';
import {
  erasureAuditKey,
  erasureProgressKey,
  expiryBucket,
  messageDedupeKey,
  messageDedupePrefix,
  participantIndexKey,
  playgroundWebhookCountKey,
  playgroundWebhookReceivedKey,
  roomIndexAttributes,
  roomKey,
  roomNumberKey,
  tenantPrefix,
  webhookDuePartition,
  webhookDueSortKey,
  webhookFailedKey,
} from '../../lib/store/keys';

const tenant = { clientId: '7' };

describe('keys', () => {
  it('begin with the tenant', () => {
    expect(roomKey(tenant, 'abc')).toEqual({ pk: 'T#7#ROOM#abc', sk: 'ROOM' });
    expect(roomNumberKey(tenant, '12345678').pk).toBe('T#7#ROOMNO#12345678');
    expect(participantIndexKey(tenant, 'agent', '133')).toBe('T#7#AGENT#133');
    expect(expiryBucket(tenant, Date.UTC(2026, 10, 25, 23, 59) / 1000)).toBe('T#7#EXP#2026-11-25');
  });

  it('of privacy, webhooks and the playground receiver keep the shapes stored items have', () => {
    expect(erasureProgressKey(tenant, { role: 'agent', userId: '133' })).toEqual({ pk: 'T#7#PRIVACY#AGENT#133', sk: 'ERASURE' });
    expect(erasureAuditKey(tenant, '01J')).toEqual({ pk: 'T#7#PRIVACY', sk: 'ERASURE#01J' });
    expect(webhookDuePartition(tenant, 3)).toBe('T#7#WEBHOOK#DUE#3');
    expect(webhookDueSortKey(1_700_000_000_000, 'd1')).toBe('001700000000000#d1');
    expect(webhookFailedKey(tenant, 'd1')).toEqual({ pk: 'T#7#WEBHOOK#FAILED', sk: 'd1' });
    expect(playgroundWebhookCountKey(tenant, 'msg_1')).toEqual({ pk: 'T#7#PLAYGROUND_WEBHOOK', sk: 'ID#msg_1' });
    expect(playgroundWebhookReceivedKey(tenant, { received_at: 42, webhook_id: 'msg_1', attempt: 2 })).toEqual({
      pk: 'T#7#PLAYGROUND_WEBHOOK',
      sk: 'AT#000000000000042#msg_1#2',
    });
  });

  it('a sender\'s claims in a room all begin with their claim prefix', () => {
    const sender = { type: 'user', id: '5' };
    expect(messageDedupeKey(tenant, 'abc', sender, 'c-1')).toEqual({ pk: 'T#7#ROOM#abc', sk: 'DEDUPE#user#5#c-1' });
    expect(messageDedupeKey(tenant, 'abc', sender, 'c-1').sk.startsWith(messageDedupePrefix(sender))).toBe(true);
    expect(messageDedupeKey(tenant, 'abc', { type: 'user', id: '55' }, 'c-1').sk.startsWith(messageDedupePrefix(sender))).toBe(false);
  });

  it.each([undefined, {}, { clientId: '' }, { clientId: '0' }, { clientId: '1#2' }, { clientId: 7 }])(
    'cannot be built without a valid tenant (%j)',
    (scope) => {
      expect(() => tenantPrefix(scope as never)).toThrow('A resolved tenant is required');
      expect(() => roomKey(scope as never, 'abc')).toThrow();
    },
  );
});

describe('room identifiers', () => {
  it('a room _id is 24 hex: creation seconds then the conversation reference', () => {
    const ref = conversationRef('1', '5#2#agent_to_user');
    const id = roomObjectId(ref, new Date('2023-03-24T09:53:33.984Z'));
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(id.slice(0, 8)).toBe((Date.UTC(2023, 2, 24, 9, 53, 33) / 1000).toString(16));
    expect(refOfRoomId(id)).toBe(ref);
  });

  it('the reference differs per tenant and per conversation', () => {
    const refs = new Set([
      conversationRef('1', '5#2#agent_to_user'),
      conversationRef('2', '5#2#agent_to_user'),
      conversationRef('1', '5#2#vendor_to_user'),
      conversationRef('1', '5#3#agent_to_user'),
    ]);
    expect(refs.size).toBe(4);
  });

  it('a record id is 24 hex: creation seconds then 8 random bytes, fresh each time across pool refills', () => {
    const at = new Date('2023-03-24T09:53:33.984Z');
    // The random part comes from a pool of 256 bytes: 1000 ids run through it about 30 times.
    const ids = Array.from({ length: 1000 }, () => objectId(at));
    for (const id of ids) expect(id).toMatch(/^641d731d[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(8, 10))).size).toBeGreaterThan(200);
  });

  it.each(['', 'xyz', '641d731dee3408c461095a2', '641D731DEE3408C461095A2B'])('%j is not a room id', (id) => {
    expect(refOfRoomId(id)).toBeUndefined();
  });

  describe('room index attributes', () => {
    const seconds = (iso: string) => Date.parse(iso) / 1000;
    const attributes = (now: string, expires: string) => roomIndexAttributes(tenant, { now, expiresAt: seconds(expires) });

    it('keep the same values for every touch within one minute, so those touches write no index', () => {
      const first = attributes('2026-11-25T10:00:00.000Z', '2026-12-25T10:00:00Z');
      const later = attributes('2026-11-25T10:00:59.999Z', '2026-12-25T10:00:59Z');
      expect(later.activity_minute).toBe(first.activity_minute);
      expect(first.activity_minute).toBe(seconds('2026-11-25T10:00:00Z'));
      expect(attributes('2026-11-25T10:01:00.000Z', '2026-12-25T10:01:00Z').activity_minute).toBe(first.activity_minute + 60);
    });

    it('place the expiry at the hour at or after it, never before it, in that hour\'s day', () => {
      expect(attributes('2026-11-25T10:00:00Z', '2026-12-25T10:00:00Z')).toMatchObject({
        expiry_hour: seconds('2026-12-25T10:00:00Z'),
        expiry_bucket: 'T#7#EXP#2026-12-25',
      });
      expect(attributes('2026-11-25T10:00:01Z', '2026-12-25T10:00:01Z').expiry_hour).toBe(seconds('2026-12-25T11:00:00Z'));
      expect(attributes('2026-11-25T23:30:00Z', '2026-12-25T23:30:00Z')).toMatchObject({
        expiry_hour: seconds('2026-12-26T00:00:00Z'),
        expiry_bucket: 'T#7#EXP#2026-12-26',
      });
    });
  });
});
