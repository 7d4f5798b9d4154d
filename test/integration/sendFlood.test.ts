/**
 * Per sender, per room flood limit: 20 at once, 5 per second sustained (or the tenant's own),
 * kept on the room item the send writes anyway, so the limit holds whichever container serves
 * the request. A refusal the container can foresee (it saw the sender's state) costs no request;
 * one it cannot costs the refused conditional update and a read, and still writes nothing.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { refOfRoomId } from '../../lib/rooms/identifiers';
import { roomKey } from '../../lib/store/keys';
import { partitionItems } from './cleanupFixtures';
import { handler as sendMessageHandler } from '../../functions/sendMessage/handler';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { documentClient } from '../../lib/store/client';
import type { Actor, Tenant } from '../../lib/tenancy/tenant';
import { invokeHttp, tokenOf, type LambdaReply } from '../support/lambda';
import { openConversation, tenant1 } from './chatFixtures';

const send = (tenant: Tenant, who: Actor, roomId: string, text: string, now: Date) =>
  sendMessage(tenant, who, roomId, sendMessageRequest.parse({ text }), now);

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'sent',
    (error: { code?: string; retryAfterSeconds?: number }) => `${error.code}${error.retryAfterSeconds ? ` ${error.retryAfterSeconds}s` : ''}`,
  );

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

/** Store writes tenant 1's client sends while `body` runs. */
const writesDuring = async <T>(body: () => Promise<T>): Promise<{ result: T; writes: number }> => {
  let writes = 0;
  const name = `count-writes-${Math.random()}`;
  documentClient(tenant1).middlewareStack.add(
    (next, { commandName }) =>
      async (args) => {
        if (WRITES.has(commandName!)) writes++;
        return next(args);
      },
    { step: 'initialize', name },
  );
  try {
    return { result: await body(), writes };
  } finally {
    documentClient(tenant1).middlewareStack.remove(name);
  }
};

describe('the flood limit of one sender in one room', () => {
  it('lets a burst of 20 through, then refuses with 429 and Retry-After, without a single write', async () => {
    const { room, agent, customer } = await openConversation();
    const t0 = new Date();
    const burst = [];
    for (let i = 0; i < 20; i++) burst.push(await outcome(send(tenant1, agent, room._id, `m${i}`, t0)));
    expect(burst).toEqual(Array(20).fill('sent'));

    const { result: refused, writes } = await writesDuring(async () => {
      const outcomes = [];
      for (let i = 0; i < 5; i++) outcomes.push(await outcome(send(tenant1, agent, room._id, 'again', t0)));
      return outcomes;
    });
    expect(refused).toEqual(Array(5).fill('RATE_LIMITED 1s'));
    expect(writes).toBe(0);

    // The other participant is not held back by the flood.
    for (let i = 0; i < 10; i++) expect(await outcome(send(tenant1, customer, room._id, `c${i}`, t0))).toBe('sent');

    // A second later, 5 more (5 per second), then refused again.
    const later = new Date(t0.getTime() + 1000);
    const next = [];
    for (let i = 0; i < 6; i++) next.push(await outcome(send(tenant1, agent, room._id, `n${i}`, later)));
    expect(next).toEqual([...Array(5).fill('sent'), 'RATE_LIMITED 1s']);

    // A minute of silence earns the whole burst back.
    const rested = new Date(t0.getTime() + 60_000);
    for (let i = 0; i < 20; i++) expect(await outcome(send(tenant1, agent, room._id, `r${i}`, rested))).toBe('sent');
  });

  it('decides from the stored state when another container moved it: a full burst refused, a queued one let through', async () => {
    /** A sender's pacing state as another container's sends would have left it. */
    const setTat = (roomId: string, who: Actor, tat: number) =>
      documentClient(tenant1).send(
        new UpdateCommand({
          TableName: config.chatTable,
          Key: roomKey(tenant1, refOfRoomId(roomId)!),
          UpdateExpression: 'SET #rate = :tat',
          ExpressionAttributeNames: { '#rate': `rate#${who.role}#${who.userId}` },
          ExpressionAttributeValues: { ':tat': tat },
        }),
      );
    const now = new Date();

    const flooded = await openConversation();
    await setTat(flooded.room._id, flooded.agent, now.getTime() + 60_000);
    const before = await partitionItems(tenant1, refOfRoomId(flooded.room._id)!);
    const refused = sendMessage(tenant1, flooded.agent, flooded.room._id, sendMessageRequest.parse({ text: 'flood', client_message_id: 'cm-flood' }), now);
    await expect(refused).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // Nothing stays: no message, no claim of its client_message_id, the state unchanged.
    expect(await partitionItems(tenant1, refOfRoomId(flooded.room._id)!)).toEqual(before);

    const queued = await openConversation();
    const tat = now.getTime() + 1000;
    await setTat(queued.room._id, queued.agent, tat);
    expect(await outcome(send(tenant1, queued.agent, queued.room._id, 'queued', now))).toBe('sent');
    const { Item } = await documentClient(tenant1).send(
      new GetCommand({ TableName: config.chatTable, Key: roomKey(tenant1, refOfRoomId(queued.room._id)!), ConsistentRead: true }),
    );
    expect(Item?.[`rate#agent#${queued.agent.userId}`]).toBe(tat + 200);
  });

  it('holds under concurrency: 30 parallel sends by one sender at one instant give exactly 20', async () => {
    const { room, agent } = await openConversation();
    const now = new Date();
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => outcome(send(tenant1, agent, room._id, `p${i}`, now))));
    expect(outcomes.filter((result) => result === 'sent')).toHaveLength(20);
    expect(outcomes.filter((result) => result.startsWith('RATE_LIMITED'))).toHaveLength(10);
  });

  it("follows the tenant's own rate_limit from the registry", async () => {
    const strict: Tenant = { ...tenant1, sendRateLimit: { burst: 3, perSecond: 0.5 } };
    const { room, agent } = await openConversation();
    const now = new Date();
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await outcome(send(strict, agent, room._id, `s${i}`, now)));
    expect(outcomes).toEqual(['sent', 'sent', 'sent', 'RATE_LIMITED 2s']);
  });

  it('one token flooding 150 messages through the real handler gets 429s while the other side keeps sending', async () => {
    const { room, agent, customer } = await openConversation();
    const [agentToken, customerToken] = await Promise.all([tokenOf(tenant1.clientId, agent), tokenOf(tenant1.clientId, customer)]);
    const sendAs = (token: string, text: string) =>
      invokeHttp(sendMessageHandler, {
        method: 'POST',
        path: `/api/v1/chat/rooms/${room._id}/messages`,
        pathParameters: { _id: room._id },
        body: { text },
        token,
      });

    const flood: LambdaReply[] = [];
    const others: LambdaReply[] = [];
    const started = Date.now();
    const { writes } = await writesDuring(async () => {
      for (let i = 0; i < 150; i++) {
        flood.push(await sendAs(agentToken, `flood ${i}`));
        if (i % 15 === 0) others.push(await sendAs(customerToken, `still here ${i}`));
      }
    });
    const elapsedSeconds = (Date.now() - started) / 1000;

    const accepted = flood.filter((reply) => reply.status === 201).length;
    const limited = flood.filter((reply) => reply.status === 429);
    expect(flood.slice(0, 20).every((reply) => reply.status === 201)).toBe(true);
    expect(accepted + limited.length).toBe(150);
    // Never more than the burst plus 5 per second of the time the flood took.
    expect(accepted).toBeLessThanOrEqual(20 + Math.ceil(elapsedSeconds * 5) + 1);
    for (const reply of limited) {
      expect(reply.json).toEqual({ message: expect.any(String), status: 429, code: 'RATE_LIMITED' });
      expect(reply.headers['Retry-After']).toMatch(/^[1-9][0-9]*$/);
    }
    expect(others.map((reply) => reply.status)).toEqual(Array(10).fill(201));
    // Each accepted message is two writes (the room's one update, the message); a refusal none.
    expect(writes).toBe(2 * (accepted + others.length));
  });
});
