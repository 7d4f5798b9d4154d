import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { listMessages } from '../../lib/messages/listMessages';
import { listMessagesParams } from '../../lib/messages/listMessagesParams';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { reassignParticipant } from '../../lib/rooms/reassignParticipant';
import { conversationRef, refOfRoomId } from '../../lib/rooms/identifiers';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { documentClient } from '../../lib/store/client';
import { roomKey, roomPartition } from '../../lib/store/keys';
import type { Actor } from '../../lib/tenancy/tenant';
import { actor, newId, newOrder, tenant1 } from './chatFixtures';

const customerWithClaim = (userId: string, ...orderIds: string[]): Actor => ({ role: 'user', userId, orderIds });

const start = (who: Actor, order: ReturnType<typeof newOrder>, fields: Record<string, unknown>) =>
  startChat(tenant1, who, startChatRequest.parse({ ...order, ...fields }));

const asAgent = (agent: Actor, order: ReturnType<typeof newOrder>, fields: Record<string, unknown> = {}) =>
  start(agent, order, { user_id: agent.userId, type: 'agent-to-user', ...fields });

const asCustomer = (customer: Actor, order: ReturnType<typeof newOrder>, fields: Record<string, unknown> = {}) =>
  start(customer, order, { user_id: customer.userId, type: 'user-to-agent', ...fields });

const errorCode = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code ?? String(error),
  );

/** Every item of the conversation's room partition, exactly as stored. */
const stored = async (order: ReturnType<typeof newOrder>, type = 'agent_to_user') => {
  const ref = conversationRef(tenant1.clientId, `${order.order_id}#${order.order_vendor_id}#${type}`);
  const { Items = [] } = await documentClient(tenant1).send(
    new QueryCommand({
      TableName: config.chatTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': roomPartition(tenant1, ref) },
      ConsistentRead: true,
    }),
  );
  return Items;
};

const rawRoom = async (roomId: string) =>
  (await documentClient(tenant1).send(new GetCommand({ TableName: config.chatTable, Key: roomKey(tenant1, refOfRoomId(roomId)!), ConsistentRead: true })))
    .Item;

describe('who gets into a room through startChat', () => {
  it('a stranger gets 404, changes nothing and cannot read the messages', async () => {
    const agent = actor('agent', newId());
    const order = newOrder();
    const room = await asAgent(agent, order);
    await sendMessage(tenant1, agent, room._id, sendMessageRequest.parse({ text: 'secret address: 5 Main St' }));
    const before = await stored(order);

    const stranger = actor('user', newId());
    expect(await errorCode(asCustomer(stranger, order))).toBe('ROOM_NOT_FOUND');
    expect(await errorCode(asCustomer(stranger, order, { agent_id: '666', participant: { username: 'Mallory' } }))).toBe('ROOM_NOT_FOUND');
    expect(await stored(order)).toEqual(before);
    expect(await errorCode(listMessages(tenant1, stranger, listMessagesParams.parse({ _id: room._id })))).toBe('ROOM_NOT_FOUND');

    // The real customer, not named and without a claim, is refused the same way.
    const customer = actor('user', newId());
    expect(await errorCode(asCustomer(customer, order))).toBe('ROOM_NOT_FOUND');
    expect(await stored(order)).toEqual(before);
  });

  it('a stranger can neither reopen a closed room nor push its expiry', async () => {
    const agent = actor('agent', newId());
    const order = newOrder();
    const room = await asAgent(agent, order);
    await closeRoom(tenant1, agent, room._id);
    const before = await rawRoom(room._id);

    expect(await errorCode(asCustomer(actor('user', newId()), order))).toBe('ROOM_NOT_FOUND');
    expect(await errorCode(asAgent(actor('agent', newId()), order))).toBe('ROOM_NOT_FOUND');
    expect(await rawRoom(room._id)).toEqual(before);
    expect(before?.status).toBe(false);
  });

  it('another agent cannot take a room that has its agent', async () => {
    const agent = actor('agent', newId());
    const order = newOrder();
    const room = await asAgent(agent, order);
    const before = await stored(order);
    expect(await errorCode(asAgent(actor('agent', newId()), order, { order_user_id: '5' }))).toBe('ROOM_NOT_FOUND');
    expect(await stored(order)).toEqual(before);
    expect((await asAgent(agent, order))._id).toBe(room._id);
  });

  it('an agent takes the empty agent slot of a room the platform opened, and names others only into empty slots', async () => {
    const order = newOrder();
    const customer = customerWithClaim(newId(), order.order_id);
    const opened = await asCustomer(customer, order, { agent_id: '666' });
    expect(opened.order_user_id).toBe(customer.userId);
    // A customer names no one: the agent slot stays free for the real agent.
    expect(opened.agent_id).toBeUndefined();

    const agent = actor('agent', newId());
    const joined = await asAgent(agent, order, { order_user_id: '999', vendor_user_id: '31' });
    expect(joined).toMatchObject({ _id: opened._id, agent_id: agent.userId, order_user_id: customer.userId, vendor_user_id: '31' });
  });

  it('a customer without a claim cannot pre-claim an order before staff open it', async () => {
    const order = newOrder();
    const early = actor('user', newId());
    expect(await errorCode(asCustomer(early, order))).toBe('ROOM_NOT_FOUND');
    expect(await stored(order)).toEqual([]);

    const agent = actor('agent', newId());
    const room = await asAgent(agent, order);
    expect(room.order_user_id).toBeUndefined();
    expect(await errorCode(asCustomer(early, order))).toBe('ROOM_NOT_FOUND');
  });

  it('the order_ids claim admits exactly its orders', async () => {
    const [first, second, other] = [newOrder(), newOrder(), newOrder()];
    const customer = customerWithClaim(newId(), first.order_id, second.order_id);

    expect((await asCustomer(customer, first)).order_user_id).toBe(customer.userId);
    const agent = actor('agent', newId());
    await asAgent(agent, second);
    expect((await asCustomer(customer, second)).order_user_id).toBe(customer.userId);

    await asAgent(agent, other);
    expect(await errorCode(asCustomer(customer, other))).toBe('FORBIDDEN');
    expect((await stored(other))[0]?.order_user_id).toBeUndefined();
  });

  it('a claim does not displace a customer already in the room', async () => {
    const order = newOrder();
    const agent = actor('agent', newId());
    const named = actor('user', newId());
    await asAgent(agent, order, { order_user_id: named.userId });
    const before = await stored(order);
    expect(await errorCode(asCustomer(customerWithClaim(newId(), order.order_id), order))).toBe('ROOM_NOT_FOUND');
    expect(await stored(order)).toEqual(before);
  });

  it('a customer the agent named joins without a claim, and their profile is theirs to set', async () => {
    const order = newOrder();
    const agent = actor('agent', newId());
    const customer = actor('user', newId());
    const room = await asAgent(agent, order, { order_user_id: customer.userId });
    const joined = await asCustomer(customer, order, { participant: { username: 'Cus Tomer' } });
    expect(joined._id).toBe(room._id);
    expect(joined.participants.user).toMatchObject({ user_id: customer.userId, username: 'Cus Tomer' });
    const renamed = await asCustomer(customer, order, { participant: { username: 'C. Tomer', email: 'c@example.com' } });
    expect(renamed.participants.user).toMatchObject({ username: 'C. Tomer', email: 'c@example.com', _id: joined.participants.user!._id });
  });

  it('an admin creates rooms naming any slot and enters any room', async () => {
    const order = newOrder();
    const admin = actor('admin', newId());
    const room = await start(admin, order, { user_id: '41', type: 'agent-to-user', order_user_id: '42' });
    expect(room).toMatchObject({ agent_id: '41', order_user_id: '42' });
    expect((await start(admin, order, { user_id: '43', type: 'agent-to-user' }))).toMatchObject({ _id: room._id, agent_id: '41' });
  });

  it('50 concurrent mixed calls leave only the participants in the room', async () => {
    const order = newOrder();
    const agent = actor('agent', newId());
    const customer = actor('user', newId());
    const strangers: Array<() => Promise<unknown>> = [
      ...Array.from({ length: 15 }, () => () => asCustomer(actor('user', newId()), order)),
      ...Array.from({ length: 10 }, () => () => asCustomer(customerWithClaim(newId(), newOrder().order_id), order)),
    ];
    const calls = [...Array.from({ length: 25 }, () => () => asAgent(agent, order, { order_user_id: customer.userId })), ...strangers];
    // Interleave participants and strangers.
    const shuffled = calls.map((call, index) => ({ call, key: (index * 7919) % calls.length })).sort((a, b) => a.key - b.key);
    const outcomes = await Promise.all(shuffled.map(({ call }) => errorCode(call())));
    expect(outcomes.filter((outcome) => outcome === 'resolved')).toHaveLength(25);
    expect(outcomes.filter((outcome) => outcome !== 'resolved').sort()).toEqual([...Array(10).fill('FORBIDDEN'), ...Array(15).fill('ROOM_NOT_FOUND')]);

    // A second wave against the existing room, with agents among the strangers.
    const wave = await Promise.all([
      ...Array.from({ length: 10 }, () => errorCode(asAgent(actor('agent', newId()), order))),
      ...Array.from({ length: 10 }, () => errorCode(asCustomer(actor('user', newId()), order))),
      ...Array.from({ length: 10 }, () => errorCode(asCustomer(customer, order))),
    ]);
    expect(wave.filter((outcome) => outcome === 'resolved')).toHaveLength(10);

    const items = await stored(order);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ agent_id: agent.userId, order_user_id: customer.userId });
    expect(items[0]!.vendor_user_id).toBeUndefined();
  });
});

describe('reassigning a slot', () => {
  it('moves the membership in one write: the new holder reads the history, the old one is out at once', async () => {
    const order = newOrder();
    const agent = actor('agent', newId());
    const customer = actor('user', newId());
    const room = await asAgent(agent, order, { order_user_id: customer.userId });
    await asCustomer(customer, order, { participant: { username: 'Cus Tomer' } });
    await sendMessage(tenant1, customer, room._id, sendMessageRequest.parse({ text: 'Ring twice' }));

    const replacement = actor('user', newId());
    expect(await errorCode(reassignParticipant(tenant1, agent, room._id, 'user', replacement.userId))).toBe('FORBIDDEN');
    const moved = await reassignParticipant(tenant1, actor('admin', newId()), room._id, 'user', replacement.userId);
    expect(moved.order_user_id).toBe(replacement.userId);
    // The previous holder's profile goes with them.
    expect(moved.participants.user).toMatchObject({ user_id: replacement.userId });
    expect(moved.participants.user?.username).toBeUndefined();
    expect((await rawRoom(room._id))?.user_key).toBe(`T#1#USER#${replacement.userId}`);

    const history = await listMessages(tenant1, replacement, listMessagesParams.parse({ _id: room._id }));
    expect(history.messages.map((message) => message.text)).toEqual(['Ring twice']);
    expect(await errorCode(listMessages(tenant1, customer, listMessagesParams.parse({ _id: room._id })))).toBe('ROOM_NOT_FOUND');
    expect(await errorCode(asCustomer(customer, order))).toBe('ROOM_NOT_FOUND');
  });
});
