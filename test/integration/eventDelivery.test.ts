/**
 * Events at least once, with stable ids: a write whose event did not reach every connection is
 * answered 503 (when its client retries idempotently), and the retry, finding the write done,
 * delivers the same event again; a retry after a lost answer or a crash does the same. Covers a
 * send, a reopen, a close, a read and a reassignment, plus a create whose answer was lost (it keeps
 * its number).
 */
import { handler as closeRoomHandler } from '../../functions/closeRoom/handler';
import { handler as markRoomReadHandler } from '../../functions/markRoomRead/handler';
import { handler as reassignParticipantHandler } from '../../functions/reassignParticipant/handler';
import { handler as sendMessageHandler } from '../../functions/sendMessage/handler';
import { handler as startChatHandler } from '../../functions/startChat/handler';
import { logger } from '../../lib/log';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { conversationRef } from '../../lib/rooms/identifiers';
import { connectionPartition } from '../../lib/store/keys';
import type { Actor } from '../../lib/tenancy/tenant';
import { SEED_PATH } from '../../scripts/local/seedRequest';
import { invokeHttp, tokenOf } from '../support/lambda';
import { injectStoreFaults, STORE_FAULTS, type StoreFaultInjector, type StoreFaultOptions } from '../support/storeFaults';
import { newId, newOrder, openConversation, tenant1 } from './chatFixtures';
import { partitionItems } from './cleanupFixtures';
import {
  captureSockets,
  connect,
  expectEventIds,
  expectExactCounts,
  expectNumberHeld,
  publishingTo,
  rawRoom,
  retrying,
  type SocketCapture,
} from './faultFixtures';

let faults: StoreFaultInjector | undefined;
let capture: SocketCapture | undefined;
const inject = (options: Omit<StoreFaultOptions, 'tenants'>) => {
  faults = injectStoreFaults(1, { tenants: [tenant1], ...options });
  return faults;
};
afterEach(async () => {
  faults?.stop();
  faults = undefined;
  await capture?.close();
  capture = undefined;
});

/** Every attempt to look up `who`'s connections fails: the publisher cannot reach them. */
const lookupsOf = (who: Actor) => (command: string, wire: string) =>
  command === 'QueryCommand' && wire.includes(connectionPartition(tenant1, who.role, who.userId));

/** A conversation with one live connection per participant, its pushes captured, and its HTTP calls. */
const liveConversation = async () => {
  const conversation = await openConversation();
  const { room, agent, customer, base } = conversation;
  const sockets = { agent: await connect(agent), customer: await connect(customer) };
  capture = await captureSockets();
  const token = { agent: await tokenOf(tenant1.clientId, agent), customer: await tokenOf(tenant1.clientId, customer) };
  const roomPath = `/api/v1/chat/rooms/${room._id}`;
  const http = {
    send: (body: Record<string, unknown>, as: 'agent' | 'customer' = 'agent') =>
      invokeHttp(sendMessageHandler, { method: 'POST', path: `${roomPath}/messages`, pathParameters: { _id: room._id }, body, token: token[as] }),
    startChat: () => invokeHttp(startChatHandler, { method: 'POST', path: SEED_PATH, body: { ...base, user_id: agent.userId, type: 'agent-to-user' }, token: token.agent }),
    close: () => invokeHttp(closeRoomHandler, { method: 'POST', path: `${roomPath}/close`, pathParameters: { _id: room._id }, token: token.agent }),
    read: (messageId: string) =>
      invokeHttp(markRoomReadHandler, { method: 'POST', path: `${roomPath}/read`, pathParameters: { _id: room._id }, body: { message_id: messageId }, token: token.customer }),
    reassignAgent: async (userId: string) =>
      invokeHttp(reassignParticipantHandler, {
        method: 'PUT',
        path: `${roomPath}/participants/agent`,
        pathParameters: { _id: room._id, role: 'agent' },
        body: { user_id: userId },
        token: await tokenOf(tenant1.clientId, { role: 'admin', userId: '1' }),
      }),
  };
  const heard = (socket: 'agent' | 'customer', event: string) => capture!.framesOf(sockets[socket]).filter((frame) => frame.event === event);
  return { ...conversation, sockets, http, heard };
};

describe('message.created', () => {
  it('not delivered to every connection: 503 with Retry-After; the retry finds the message stored and delivers it, same id', async () => {
    const { http, heard, customer, room } = await liveConversation();
    await publishingTo(capture!, async () => {
      inject({ when: lookupsOf(customer) });
      const first = await http.send({ text: 'are you there?', client_message_id: 'cm-undelivered' });
      expect([first.status, first.json.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect(first.headers['Retry-After']).toBe('1');
      faults!.stop();

      const retried = await http.send({ text: 'are you there?', client_message_id: 'cm-undelivered' });
      expect(retried.status).toBe(201);
      const id = retried.json.messageData._id;
      expect(heard('customer', 'message.created').map((frame) => frame.event_id)).toEqual([`message.created:${id}`]);
      // The agent's connection heard both publications: the same event twice, one id to drop.
      expect(heard('agent', 'message.created').map((frame) => frame.event_id)).toEqual([`message.created:${id}`, `message.created:${id}`]);
    });
    expect(await expectExactCounts(room._id)).toHaveLength(1);
    expectEventIds(capture!);
  });

  it('after an attempt that died once its message was stored: the retry delivers it', async () => {
    const { http, heard } = await liveConversation();
    await publishingTo(capture!, async () => {
      inject({ when: (command, wire) => command === 'PutItemCommand' && wire.includes('"S":"MSG#'), afterApplied: true, fault: STORE_FAULTS.crash, limit: 1 });
      const outcome = await retrying(() => http.send({ text: 'hello', client_message_id: 'cm-died' }));
      expect(outcome.statuses).toEqual([500, 201]);
      expect(heard('customer', 'message.created').map((frame) => frame.event_id)).toEqual([`message.created:${outcome.reply.json.messageData._id}`]);
    });
  });

  it('without a client_message_id (no safe retry): 201, and the undelivered event is logged, not dropped in silence', async () => {
    const { http, customer } = await liveConversation();
    const warnings = jest.spyOn(logger, 'warn');
    try {
      await publishingTo(capture!, async () => {
        inject({ when: lookupsOf(customer) });
        const sent = await http.send({ text: 'fire and forget' });
        expect(sent.status).toBe(201);
        expect(warnings).toHaveBeenCalledWith(
          expect.stringContaining('Event not delivered'),
          expect.objectContaining({ event_id: `message.created:${sent.json.messageData._id}`, report: expect.objectContaining({ failed: 1, complete: false }) }),
        );
      });
    } finally {
      warnings.mockRestore();
    }
  });
});

describe('room.opened', () => {
  const TOUCH = (command: string, wire: string) => command === 'UpdateItemCommand' && wire.includes('"conversation"');

  it('of a reopen whose every answer was lost: told by the retry, named by the reopen; a later touch is no news', async () => {
    const { http, heard, room, customer } = await liveConversation();
    await closeRoom(tenant1, customer, room._id);
    await publishingTo(capture!, async () => {
      inject({ when: TOUCH, afterApplied: true, fault: STORE_FAULTS.timeout });
      expect((await http.startChat()).status).toBe(503);
      const reopenedAt = String((await rawRoom(room._id)).updated_date);
      faults!.stop();

      expect((await http.startChat()).status).toBe(200);
      expect(heard('customer', 'room.opened').map((frame) => frame.event_id)).toEqual([`room.opened:${room._id}:${reopenedAt}`]);
      expect((await http.startChat()).status).toBe(200);
      expect(heard('customer', 'room.opened')).toHaveLength(1);
    });
    expect((await rawRoom(room._id)).reopened_at).toBe('');
  });

  it('not delivered: 503, the reopen stays pending, and the retry tells it with the same id', async () => {
    const { http, heard, room, customer } = await liveConversation();
    await closeRoom(tenant1, customer, room._id);
    await publishingTo(capture!, async () => {
      inject({ when: lookupsOf(customer) });
      expect((await http.startChat()).status).toBe(503);
      const pending = (await rawRoom(room._id)).reopened_at;
      expect(pending).toEqual(expect.any(String));
      faults!.stop();

      expect((await http.startChat()).status).toBe(200);
      expect(heard('customer', 'room.opened').map((frame) => frame.event_id)).toEqual([`room.opened:${room._id}:${pending}`]);
      expect(heard('agent', 'room.opened').map((frame) => frame.event_id)).toEqual([`room.opened:${room._id}:${pending}`, `room.opened:${room._id}:${pending}`]);
    });
  });
});

describe('room.closed and room.read', () => {
  it('a close not delivered: 503; the retry tells the close that closed the room', async () => {
    const { http, heard, room, customer } = await liveConversation();
    await publishingTo(capture!, async () => {
      inject({ when: lookupsOf(customer) });
      expect((await http.close()).status).toBe(503);
      const closedAt = (await rawRoom(room._id)).closed_at;
      faults!.stop();
      const retried = await http.close();
      expect(retried.status).toBe(200);
      expect(retried.json.roomData.updated_date > closedAt).toBe(true);
      expect(heard('customer', 'room.closed').map((frame) => frame.event_id)).toEqual([`room.closed:${room._id}:${closedAt}`]);
    });
  });

  it('a read whose every answer was lost: the retry tells it, and the unread count is what follows the cursor', async () => {
    const { http, heard, room } = await liveConversation();
    await publishingTo(capture!, async () => {
      const ids = [];
      for (const text of ['one', 'two', 'three']) ids.push((await http.send({ text, client_message_id: `cm-${text}` })).json.messageData._id);
      inject({ when: (command, wire) => command === 'UpdateItemCommand' && wire.includes('"read_user"'), afterApplied: true, fault: STORE_FAULTS.serverError });
      expect((await http.read(ids[1])).status).toBe(503);
      faults!.stop();
      const retried = await http.read(ids[1]);
      expect(retried.json.roomData).toMatchObject({ unread_count: 1, last_read_message_id: ids[1] });
      expect(heard('agent', 'room.read').map((frame) => frame.event_id)).toEqual([`room.read:${room._id}:user:${room.order_user_id}:${ids[1]}`]);
    });
    expectEventIds(capture!);
  });
});

describe('participant.reassigned', () => {
  const REASSIGN = (command: string, wire: string) => command === 'UpdateItemCommand' && wire.includes('"#participant"');

  it('not delivered: 503; the retry finds the slot already the new holder\'s, writes nothing and tells the same id; the previous holder hears nothing', async () => {
    const { http, heard, room, customer } = await liveConversation();
    const next = { role: 'agent' as const, userId: newId() };
    const nextSocket = await connect(next);
    await publishingTo(capture!, async () => {
      inject({ when: lookupsOf(customer) });
      expect((await http.reassignAgent(next.userId)).status).toBe(503);
      faults!.stop();
      const reassignedAt = (await rawRoom(room._id)).p_agent.created_date;
      const retried = await http.reassignAgent(next.userId);
      expect(retried.status).toBe(200);
      expect(retried.json.roomData.agent_id).toBe(next.userId);
      // The retry wrote nothing: the seat is the one the first attempt made.
      expect((await rawRoom(room._id)).p_agent.created_date).toBe(reassignedAt);

      const id = `participant.reassigned:${room._id}:agent:${next.userId}:${reassignedAt}`;
      expect(heard('customer', 'participant.reassigned').map((frame) => frame.event_id)).toEqual([id]);
      // The new holder's connection heard both publications.
      expect(capture!.framesOf(nextSocket).map((frame) => frame.event_id)).toEqual([id, id]);
      expect(capture!.framesOf(nextSocket)[0]).toMatchObject({ participant: { user_type: 'agent', user_id: next.userId }, reassigned_date: reassignedAt });
      expect(heard('agent', 'participant.reassigned')).toEqual([]);
    });
    expectEventIds(capture!);
  });

  it('a reassignment whose every answer was lost: the retry tells it, named by the write that made it', async () => {
    const { http, heard, room } = await liveConversation();
    const next = { role: 'agent' as const, userId: newId() };
    await publishingTo(capture!, async () => {
      inject({ when: REASSIGN, afterApplied: true, fault: STORE_FAULTS.serverError });
      expect((await http.reassignAgent(next.userId)).status).toBe(503);
      faults!.stop();
      const reassignedAt = (await rawRoom(room._id)).p_agent.created_date;
      expect(heard('customer', 'participant.reassigned')).toEqual([]);

      expect((await http.reassignAgent(next.userId)).status).toBe(200);
      expect(heard('customer', 'participant.reassigned').map((frame) => frame.event_id)).toEqual([
        `participant.reassigned:${room._id}:agent:${next.userId}:${reassignedAt}`,
      ]);
    });
  });
});

describe('a create whose answer was lost', () => {
  const ROOM_CREATE = (command: string, wire: string) => command === 'PutItemCommand' && wire.includes('"sk":{"S":"ROOM"}');

  it.each([
    ['once (the SDK retried it)', 1, [200]],
    ['on every attempt (the client retried it)', 3, [503, 200]],
  ])('%s keeps the number its room carries', async (_case, lost, statuses) => {
    const agent = { role: 'agent' as const, userId: newId() };
    const token = await tokenOf(tenant1.clientId, agent);
    const body = { ...newOrder(), user_id: agent.userId, type: 'agent-to-user' };
    inject({ when: ROOM_CREATE, afterApplied: true, fault: STORE_FAULTS.serverError, limit: lost });
    const outcome = await retrying(() => invokeHttp(startChatHandler, { method: 'POST', path: SEED_PATH, body, token }));
    expect(outcome.statuses).toEqual(statuses);
    expect(outcome.retryAfters.every((value) => value === '1')).toBe(true);
    const room = outcome.reply.json.roomData;
    await expectNumberHeld(room);
    const ref = conversationRef(tenant1.clientId, `${body.order_id}#${body.order_vendor_id}#agent_to_user`);
    expect((await partitionItems(tenant1, ref)).map((item) => item.sk)).toEqual(['ROOM']);
  });
});
