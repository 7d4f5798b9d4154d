/**
 * One message per client_message_id and exact counts, whatever happens between a send's writes
 * and their answers: an SDK retry of a room update that was applied (while a newer message took
 * the preview, or the room closed, or the sender reached the flood limit with it), concurrent
 * copies of one send under a slow store, and an attempt that dies after any of its writes.
 */
import { handler as sendMessageHandler } from '../../functions/sendMessage/handler';
import { ABANDONED_CLAIM_MS } from '../../lib/messages/messageClaim';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { refOfRoomId } from '../../lib/rooms/identifiers';
import { documentClient } from '../../lib/store/client';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import type { Actor } from '../../lib/tenancy/tenant';
import { invokeHttp, tokenOf } from '../support/lambda';
import { InstanceKilled, injectStoreFaults, STORE_FAULTS, type StoreFaultInjector, type StoreFaultOptions } from '../support/storeFaults';
import { newId, openConversation, tenant1 } from './chatFixtures';
import { partitionItems } from './cleanupFixtures';
import { expectExactCounts, rawRoom, retrying, storedMessages } from './faultFixtures';

const send = (who: Actor, roomId: string, text: string, clientMessageId: string | undefined, now?: Date) =>
  sendMessage(tenant1, who, roomId, sendMessageRequest.parse({ text, ...(clientMessageId && { client_message_id: clientMessageId }) }), now);

/** The room update of a send by `role` (it adds to `sent_<role>`). */
const TOUCH_OF = (role: string) => (command: string, wire: string) => command === 'UpdateItemCommand' && wire.includes(`"sent_${role}"`);
const CLAIM = (command: string, wire: string) => command === 'PutItemCommand' && wire.includes('"S":"DEDUPE#');
const MESSAGE_PUT = (command: string, wire: string) => command === 'PutItemCommand' && wire.includes('"S":"MSG#');

const markers = async (roomId: string, clientMessageId: string) =>
  (await partitionItems(tenant1, refOfRoomId(roomId)!)).filter((item) => String(item.sk).startsWith('DEDUPE#') && String(item.sk).endsWith(`#${clientMessageId}`));

let faults: StoreFaultInjector | undefined;
const inject = (options: Omit<StoreFaultOptions, 'tenants'>) => {
  faults = injectStoreFaults(1, { tenants: [tenant1], ...options });
  return faults;
};
afterEach(() => faults?.stop());

describe('an SDK retry of a room update that was applied and answered 500', () => {
  it.each([
    ['with', 'cm-preview'],
    ['without', undefined],
  ])('counts nothing, even once a newer message holds the preview (%s client_message_id)', async (_case, clientMessageId) => {
    const { room, agent, customer } = await openConversation();
    // Between the applied update and the SDK's retry of it, the customer's message is recorded.
    inject({ when: TOUCH_OF('agent'), afterApplied: true, fault: STORE_FAULTS.serverError, limit: 1, during: () => send(customer, room._id, 'newer', undefined) });
    const sent = await send(agent, room._id, 'older', clientMessageId);
    expect(sent.created).toBe(true);
    expect(faults!.failed.UpdateItemCommand).toBe(1);

    const messages = await expectExactCounts(room._id);
    expect(messages.map((message) => message.text)).toEqual(['older', 'newer']);
    expect((await rawRoom(room._id)).last_message).toMatchObject({ text: 'newer' });
  });

  it('is not refused by its own count: the 20th of a burst stays sent, its retries get it back, the 21st is refused and leaves no claim', async () => {
    const { room, agent } = await openConversation();
    const t0 = new Date();
    for (let i = 0; i < 19; i++) await send(agent, room._id, `m${i}`, undefined, t0);
    inject({ when: TOUCH_OF('agent'), afterApplied: true, fault: STORE_FAULTS.serverError, limit: 1 });
    const last = await send(agent, room._id, 'the 20th', 'cm-20th', t0);
    expect(last).toMatchObject({ created: true, message: { text: 'the 20th' } });
    faults!.stop();

    // The client's retry (its answer lost on the way), at the same instant: this container now
    // knows the sender is at the limit, yet a retry of a send already made is not a new send.
    expect(await send(agent, room._id, 'the 20th', 'cm-20th', t0)).toEqual({ created: false, message: last.message });
    await expect(send(agent, room._id, 'the 21st', 'cm-21st', t0)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await markers(room._id, 'cm-21st')).toEqual([]);
    expect(await expectExactCounts(room._id)).toHaveLength(20);
  });

  it('keeps a message the room recorded before it closed: 201, stored, counted once, its claim kept', async () => {
    const { room, agent, customer } = await openConversation();
    inject({ when: TOUCH_OF('agent'), afterApplied: true, fault: STORE_FAULTS.serverError, limit: 1, during: () => closeRoom(tenant1, customer, room._id) });
    const sent = await send(agent, room._id, 'just in time', 'cm-closing');
    expect(sent).toMatchObject({ created: true, message: { text: 'just in time' } });
    expect((await rawRoom(room._id)).status).toBe(false);
    expect(await expectExactCounts(room._id)).toHaveLength(1);
    expect(await markers(room._id, 'cm-closing')).toHaveLength(1);
  });
});

describe('a claim', () => {
  it('whose put was applied and answered 500 is still this send\'s own: a refusal withdraws it', async () => {
    const { room, agent, customer } = await openConversation();
    await closeRoom(tenant1, customer, room._id);
    inject({ when: CLAIM, afterApplied: true, fault: STORE_FAULTS.serverError, limit: 1 });
    await expect(send(agent, room._id, 'closed', 'cm-own-claim')).rejects.toMatchObject({ code: 'ROOM_CLOSED' });
    expect(faults!.failed.PutItemCommand).toBe(1);
    expect(await markers(room._id, 'cm-own-claim')).toEqual([]);
  });

  it('withdrawn between a copy\'s claim and its read is claimed again: no 500', async () => {
    const { room, agent } = await openConversation();
    // An attempt claims, then fails at the room update (a store fault: 503), its claim kept.
    inject({ when: TOUCH_OF('agent'), fault: STORE_FAULTS.serverError });
    await expect(send(agent, room._id, 'first', 'cm-vanishing')).rejects.toMatchObject({ name: 'InternalServerError' });
    faults!.stop();
    const [marker] = await markers(room._id, 'cm-vanishing');
    // The retry's claim fails on that marker; before it reads the marker, the marker goes.
    inject({
      when: (command, wire) => command === 'GetItemCommand' && wire.includes('"S":"DEDUPE#'),
      fail: false,
      limit: 1,
      during: () => documentClient(tenant1).send(new DeleteCommand({ TableName: config.chatTable, Key: { pk: marker!.pk, sk: marker!.sk } })),
    });
    const retried = await send(agent, room._id, 'first', 'cm-vanishing');
    expect(retried).toMatchObject({ created: true, message: { text: 'first' } });
    expect(await expectExactCounts(room._id)).toHaveLength(1);
  });
});

describe('concurrent copies of one send under a slow store', () => {
  const isWrite = (command: string) => ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].includes(command);

  it.each<[string, Omit<StoreFaultOptions, 'tenants'>]>([
    ['answers slow', { when: (command) => command === 'UpdateItemCommand', afterApplied: true, delayMs: 150, fail: false }],
    ['answers lost past the timeout', { when: (command) => command === 'UpdateItemCommand', afterApplied: true, delayMs: 150, fault: STORE_FAULTS.timeout, limit: 6 }],
    ['connections reset after the write', { when: isWrite, afterApplied: true, fault: STORE_FAULTS.connectionReset, limit: 8 }],
  ])('store one message per client_message_id, every 201 with the same _id (%s)', async (_case, options) => {
    const { room, agent, customer } = await openConversation();
    const tokens = { agent: await tokenOf(tenant1.clientId, agent), user: await tokenOf(tenant1.clientId, customer) };
    const sendCopies = (who: Actor, clientMessageId: string, copies: number) =>
      Promise.all(
        Array.from({ length: copies }, () =>
          retrying(() =>
            invokeHttp(sendMessageHandler, {
              method: 'POST',
              path: `/api/v1/chat/rooms/${room._id}/messages`,
              pathParameters: { _id: room._id },
              body: { text: `text of ${clientMessageId}`, client_message_id: clientMessageId },
              token: tokens[who.role as 'agent' | 'user'],
            }),
          ),
        ),
      );

    inject(options);
    const sends: Array<{ clientMessageId: string; ids: string[] }> = [];
    for (let round = 0; round < 3; round++) {
      // Each participant sends one message at a time, each as two or three concurrent copies.
      const outcomes = await Promise.all([
        sendCopies(agent, `a-${round}-${newId()}`, 3),
        sendCopies(customer, `u-${round}-${newId()}`, 2),
      ]);
      for (const copies of outcomes) {
        for (const copy of copies) expect(copy.reply.status).toBe(201);
        sends.push({ clientMessageId: copies[0]!.reply.json.messageData.client_message_id, ids: copies.map((copy) => copy.reply.json.messageData._id) });
      }
    }
    faults!.stop();

    const stored = await expectExactCounts(room._id);
    expect(stored).toHaveLength(sends.length);
    for (const { clientMessageId, ids } of sends) {
      expect(new Set(ids).size).toBe(1);
      expect(stored.filter((message) => message.client_message_id === clientMessageId).map((message) => message._id)).toEqual([ids[0]]);
    }
  });
});

describe('an attempt that dies after one of its writes, retried with the same client_message_id', () => {
  const dies = (when: StoreFaultOptions['when']) => inject({ when, afterApplied: true, fault: STORE_FAULTS.crash, limit: 1 });

  it.each([
    ['its claim', CLAIM],
    ['its room update', TOUCH_OF('agent')],
    ['its message', MESSAGE_PUT],
  ])('after %s: soon after, the retry completes the same message, stored and counted once', async (_case, when) => {
    const { room, agent, customer } = await openConversation();
    const t0 = new Date();
    dies(when);
    await expect(send(agent, room._id, 'hello', 'cm-crash', t0)).rejects.toBeInstanceOf(InstanceKilled);
    faults!.stop();
    // Someone else speaks before the retry comes.
    await send(customer, room._id, 'anyone?', undefined);

    const retried = await send(agent, room._id, 'hello', 'cm-crash', new Date(t0.getTime() + 2000));
    expect(retried.message).toMatchObject({ text: 'hello', created_date: t0.toISOString() });
    const stored = await expectExactCounts(room._id);
    expect(stored.filter((message) => message.client_message_id === 'cm-crash').map((message) => message._id)).toEqual([retried.message._id]);
  });

  it('after its room update, long after: the message the room counted is completed, not replaced', async () => {
    const { room, agent } = await openConversation();
    const t0 = new Date();
    dies(TOUCH_OF('agent'));
    await expect(send(agent, room._id, 'hello', 'cm-late', t0)).rejects.toBeInstanceOf(InstanceKilled);
    faults!.stop();
    const retried = await send(agent, room._id, 'hello', 'cm-late', new Date(t0.getTime() + ABANDONED_CLAIM_MS + 1000));
    expect(retried.message.created_date).toBe(t0.toISOString());
    expect(await expectExactCounts(room._id)).toHaveLength(1);
  });

  it('after its claim, long after: the abandoned claim is taken over and the retry stored as itself', async () => {
    const { room, agent } = await openConversation();
    const t0 = new Date();
    dies(CLAIM);
    await expect(send(agent, room._id, 'hello', 'cm-taken', t0)).rejects.toBeInstanceOf(InstanceKilled);
    faults!.stop();
    const lateAt = new Date(t0.getTime() + ABANDONED_CLAIM_MS + 1000);
    const retried = await send(agent, room._id, 'hello again', 'cm-taken', lateAt);
    expect(retried.message).toMatchObject({ text: 'hello again', created_date: lateAt.toISOString() });
    expect((await storedMessages(room._id)).map((message) => message._id)).toEqual([retried.message._id]);
    await expectExactCounts(room._id);
  });
});
