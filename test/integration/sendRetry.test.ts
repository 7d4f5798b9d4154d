/**
 * Nothing half-written: a send or a startChat answered 503 and sent again is stored exactly once;
 * a send refused with 409 withdraws its claim, leaving its client_message_id free; a claim whose message was never
 * written neither blocks nor shadows a later retry.
 */
import { handler as sendMessageHandler } from '../../functions/sendMessage/handler';
import { handler as startChatHandler } from '../../functions/startChat/handler';
import { listMessages } from '../../lib/messages/listMessages';
import { listMessagesParams } from '../../lib/messages/listMessagesParams';
import { ABANDONED_CLAIM_MS } from '../../lib/messages/messageClaim';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { conversationRef, refOfRoomId } from '../../lib/rooms/identifiers';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { documentClient } from '../../lib/store/client';
import { roomKey, roomNumberKey } from '../../lib/store/keys';
import type { Actor } from '../../lib/tenancy/tenant';
import { SEED_PATH } from '../../scripts/local/seedRequest';
import { invokeHttp, tokenOf } from '../support/lambda';
import { injectStoreFaults, STORE_FAULTS, type StoreFaultInjector } from '../support/storeFaults';
import { getItem, partitionItems } from './cleanupFixtures';
import { newId, newOrder, openConversation, tenant1 } from './chatFixtures';

const send = (who: Actor, roomId: string, text: string, clientMessageId: string, now?: Date) =>
  sendMessage(tenant1, who, roomId, sendMessageRequest.parse({ text, client_message_id: clientMessageId }), now);

const withId = async (who: Actor, roomId: string, clientMessageId: string) =>
  (await listMessages(tenant1, who, listMessagesParams.parse({ _id: roomId, limit: '100' }))).messages.filter(
    (message) => message.client_message_id === clientMessageId,
  );

const TOUCH = (command: string, wire: string) => command === 'UpdateItemCommand' && wire.includes('last_message');
const MESSAGE_PUT = (command: string, wire: string) => command === 'PutItemCommand' && wire.includes('"S":"MSG#');

let faults: StoreFaultInjector | undefined;
afterEach(() => faults?.stop());

describe('a send answered 503 and sent again with the same client_message_id', () => {
  it.each([
    ['the room update failed', { when: TOUCH }],
    ['the message write failed', { when: MESSAGE_PUT }],
    ['the message was written but every answer was lost', { when: MESSAGE_PUT, afterApplied: true, fault: STORE_FAULTS.timeout }],
    ['the room update was applied but every answer was lost', { when: TOUCH, afterApplied: true, fault: STORE_FAULTS.timeout }],
  ])('is stored exactly once when %s', async (_case, options) => {
    const { room, agent } = await openConversation();
    const token = await tokenOf(tenant1.clientId, agent);
    const clientMessageId = `retry-${newId()}`;
    const sendOnce = () =>
      invokeHttp(sendMessageHandler, {
        method: 'POST',
        path: `/api/v1/chat/rooms/${room._id}/messages`,
        pathParameters: { _id: room._id },
        body: { text: 'on my way', client_message_id: clientMessageId },
        token,
      });

    faults = injectStoreFaults(1, { tenants: [tenant1], ...options });
    const failed = await sendOnce();
    expect(failed.status).toBe(503);
    expect(failed.headers['Retry-After']).toMatch(/^[1-9]\d*$/);
    faults.stop();

    const retried = await sendOnce();
    expect(retried.status).toBe(201);
    expect(retried.json.messageData).toMatchObject({ text: 'on my way', client_message_id: clientMessageId });
    const again = await sendOnce();
    expect(again.json.messageData).toEqual(retried.json.messageData);
    expect(await withId(agent, room._id, clientMessageId)).toHaveLength(1);
  });

  it('whose claim was abandoned (never counted, long ago) is stored as a new message; a recent one, or one the room counted, completes the original', async () => {
    const { room, agent } = await openConversation();
    const t0 = new Date();
    faults = injectStoreFaults(1, { tenants: [tenant1], when: TOUCH });
    await expect(send(agent, room._id, 'first words', 'abandoned', t0)).rejects.toThrow('injected throttling');
    faults.stop();
    faults = injectStoreFaults(1, { tenants: [tenant1], when: MESSAGE_PUT });
    await expect(send(agent, room._id, 'first words', 'recent', t0)).rejects.toThrow('injected throttling');
    await expect(send(agent, room._id, 'first words', 'counted', t0)).rejects.toThrow('injected throttling');
    faults.stop();

    // Soon after: the first attempt may still be running; the retry completes that same message
    // (its id and time), so the two can only ever write one item.
    const soon = await send(agent, room._id, 'first words', 'recent', new Date(t0.getTime() + 1000));
    expect(soon).toMatchObject({ created: true, message: { created_date: t0.toISOString() } });

    // Long after: the claim is abandoned; the retry is stored as itself, not shadowed by it.
    const lateAt = new Date(t0.getTime() + ABANDONED_CLAIM_MS + 1000);
    const late = await send(agent, room._id, 'second thoughts', 'abandoned', lateAt);
    expect(late).toMatchObject({ created: true, message: { text: 'second thoughts', created_date: lateAt.toISOString() } });
    expect((await withId(agent, room._id, 'abandoned')).map((message) => message.text)).toEqual(['second thoughts']);
    expect((await withId(agent, room._id, 'recent')).map((message) => message.created_date)).toEqual([t0.toISOString()]);

    // Long after, but its attempt died after the room counted it: that message is completed, so
    // the count and the stored messages agree.
    const counted = await send(agent, room._id, 'first words', 'counted', lateAt);
    expect(counted).toMatchObject({ created: true, message: { created_date: t0.toISOString() } });
    const listed = await listMessages(tenant1, agent, listMessagesParams.parse({ _id: room._id, limit: '100' }));
    expect(listed.messages).toHaveLength(3);
    const stored = await getItem(tenant1, roomKey(tenant1, refOfRoomId(room._id)!));
    expect(stored).toMatchObject({ message_count: 3, sent_agent: 3 });
  });
});

describe('a send refused with 409 ROOM_CLOSED', () => {
  const reopen = (conversation: Awaited<ReturnType<typeof openConversation>>) =>
    startChat(tenant1, conversation.agent, startChatRequest.parse({ ...conversation.base, user_id: conversation.agent.userId, type: 'agent-to-user' }));

  it('leaves its client_message_id free: after reopening, a retry with new text is a new message', async () => {
    const conversation = await openConversation();
    const { room, agent, customer } = conversation;
    await closeRoom(tenant1, customer, room._id);
    await expect(send(agent, room._id, 'old text', 'cm-closed')).rejects.toMatchObject({ code: 'ROOM_CLOSED' });
    await reopen(conversation);
    const sent = await send(agent, room._id, 'new text', 'cm-closed');
    expect(sent).toMatchObject({ created: true, message: { text: 'new text' } });
    expect(await withId(agent, room._id, 'cm-closed')).toHaveLength(1);
  });

  it('withdraws its claim when the room closes between the claim and the room update', async () => {
    const conversation = await openConversation();
    const { room, agent, customer } = conversation;
    // Close the room just before the send's room update reaches the store.
    let armed = true;
    const name = `close-first-${Math.random()}`;
    documentClient(tenant1).middlewareStack.add(
      (next, { commandName }) =>
        async (args: any) => {
          if (armed && commandName === 'UpdateItemCommand' && JSON.stringify(args.input).includes('last_message')) {
            armed = false;
            await closeRoom(tenant1, customer, room._id);
          }
          return next(args);
        },
      { step: 'initialize', name },
    );
    try {
      await expect(send(agent, room._id, 'raced text', 'cm-raced')).rejects.toMatchObject({ code: 'ROOM_CLOSED' });
    } finally {
      documentClient(tenant1).middlewareStack.remove(name);
    }
    await reopen(conversation);
    const sent = await send(agent, room._id, 'after reopening', 'cm-raced');
    expect(sent).toMatchObject({ created: true, message: { text: 'after reopening' } });
    expect(await withId(agent, room._id, 'cm-raced')).toHaveLength(1);
  });
});

describe('a startChat answered 503', () => {
  const ROOM_CREATE = (command: string, wire: string) => command === 'PutItemCommand' && wire.includes('"sk":{"S":"ROOM"}');
  const NUMBER_RESERVATION = (command: string, wire: string) => command === 'PutItemCommand' && wire.includes('"S":"ROOMNO"');

  it.each([
    ['creating the room', ROOM_CREATE],
    ['reserving its number', NUMBER_RESERVATION],
  ])('when %s failed leaves no partial room, and the retry creates a whole one', async (_case, when) => {
    const agent = { role: 'agent' as const, userId: newId() };
    const token = await tokenOf(tenant1.clientId, agent);
    const body = { ...newOrder(), user_id: agent.userId, type: 'agent-to-user' };
    const start = () => invokeHttp(startChatHandler, { method: 'POST', path: SEED_PATH, body, token });
    const ref = conversationRef(tenant1.clientId, `${body.order_id}#${body.order_vendor_id}#agent_to_user`);

    faults = injectStoreFaults(1, { tenants: [tenant1], when });
    expect((await start()).status).toBe(503);
    expect(faults.failed.PutItemCommand).toBeGreaterThan(0);
    faults.stop();
    expect(await partitionItems(tenant1, ref)).toEqual([]);

    const started = await start();
    expect(started.status).toBe(200);
    const { _id, room_id } = started.json.roomData;
    expect(refOfRoomId(_id)).toBe(ref);
    expect(await getItem(tenant1, roomNumberKey(tenant1, room_id))).toMatchObject({ room: _id });
  });
});
