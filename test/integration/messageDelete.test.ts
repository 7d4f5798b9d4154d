/**
 * Deleting a message: its sender at any time, or an admin. The text is removed from the store and a
 * tombstone keeps its place, so pages, read cursors and unread counts are unchanged; the preview
 * follows when it is the newest message; deleting twice writes nothing; a retried send does not
 * bring the message back.
 */
import { deleteMessage } from '../../lib/messages/deleteMessage';
import { listMessages } from '../../lib/messages/listMessages';
import { sendMessage } from '../../lib/messages/sendMessage';
import type { RealtimeEvent } from '../../lib/realtime/events';
import * as publisher from '../../lib/realtime/publisher';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { getRoom } from '../../lib/rooms/getRoom';
import { markRoomRead } from '../../lib/rooms/markRoomRead';
import { readStateFor } from '../../lib/rooms/readState';
import type { Actor } from '../../lib/tenancy/tenant';
import { InstanceKilled, injectStoreFaults, STORE_FAULTS } from '../support/storeFaults';
import { actor, newId, openConversation, tenant1 } from './chatFixtures';
import { ADMIN, outcomeOf, partitionOf, rawMessage, rawRoom, send, writesDuring } from './messageChangeFixtures';

jest.mock('../../lib/realtime/publisher', () => ({
  publishToRoom: jest.fn(async () => ({ connections: 0, sent: 0, gone: 0, failed: 0, reached: [] })),
}));
const published = jest.mocked(publisher.publishToRoom);
const eventsOf = (roomId: string): RealtimeEvent[] => published.mock.calls.filter(([, room]) => room._id === roomId).map(([, , event]) => event);

const T0 = new Date('2031-05-05T10:00:00.000Z');
const after = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const remove = (who: Actor, roomId: string, messageId: string, now?: Date) => deleteMessage(tenant1, who, { roomId, messageId }, now);

describe('deleting a message', () => {
  it('leaves a tombstone in its place: no text anywhere, pages, counts, read cursors and unread counts as they were', async () => {
    const { room, agent, customer } = await openConversation();
    const first = await send(tenant1, agent, room._id, 'first', T0);
    const secret = await send(tenant1, agent, room._id, 'my door code is 4711', after(1), 'cm-secret');
    const last = await send(tenant1, agent, room._id, 'last', after(2));
    await markRoomRead(tenant1, customer, room._id, { message_id: first._id });
    const before = await rawRoom(room._id);

    const tombstone = await remove(agent, room._id, secret._id, after(60));
    expect(tombstone).toEqual({
      _id: secret._id,
      room_id: room._id,
      sender_id: agent.userId,
      sender_type: 'agent',
      client_message_id: 'cm-secret',
      created_date: secret.created_date,
      deleted: true,
      deleted_date: after(60).toISOString(),
      read_marks: expect.any(Object),
    });
    const stored = await rawMessage(room._id, secret._id);
    expect(stored).not.toHaveProperty('text');
    expect(stored).toMatchObject({ deleted: true, read_marks: secret.read_marks });
    expect(JSON.stringify(await partitionOf(room._id))).not.toContain('4711');

    // Not the newest: the room item is as it was (the delete's room write only checked the slot).
    expect(await rawRoom(room._id)).toEqual(before);
    const page = await listMessages(tenant1, customer, { _id: room._id, limit: 10 });
    expect(page.messages.map((item) => [item._id, item.text, item.deleted])).toEqual([
      [last._id, 'last', undefined],
      [secret._id, undefined, true],
      [first._id, 'first', undefined],
    ]);
    // The customer still has the same two unread (the tombstone and the last), and can read up to either.
    expect(readStateFor(await getRoom(tenant1, customer, room._id), 'user').unread_count).toBe(2);
    const read = await markRoomRead(tenant1, customer, room._id, { message_id: secret._id });
    expect(readStateFor(read.room, 'user')).toEqual({ unread_count: 1, last_read_message_id: secret._id });
    expect(eventsOf(room._id).filter((event) => event.event === 'message.deleted')).toEqual([
      expect.objectContaining({ event_id: `message.deleted:${secret._id}`, messageData: expect.objectContaining({ _id: secret._id, deleted: true }) }),
    ]);
  });

  it('the preview of the newest message becomes its tombstone', async () => {
    const { room, agent, customer } = await openConversation();
    const message = await send(tenant1, customer, room._id, 'call me at home', T0);
    await remove(customer, room._id, message._id, after(5));
    const { last_message: preview } = await rawRoom(room._id);
    expect(preview).toEqual({
      _id: message._id,
      sender_id: customer.userId,
      sender_type: 'user',
      created_date: message.created_date,
      deleted: true,
      deleted_date: after(5).toISOString(),
    });
    expect((await getRoom(tenant1, agent, room._id)).last_message).toEqual(preview);
  });

  it('an admin may delete anyone\'s message; other participants and strangers may not', async () => {
    const { room, agent, customer } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'agent here', T0);
    await send(tenant1, customer, room._id, 'newer', after(1));
    const before = await partitionOf(room._id);
    expect(await outcomeOf(remove(customer, room._id, message._id))).toBe('FORBIDDEN');
    expect(await outcomeOf(remove(actor('user', newId()), room._id, message._id))).toBe('ROOM_NOT_FOUND');
    expect(await outcomeOf(remove(agent, room._id, '01ARZ3NDEKTSV4RRFFQ69G5FAV'))).toBe('MESSAGE_NOT_FOUND');
    expect(await partitionOf(room._id)).toEqual(before);
    // An admin deleting a message that is not the newest writes only the message.
    const { writes } = await writesDuring(() => remove(ADMIN, room._id, message._id, after(2)));
    expect(writes).toEqual([{ command: 'UpdateItem', sk: `MSG#${message._id}` }]);
    expect(await rawMessage(room._id, message._id)).toMatchObject({ deleted: true, sender_id: agent.userId });
  });

  it('works in a closed room, at any age', async () => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'old news', T0);
    await closeRoom(tenant1, agent, room._id, after(10));
    await expect(remove(agent, room._id, message._id, after(86_400 * 20))).resolves.toMatchObject({ deleted: true });
  });

  it('twice is a success that writes nothing and tells the same event again', async () => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'oops', T0);
    const first = await remove(agent, room._id, message._id, after(1));
    const before = await partitionOf(room._id);
    const { result, writes } = await writesDuring(() => remove(agent, room._id, message._id, after(2)));
    expect(writes).toEqual([]);
    expect(result).toEqual(first);
    expect(await partitionOf(room._id)).toEqual(before);
    const ids = eventsOf(room._id).filter((event) => event.event === 'message.deleted').map((event) => event.event_id);
    expect(ids).toEqual([`message.deleted:${message._id}`, `message.deleted:${message._id}`]);
  });

  it('a send retried with the same client_message_id gets the tombstone back and stores nothing', async () => {
    const { room, agent } = await openConversation();
    const request = { text: 'sent once', client_message_id: 'retry-after-delete' };
    const { message } = await sendMessage(tenant1, agent, room._id, request, T0);
    await remove(agent, room._id, message._id, after(1));
    const before = await partitionOf(room._id);
    const retried = await sendMessage(tenant1, agent, room._id, request, after(2));
    expect(retried).toEqual({ created: false, message: expect.objectContaining({ _id: message._id, deleted: true }) });
    expect(retried.message).not.toHaveProperty('text');
    expect(await partitionOf(room._id)).toEqual(before);
    expect((await rawRoom(room._id)).message_count).toBe(1);
  });

  it('a delete that stopped between its two writes is completed by its retry: the text goes, the preview stays a tombstone', async () => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'half deleted', T0);
    const faults = injectStoreFaults(1, {
      tenants: [tenant1],
      fault: STORE_FAULTS.crash,
      limit: 1,
      when: (command, wire) => command === 'UpdateItemCommand' && wire.includes(`MSG#${message._id}`),
    });
    try {
      await expect(remove(agent, room._id, message._id, after(1))).rejects.toBeInstanceOf(InstanceKilled);
    } finally {
      faults.stop();
    }
    expect((await rawRoom(room._id)).last_message).toMatchObject({ deleted: true });
    expect((await rawMessage(room._id, message._id))?.text).toBe('half deleted');
    await expect(remove(agent, room._id, message._id, after(2))).resolves.toMatchObject({ deleted: true });
    expect(JSON.stringify(await partitionOf(room._id))).not.toContain('half deleted');
    expect((await rawRoom(room._id)).last_message).toMatchObject({ deleted: true, deleted_date: after(1).toISOString() });
  });
});
