import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { listMessages } from '../../lib/messages/listMessages';
import { listMessagesParams } from '../../lib/messages/listMessagesParams';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { documentClient } from '../../lib/store/client';
import { roomKey, roomPartition } from '../../lib/store/keys';
import { refOfRoomId } from '../../lib/rooms/identifiers';
import { getRoomByRef } from '../../lib/store/rooms';
import type { Actor } from '../../lib/tenancy/tenant';
import { actor, newId, openConversation, tenant1 } from './chatFixtures';

const send = (who: Actor, roomId: string, text: string, client_message_id?: string, now?: Date) =>
  sendMessage(tenant1, who, roomId, sendMessageRequest.parse({ text, client_message_id }), now);

const page = (who: Actor, roomId: string, query: Record<string, unknown> = {}) =>
  listMessages(tenant1, who, listMessagesParams.parse({ _id: roomId, ...query }));

const errorCode = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code,
  );

/** Every item in the room's partition, as the cleanup cascade would see it. */
const partitionItems = async (roomId: string) => {
  const { Items = [] } = await documentClient(tenant1).send(
    new QueryCommand({
      TableName: config.chatTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': roomPartition(tenant1, refOfRoomId(roomId)!) },
      ConsistentRead: true,
    }),
  );
  return Items;
};

const rawRoom = async (roomId: string) =>
  (await documentClient(tenant1).send(new GetCommand({ TableName: config.chatTable, Key: roomKey(tenant1, refOfRoomId(roomId)!), ConsistentRead: true }))).Item!;

describe('messages against the local DynamoDB', () => {
  it('both sides of one order chat in one room, and each message touches the room', async () => {
    const { room, firstRoom, agent, customer } = await openConversation();
    expect(room._id).toBe(firstRoom._id);
    expect(room.participants.agent?.user_id).toBe(agent.userId);
    expect(room.participants.user).toMatchObject({ user_id: customer.userId, username: 'Cus Tomer' });

    const before = await rawRoom(room._id);
    const later = new Date(Date.parse(before.updated_date) + 60_000);
    const hello = await send(agent, room._id, '  Hello, your order is on its way  ', undefined, later);
    expect(hello.message).toMatchObject({ text: 'Hello, your order is on its way', sender_id: agent.userId, sender_type: 'agent', room_id: room._id });
    const thanks = await send(customer, room._id, 'Thanks!', undefined, new Date(later.getTime() + 1000));

    const { messages, nextCursor } = await page(customer, room._id);
    expect(messages.map((message) => message._id)).toEqual([thanks.message._id, hello.message._id]);
    expect(nextCursor).toBeNull();

    const after = await rawRoom(room._id);
    expect(after.updated_date).toBe(new Date(later.getTime() + 1000).toISOString());
    expect(after.expires_at).toBeGreaterThan(before.expires_at);
    expect(after.expiry_bucket).toMatch(/^T#1#EXP#\d{4}-\d\d-\d\d$/);
    expect(after.last_message).toMatchObject({ _id: thanks.message._id, text: 'Thanks!', sender_id: customer.userId });
  });

  it('stores every child in the room partition with room = the room _id', async () => {
    const { room, agent } = await openConversation();
    await send(agent, room._id, 'one', 'retry-key-1');
    await send(agent, room._id, 'two');
    const children = (await partitionItems(room._id)).filter((item) => item.sk !== 'ROOM');
    expect(children).toHaveLength(3); // two messages and one dedupe marker
    for (const child of children) expect(child.room).toBe(room._id);
  });

  it('pages 30 messages with limit 7 newest first, each exactly once, while new ones arrive', async () => {
    const { room, agent, customer } = await openConversation();
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) sent.push((await send(i % 2 ? agent : customer, room._id, `message ${i}`)).message._id);

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const result = await page(agent, room._id, { limit: '7', ...(cursor && { cursor }) });
      seen.push(...result.messages.map((message) => message._id));
      sizes.push(result.messages.length);
      cursor = result.nextCursor ?? undefined;
      await send(customer, room._id, 'arrives while paging');
    } while (cursor);

    expect(sizes).toEqual([7, 7, 7, 7, 2]);
    expect(seen).toEqual([...sent].reverse());
  });

  it('a retry with the same client_message_id returns the original and stores nothing new', async () => {
    const { room, agent, customer } = await openConversation();
    const first = await send(agent, room._id, 'Your driver is here', 'cm-1');
    const retry = await send(agent, room._id, 'Your driver is here', 'cm-1');
    expect(first.created).toBe(true);
    expect(retry.created).toBe(false);
    expect(retry.message).toEqual(first.message);
    // The key is the sender's: another participant may use the same id.
    const other = await send(customer, room._id, 'ok', 'cm-1');
    expect(other.created).toBe(true);
    expect((await page(agent, room._id)).messages).toHaveLength(2);
  });

  it('40 parallel sends (a full burst for each of two senders) store 40 messages, none lost, and the preview is the newest', async () => {
    const { room, agent, customer } = await openConversation();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send(i % 2 ? agent : customer, room._id, `parallel ${i}`, `p-${i}`)),
    );
    const ids = new Set(results.map((result) => result.message._id));
    expect(ids.size).toBe(40);
    const { messages, nextCursor } = await page(agent, room._id, { limit: '100' });
    expect(nextCursor).toBeNull();
    expect(new Set(messages.map((message) => message._id))).toEqual(ids);
    const newest = [...ids].sort().at(-1);
    expect((await rawRoom(room._id)).last_message._id).toBe(newest);
  });

  it('a closed room refuses messages with ROOM_CLOSED until startChat reopens the same room', async () => {
    const { room, agent, customer, base } = await openConversation();
    await send(agent, room._id, 'before closing');
    const closed = await closeRoom(tenant1, customer, room._id);
    expect(closed.status).toBe(false);
    expect((await closeRoom(tenant1, agent, room._id)).status).toBe(false); // idempotent
    expect(await errorCode(send(agent, room._id, 'after closing'))).toBe('ROOM_CLOSED');
    expect(await errorCode(send(customer, room._id, 'after closing', 'c-1'))).toBe('ROOM_CLOSED');

    const reopened = await startChat(tenant1, agent, startChatRequest.parse({ ...base, user_id: agent.userId, type: 'agent-to-user' }));
    expect(reopened).toMatchObject({ _id: room._id, status: true });
    await send(agent, room._id, 'reopened');
    expect((await page(customer, room._id)).messages.map((message) => message.text)).toEqual(['reopened', 'before closing']);
  });

  it('outsiders of the tenant get ROOM_NOT_FOUND; an admin of the tenant may read and write', async () => {
    const { room, agent } = await openConversation();
    await send(agent, room._id, 'private');
    const outsider = actor('agent', newId());
    const otherCustomer = actor('user', newId());
    for (const who of [outsider, otherCustomer, actor('vendor', agent.userId), actor('user', agent.userId)]) {
      expect(await errorCode(send(who, room._id, 'let me in'))).toBe('ROOM_NOT_FOUND');
      expect(await errorCode(page(who, room._id))).toBe('ROOM_NOT_FOUND');
      expect(await errorCode(closeRoom(tenant1, who, room._id))).toBe('ROOM_NOT_FOUND');
    }
    const admin = actor('admin', newId());
    expect((await page(admin, room._id)).messages).toHaveLength(1);
    expect((await send(admin, room._id, 'support here')).message.sender_type).toBe('admin');
    // Not a room at all, and an earlier incarnation's _id: the same answer.
    expect(await errorCode(page(admin, '0'.repeat(24)))).toBe('ROOM_NOT_FOUND');
    expect(await errorCode(page(admin, '00000001' + room._id.slice(8)))).toBe('ROOM_NOT_FOUND');
    expect((await getRoomByRef(tenant1, refOfRoomId(room._id)!))?.status).toBe(true);
  });
});
