/**
 * Two fault-injection runs under load, in-process and small enough for a test: rooms opened, and
 * conversations held, by clients that retry as the README tells them, while the store throttles,
 * fails, applies writes and loses their answers, answers late, resets connections and the instance
 * dies between writes; while pushes to sockets fail now and then. Afterwards every invariant holds
 * in every room: one message per client_message_id (every 201 with the same _id), counts equal to
 * the stored messages, unread counts equal to the messages after each cursor, the number
 * reservation held, and every message's event at every live socket, with its id.
 */
import { handler as markRoomReadHandler } from '../../functions/markRoomRead/handler';
import { handler as sendMessageHandler } from '../../functions/sendMessage/handler';
import { handler as startChatHandler } from '../../functions/startChat/handler';
import type { Actor } from '../../lib/tenancy/tenant';
import { SEED_PATH } from '../../scripts/local/seedRequest';
import { invokeHttp, tokenOf, type LambdaReply } from '../support/lambda';
import { injectStoreFaults, STORE_FAULTS, type StoreFaultInjector, type StoreFaultOptions } from '../support/storeFaults';
import { actor, newId, newOrder, tenant1 } from './chatFixtures';
import {
  captureSockets,
  connect,
  expectEventIds,
  expectEveryMessageDelivered,
  expectExactCounts,
  expectNumberHeld,
  publishingTo,
  retrying,
  type RetriedCall,
  type SocketCapture,
} from './faultFixtures';

const ROOMS = 4;
const MESSAGES_PER_SENDER = 4;
const WRITES = ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'];

let injectors: StoreFaultInjector[] = [];
let capture: SocketCapture | undefined;
afterEach(async () => {
  for (const injector of injectors) injector.stop();
  injectors = [];
  await capture?.close();
  capture = undefined;
});

const inject = (rate: number, options: Omit<StoreFaultOptions, 'tenants'>) => injectors.push(injectStoreFaults(rate, { tenants: [tenant1], ...options }));

interface Party {
  agent: Actor;
  customer: Actor;
  tokens: Record<'agent' | 'user', string>;
  sockets: string[];
}

const party = async (): Promise<Party> => {
  const agent = actor('agent', newId());
  const customer = actor('user', newId());
  return {
    agent,
    customer,
    tokens: { agent: await tokenOf(tenant1.clientId, agent), user: await tokenOf(tenant1.clientId, customer) },
    sockets: [await connect(agent), await connect(customer)],
  };
};

/** The agent opens the order's room naming the customer, who then joins it: both retried. */
const openRoom = async ({ agent, customer, tokens }: Party): Promise<{ room: any; calls: RetriedCall[] }> => {
  const order = newOrder();
  const start = (body: Record<string, unknown>, token: string) => retrying(() => invokeHttp(startChatHandler, { method: 'POST', path: SEED_PATH, body, token }));
  const opened = await start({ ...order, user_id: agent.userId, type: 'agent-to-user', order_user_id: customer.userId }, tokens.agent);
  const joined = await start({ ...order, user_id: customer.userId, type: 'user-to-agent', agent_id: agent.userId }, tokens.user);
  expect(joined.reply.json.roomData._id).toBe(opened.reply.json.roomData._id);
  return { room: joined.reply.json.roomData, calls: [opened, joined] };
};

interface SendRecord {
  clientMessageId: string;
  copies: RetriedCall[];
}

/** One participant's conversation: one message at a time, each sent as `copies` concurrent copies. */
const converse = async (roomId: string, who: Actor, token: string, copies: number): Promise<SendRecord[]> => {
  const records: SendRecord[] = [];
  for (let index = 0; index < MESSAGES_PER_SENDER; index++) {
    const clientMessageId = `${who.role}-${index}-${newId()}`;
    const once = () =>
      invokeHttp(sendMessageHandler, {
        method: 'POST',
        path: `/api/v1/chat/rooms/${roomId}/messages`,
        pathParameters: { _id: roomId },
        body: { text: `${who.role} says ${index}`, client_message_id: clientMessageId },
        token,
      });
    records.push({ clientMessageId, copies: await Promise.all(Array.from({ length: copies }, () => retrying(once, 25))) });
  }
  return records;
};

/** Every answer a client settled on is a success; every one it retried is a 503 with Retry-After or (a dead instance) no answer at all. */
const expectRetriedAnswers = (calls: RetriedCall[], success: number) => {
  for (const call of calls) {
    expect(call.reply.status).toBe(success);
    expect(call.statuses.slice(0, -1).filter((status) => status !== 503 && status !== 0 && status !== 500)).toEqual([]);
    expect(call.retryAfters.filter((value) => !/^[1-9][0-9]*$/.test(String(value)))).toEqual([]);
  }
};

/** Mark a read and check the unread count is the number of messages from others recorded after the cursor's message. */
const expectUnreadAfterCursor = async (roomId: string, who: Party, messages: Awaited<ReturnType<typeof expectExactCounts>>) => {
  const fromAgent = messages.filter((message) => message.sender_type === 'agent').sort((a, b) => a.read_marks.user! - b.read_marks.user!);
  const cursor = fromAgent[1]!;
  const read = await retrying(() =>
    invokeHttp(markRoomReadHandler, {
      method: 'POST',
      path: `/api/v1/chat/rooms/${roomId}/read`,
      pathParameters: { _id: roomId },
      body: { message_id: cursor._id },
      token: who.tokens.user,
    }),
  );
  expect(read.reply.json.roomData).toMatchObject({ last_read_message_id: cursor._id, unread_count: fromAgent.length - 2 });
};

const run = async (copies: number, faults: () => void) => {
  const parties = await Promise.all(Array.from({ length: ROOMS }, party));
  capture = await captureSockets((_connectionId, seen) => ({ status: seen % 11 === 3 ? 500 : 200 }));
  await publishingTo(capture, async () => {
    faults();
    const conversations = await Promise.all(
      parties.map(async (people) => {
        const { room, calls } = await openRoom(people);
        const [agentSends, customerSends] = await Promise.all([
          converse(room._id, people.agent, people.tokens.agent, copies),
          converse(room._id, people.customer, people.tokens.user, copies),
        ]);
        return { people, room, opened: calls, sends: [...agentSends, ...customerSends] };
      }),
    );
    for (const injector of injectors) injector.stop();
    expect(injectors.reduce((sum, injector) => sum + Object.values(injector.failed).reduce((a, b) => a + b, 0), 0)).toBeGreaterThan(0);

    for (const { people, room, opened, sends } of conversations) {
      expectRetriedAnswers(opened, 200);
      expectRetriedAnswers(sends.flatMap((send) => send.copies), 201);
      const messages = await expectExactCounts(room._id);
      expect(messages).toHaveLength(sends.length);
      for (const { clientMessageId, copies: answers } of sends) {
        const ids = new Set(answers.map((answer) => (answer.reply as LambdaReply).json.messageData._id));
        expect(ids.size).toBe(1);
        expect(messages.filter((message) => message.client_message_id === clientMessageId).map((message) => message._id)).toEqual([...ids]);
      }
      await expectNumberHeld(room);
      expectEveryMessageDelivered(capture!, messages, people.sockets);
      await expectUnreadAfterCursor(room._id, people, messages);
    }
    expectEventIds(capture!);
  });
};

describe('fault-injection runs', () => {
  it('run 1: throttled, failing, and applied-but-answered-500 store calls; some pushes failing', async () => {
    await run(1, () => {
      inject(0.06, { fault: STORE_FAULTS.throttling });
      inject(0.06, { fault: STORE_FAULTS.serverError });
      inject(0.08, { fault: STORE_FAULTS.serverError, afterApplied: true });
    });
  });

  it('run 2: late answers, connections cut before and after writes, concurrent copies, the instance dying between writes', async () => {
    await run(3, () => {
      inject(0.1, { when: (command) => WRITES.includes(command), fault: STORE_FAULTS.timeout, afterApplied: true, delayMs: 40 });
      inject(0.05, { fault: STORE_FAULTS.connectionReset });
      inject(0.05, { when: (command) => WRITES.includes(command), fault: STORE_FAULTS.connectionReset, afterApplied: true });
      inject(0.04, { when: (command) => WRITES.includes(command), fault: STORE_FAULTS.crash, afterApplied: true });
    });
  });
});
