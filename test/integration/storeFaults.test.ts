/**
 * The store failing under the real handlers, in-process: throttling on every attempt is a 503
 * with Retry-After on each route, never a 500; a partly failing store leaves most requests
 * successful and no 500 at all; and once the store recovers, every request goes through again.
 */
import { handler as closeRoom } from '../../functions/closeRoom/handler';
import { handler as fetchRoomByUserAgent } from '../../functions/fetchRoomByUserAgent/handler';
import { handler as getRoom } from '../../functions/getRoom/handler';
import { handler as listMessages } from '../../functions/listMessages/handler';
import { handler as listRooms } from '../../functions/listRooms/handler';
import { handler as sendMessage } from '../../functions/sendMessage/handler';
import { handler as startChat } from '../../functions/startChat/handler';
import { STORE_MAX_ATTEMPTS } from '../../lib/store/client';
import { SEED_PATH } from '../../scripts/local/seedRequest';
import { invokeHttp, tokenOf, type LambdaReply } from '../support/lambda';
import { injectStoreFaults, STORE_FAULTS, type StoreFaultInjector } from '../support/storeFaults';
import { newId, newOrder, openConversation, tenant1 } from './chatFixtures';

type Conversation = Awaited<ReturnType<typeof openConversation>>;

/** One request per HTTP route, each acting on `conversation` as its agent. */
const routeCalls = async (conversation: Conversation) => {
  const token = await tokenOf(tenant1.clientId, conversation.agent);
  const room = { _id: conversation.room._id };
  const roomPath = `/api/v1/chat/rooms/${room._id}`;
  return {
    startChat: () =>
      invokeHttp(startChat, {
        method: 'POST',
        path: SEED_PATH,
        body: { ...newOrder(), user_id: conversation.agent.userId, type: 'agent-to-user' },
        token,
      }),
    fetchRoomByUserAgent: () =>
      invokeHttp(fetchRoomByUserAgent, {
        method: 'POST',
        path: '/api/room/fetchRoomByUserAgent',
        body: { sub_domain: tenant1.subDomain, client_id: tenant1.clientId, agent_id: conversation.agent.userId },
        token,
      }),
    listRooms: () => invokeHttp(listRooms, { method: 'GET', path: '/api/v1/chat/rooms', query: { limit: '5' }, token }),
    getRoom: () => invokeHttp(getRoom, { method: 'GET', path: roomPath, pathParameters: room, token }),
    sendMessage: () =>
      invokeHttp(sendMessage, {
        method: 'POST',
        path: `${roomPath}/messages`,
        pathParameters: room,
        body: { text: 'are you there?', client_message_id: `m-${newId()}` },
        token,
      }),
    listMessages: () => invokeHttp(listMessages, { method: 'GET', path: `${roomPath}/messages`, pathParameters: room, token }),
    closeRoom: () => invokeHttp(closeRoom, { method: 'POST', path: `${roomPath}/close`, pathParameters: room, token }),
  };
};

const expectServiceUnavailable = (reply: LambdaReply) => {
  expect(reply.status).toBe(503);
  expect(reply.headers['Retry-After']).toMatch(/^[1-9][0-9]*$/);
  expect(reply.json).toEqual({ message: expect.any(String), status: 503, code: 'SERVICE_UNAVAILABLE' });
};

let faults: StoreFaultInjector | undefined;
afterEach(() => faults?.stop());

describe('a store that throttles every request', () => {
  it.each(['startChat', 'fetchRoomByUserAgent', 'listRooms', 'getRoom', 'sendMessage', 'listMessages', 'closeRoom'] as const)(
    '%s answers 503 SERVICE_UNAVAILABLE with Retry-After once the SDK has used its attempts',
    async (route) => {
      const calls = await routeCalls(await openConversation());
      expect((await calls.getRoom()).status).toBe(200); // the tenant lookup is now cached, as in a warm container

      faults = injectStoreFaults(1, { tenants: [tenant1] });
      expectServiceUnavailable(await calls[route]());

      // The first command met the fault on every attempt the retry strategy allows, then gave up.
      const [first] = Object.keys(faults.attempts);
      expect(faults.attempts[first!]).toBe(STORE_MAX_ATTEMPTS);
      expect(faults.failed[first!]).toBe(STORE_MAX_ATTEMPTS);
    },
  );

  it.each([
    ['a DynamoDB 500', STORE_FAULTS.serverError],
    ['a request timeout', STORE_FAULTS.timeout],
  ])('answers %s with 503 as well', async (_name, fault) => {
    const calls = await routeCalls(await openConversation());
    expect((await calls.getRoom()).status).toBe(200);
    faults = injectStoreFaults(1, { tenants: [tenant1], fault });
    expectServiceUnavailable(await calls.sendMessage());
    expectServiceUnavailable(await calls.listMessages());
  });
});

describe('a store that throttles 30 % of requests', () => {
  it('never answers 500, lets most requests through, and serves everything once it recovers', async () => {
    const conversations = await Promise.all([openConversation(), openConversation(), openConversation()]);
    const calls = await Promise.all(conversations.map(routeCalls));
    expect((await calls[0]!.getRoom()).status).toBe(200);
    const mixed = calls.flatMap((call) => [
      call.startChat,
      call.fetchRoomByUserAgent,
      call.listRooms,
      call.getRoom,
      call.sendMessage,
      call.sendMessage,
      call.sendMessage,
      call.listMessages,
    ]);

    faults = injectStoreFaults(0.3, { tenants: [tenant1] });
    const replies: LambdaReply[] = [];
    for (let round = 0; round < 4; round++) {
      replies.push(...(await Promise.all(mixed.map((call) => call()))));
    }
    expect(Object.values(faults.failed).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);

    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status >= 500 && status !== 503)).toEqual([]);
    for (const reply of replies.filter((reply) => reply.status === 503)) expectServiceUnavailable(reply);
    expect(statuses.filter((status) => status < 300).length / statuses.length).toBeGreaterThan(0.75);

    // Recovery: the store answers again and so does every route.
    faults.setRate(0);
    const recovered = await Promise.all(mixed.map((call) => call()));
    recovered.push(await calls[0]!.closeRoom());
    expect(recovered.map((reply) => reply.status).filter((status) => status >= 300)).toEqual([]);
  });
});
