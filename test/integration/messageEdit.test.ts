/**
 * Editing a message: its sender, within the tenant's edit window, in an open room; only the latest
 * text is kept (masked as a send is), the preview follows when it is the newest message, the same
 * text again writes nothing, and edits count on the flood limit.
 */
import { editMessage } from '../../lib/messages/editMessage';
import { editMessageRequest } from '../../lib/messages/messageChangeRequest';
import { deleteMessage } from '../../lib/messages/deleteMessage';
import { listMessages } from '../../lib/messages/listMessages';
import { MASK_MARKERS } from '../../lib/messages/masking';
import type { RealtimeEvent } from '../../lib/realtime/events';
import * as publisher from '../../lib/realtime/publisher';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { listRooms } from '../../lib/rooms/listRooms';
import { reassignParticipant } from '../../lib/rooms/reassignParticipant';
import type { Actor, Tenant } from '../../lib/tenancy/tenant';
import { actor, newId, openConversation, tenant1 } from './chatFixtures';
import { ADMIN, outcomeOf, partitionOf, rawMessage, rawRoom, send, writesDuring } from './messageChangeFixtures';

// Every event the use cases publish is recorded (the test stack has no WebSocket endpoint).
jest.mock('../../lib/realtime/publisher', () => ({
  publishToRoom: jest.fn(async () => ({ connections: 0, sent: 0, gone: 0, failed: 0, reached: [] })),
}));
const published = jest.mocked(publisher.publishToRoom);
const eventsOf = (roomId: string): RealtimeEvent[] => published.mock.calls.filter(([, room]) => room._id === roomId).map(([, , event]) => event);

const T0 = new Date('2031-05-04T10:00:00.000Z');
const after = (seconds: number, from = T0) => new Date(from.getTime() + seconds * 1000);

const edit = (tenant: Tenant, who: Actor, roomId: string, messageId: string, text: string, now?: Date) =>
  editMessage(tenant, who, { roomId, messageId }, editMessageRequest.parse({ text }), now);

describe('editing a message', () => {
  it('keeps only the latest text with edited_date, moves the preview of the newest message, and tells message.updated', async () => {
    const { room, agent, customer } = await openConversation();
    const first = await send(tenant1, customer, room._id, 'first message, never edited', T0);
    const message = await send(tenant1, agent, room._id, 'on my wya', after(1));

    const edited = await edit(tenant1, agent, room._id, message._id, '  on my way  ', after(30));
    expect(edited).toMatchObject({ _id: message._id, text: 'on my way', edited_date: after(30).toISOString(), created_date: message.created_date });
    const twice = await edit(tenant1, agent, room._id, message._id, 'on my way, 5 min', after(40));
    expect(twice.edited_date).toBe(after(40).toISOString());

    // Only the latest text is stored, in the message and in the room's preview; nothing holds the earlier ones.
    expect(await rawMessage(room._id, message._id)).toMatchObject({ text: 'on my way, 5 min', edited_date: after(40).toISOString(), sender_id: agent.userId });
    const stored = await rawRoom(room._id);
    expect(stored.last_message).toEqual({ ...stored.last_message, _id: message._id, text: 'on my way, 5 min', edited_date: after(40).toISOString() });
    const everything = JSON.stringify(await partitionOf(room._id));
    expect(everything).not.toContain('on my wya');
    expect(everything).not.toMatch(/"on my way"/);
    // Counts and the first message are untouched; the page shows the edit in place.
    expect(stored.message_count).toBe(2);
    const page = await listMessages(tenant1, customer, { _id: room._id, limit: 10 });
    expect(page.messages.map((item) => [item._id, item.text, item.edited_date])).toEqual([
      [message._id, 'on my way, 5 min', after(40).toISOString()],
      [first._id, 'first message, never edited', undefined],
    ]);
    const list = await listRooms(tenant1, customer, { limit: 50 });
    expect(list.rooms.find((item) => item._id === room._id)?.last_message).toMatchObject({ text: 'on my way, 5 min', edited_date: after(40).toISOString() });

    const updates = eventsOf(room._id).filter((event) => event.event === 'message.updated');
    expect(updates.map((event) => event.event_id)).toEqual([
      `message.updated:${message._id}:${after(30).toISOString()}`,
      `message.updated:${message._id}:${after(40).toISOString()}`,
    ]);
    expect(updates[1]).toMatchObject({ roomData: { _id: room._id }, messageData: { _id: message._id, text: 'on my way, 5 min' } });
  });

  it('leaves the preview alone when an older message is edited', async () => {
    const { room, agent, customer } = await openConversation();
    const older = await send(tenant1, agent, room._id, 'older text', T0);
    await send(tenant1, customer, room._id, 'newest message', after(1));
    const before = await rawRoom(room._id);
    await edit(tenant1, agent, room._id, older._id, 'older text, fixed', after(2));
    const stored = await rawRoom(room._id);
    expect(stored.last_message).toEqual(before.last_message);
    expect(stored.last_message.text).toBe('newest message');
    expect((await rawMessage(room._id, older._id))?.text).toBe('older text, fixed');
  });

  it('the same text again is a success that writes nothing', async () => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'unchanged', T0);
    const before = await partitionOf(room._id);
    const { result, writes } = await writesDuring(() => edit(tenant1, agent, room._id, message._id, '  unchanged ', after(5)));
    expect(writes).toEqual([]);
    expect(result).toMatchObject({ _id: message._id, text: 'unchanged' });
    expect(result.edited_date).toBeUndefined();
    expect(await partitionOf(room._id)).toEqual(before);
    // After an edit, the same text again writes nothing either, and tells that edit again (same id).
    await edit(tenant1, agent, room._id, message._id, 'changed', after(6));
    const changed = await partitionOf(room._id);
    const again = await writesDuring(() => edit(tenant1, agent, room._id, message._id, 'changed', after(7)));
    expect(again.writes).toEqual([]);
    expect(again.result.edited_date).toBe(after(6).toISOString());
    expect(await partitionOf(room._id)).toEqual(changed);
    const ids = eventsOf(room._id).filter((event) => event.event === 'message.updated').map((event) => event.event_id);
    expect(ids).toEqual([`message.updated:${message._id}:${after(6).toISOString()}`, `message.updated:${message._id}:${after(6).toISOString()}`]);
  });

  it('is allowed for the tenant\'s edit window after sending (15 minutes unless set), then 409 EDIT_WINDOW_CLOSED with nothing written', async () => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'typo', T0);
    await expect(edit(tenant1, agent, room._id, message._id, 'no typo', after(900))).resolves.toMatchObject({ text: 'no typo' });
    const before = await partitionOf(room._id);
    expect(await outcomeOf(edit(tenant1, agent, room._id, message._id, 'too late', after(901)))).toBe('EDIT_WINDOW_CLOSED');
    expect(await partitionOf(room._id)).toEqual(before);
    // The same text after the window is still the success it was (a late retry of the last edit).
    await expect(edit(tenant1, agent, room._id, message._id, 'no typo', after(3600))).resolves.toMatchObject({ text: 'no typo' });

    const short: Tenant = { ...tenant1, editWindowSeconds: 60 };
    const other = await send(short, agent, room._id, 'quick', after(1000));
    await expect(edit(short, agent, room._id, other._id, 'quick fix', after(1060))).resolves.toMatchObject({ text: 'quick fix' });
    expect(await outcomeOf(edit(short, agent, room._id, other._id, 'later fix', after(1061)))).toBe('EDIT_WINDOW_CLOSED');
    const none: Tenant = { ...tenant1, editWindowSeconds: 0 };
    const third = await send(none, agent, room._id, 'final', after(2000));
    expect(await outcomeOf(edit(none, agent, room._id, third._id, 'final!', after(2000)))).toBe('EDIT_WINDOW_CLOSED');
  });

  it('is refused to anyone but the sender, for a deleted message, and in a closed room', async () => {
    const { room, agent, customer } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'mine', T0);
    const before = await partitionOf(room._id);
    expect(await outcomeOf(edit(tenant1, customer, room._id, message._id, 'not yours', after(1)))).toBe('FORBIDDEN');
    expect(await outcomeOf(edit(tenant1, ADMIN, room._id, message._id, 'not yours either', after(1)))).toBe('FORBIDDEN');
    expect(await outcomeOf(edit(tenant1, actor('agent', newId()), room._id, message._id, 'stranger', after(1)))).toBe('ROOM_NOT_FOUND');
    expect(await outcomeOf(edit(tenant1, agent, room._id, '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'none such', after(1)))).toBe('MESSAGE_NOT_FOUND');
    const elsewhere = await openConversation();
    const theirs = await send(tenant1, elsewhere.agent, elsewhere.room._id, 'other room', T0);
    expect(await outcomeOf(edit(tenant1, agent, room._id, theirs._id, 'wrong room', after(1)))).toBe('MESSAGE_NOT_FOUND');
    expect(await partitionOf(room._id)).toEqual(before);

    const deleted = await send(tenant1, agent, room._id, 'to delete', after(2));
    await deleteMessage(tenant1, agent, { roomId: room._id, messageId: deleted._id }, after(3));
    expect(await outcomeOf(edit(tenant1, agent, room._id, deleted._id, 'revive', after(4)))).toBe('MESSAGE_DELETED');
    expect((await rawMessage(room._id, deleted._id))?.text).toBeUndefined();

    await closeRoom(tenant1, agent, room._id, after(5));
    expect(await outcomeOf(edit(tenant1, agent, room._id, message._id, 'closed', after(6)))).toBe('ROOM_CLOSED');
    expect((await rawMessage(room._id, message._id))?.text).toBe('mine');
  });

  it('counts on the flood limit: edits use up the burst sends would use', async () => {
    const { room, agent } = await openConversation();
    const paced: Tenant = { ...tenant1, sendRateLimit: { burst: 3, perSecond: 0.01 } };
    const message = await send(paced, agent, room._id, 'one', T0);
    await edit(paced, agent, room._id, message._id, 'two', T0);
    await edit(paced, agent, room._id, message._id, 'three', T0);
    expect(await outcomeOf(edit(paced, agent, room._id, message._id, 'four', T0))).toBe('RATE_LIMITED');
    expect(await outcomeOf(send(paced, agent, room._id, 'five', T0))).toBe('RATE_LIMITED');
    expect((await rawMessage(room._id, message._id))?.text).toBe('three');
    // Paced per sender: the customer's own burst is untouched.
    expect(Object.keys((await rawRoom(room._id)) ?? {}).filter((name) => name.startsWith('rate#'))).toEqual([`rate#agent#${agent.userId}`]);
  });

  it('a participant removed from the room edits nothing (404)', async () => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'before removal', T0);
    await reassignParticipant(tenant1, ADMIN, room._id, 'agent', newId(), after(1));
    const before = await partitionOf(room._id);
    expect(await outcomeOf(edit(tenant1, agent, room._id, message._id, 'after removal', after(2)))).toBe('ROOM_NOT_FOUND');
    expect(await partitionOf(room._id)).toEqual(before);
  });
});

describe('masking', () => {
  const masking: Tenant = { ...tenant1, masking: { kinds: ['phone', 'email', 'url'], defaultCountry: 'US' } };

  it('is off by default: text is stored as sent, with no moderation', async () => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'call (212) 555-0199 or mail me@example.com', T0);
    expect(message.text).toBe('call (212) 555-0199 or mail me@example.com');
    const stored = await rawMessage(room._id, message._id);
    expect(stored?.text).toBe('call (212) 555-0199 or mail me@example.com');
    expect(stored).not.toHaveProperty('moderation');
  });

  it('masks a send and an edit by the tenant\'s policy: markers in the text, what was masked in moderation, the original nowhere', async () => {
    const { room, agent, customer } = await openConversation();
    const sent = await send(masking, customer, room._id, 'call me at (212) 555-0199 or jo@example.com', T0);
    expect(sent).toMatchObject({ text: `call me at ${MASK_MARKERS.phone} or ${MASK_MARKERS.email}`, moderation: { phone: 1, email: 1 } });
    const edited = await edit(masking, customer, room._id, sent._id, 'actually +1 202 555 0143, or see shop.example.com', after(10));
    expect(edited).toMatchObject({ text: `actually ${MASK_MARKERS.phone}, or see ${MASK_MARKERS.url}`, moderation: { phone: 1, url: 1 } });
    // An edit with nothing to mask clears moderation.
    const clean = await edit(masking, customer, room._id, sent._id, 'see you at the door', after(20));
    expect(clean.moderation).toBeUndefined();
    expect(await rawMessage(room._id, sent._id)).not.toHaveProperty('moderation');
    await edit(masking, customer, room._id, sent._id, 'or call 202-555-0143', after(30));
    const everything = JSON.stringify(await partitionOf(room._id));
    for (const original of ['555-0199', 'jo@example.com', '202 555 0143', '202-555-0143', 'shop.example.com']) expect(everything).not.toContain(original);
    expect((await rawRoom(room._id)).last_message.text).toBe(`or call ${MASK_MARKERS.phone}`);
    // The same original text again is the same masked text: nothing is written.
    const again = await writesDuring(() => edit(masking, customer, room._id, sent._id, 'or call 202-555-0143', after(40)));
    expect(again.writes).toEqual([]);
    expect(eventsOf(room._id).find((event) => event.event === 'message.created')).toMatchObject({ messageData: { moderation: { phone: 1, email: 1 } } });
    void agent;
  });
});
