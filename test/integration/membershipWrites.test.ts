/**
 * Membership inside the write: send, close and mark-read carry "the caller still holds their
 * slot" in the condition of the write itself, so a participant removed by a reassignment writes
 * nothing from that moment on, whatever they had read or sent before it.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as closeRoomHandler } from '../../functions/closeRoom/handler';
import { handler as markRoomReadHandler } from '../../functions/markRoomRead/handler';
import { handler as sendMessageHandler } from '../../functions/sendMessage/handler';
import { config } from '../../lib/config';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import type { RealtimeEvent } from '../../lib/realtime/events';
import * as publisher from '../../lib/realtime/publisher';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { refOfRoomId } from '../../lib/rooms/identifiers';
import { markRoomRead } from '../../lib/rooms/markRoomRead';
import { reassignParticipant } from '../../lib/rooms/reassignParticipant';
import type { Room } from '../../lib/rooms/room';
import { documentClient } from '../../lib/store/client';
import { roomKey } from '../../lib/store/keys';
import type { Actor } from '../../lib/tenancy/tenant';
import { invokeHttp, tokenOf } from '../support/lambda';
import { actor, newId, openConversation, tenant1 } from './chatFixtures';
import { partitionItems } from './cleanupFixtures';

// Every event the use cases publish is recorded (the test stack has no WebSocket endpoint).
jest.mock('../../lib/realtime/publisher', () => ({
  publishToRoom: jest.fn(async () => ({ connections: 0, sent: 0, gone: 0, failed: 0 })),
}));
const published = jest.mocked(publisher.publishToRoom);
const eventsOf = (roomId: string): RealtimeEvent[] =>
  published.mock.calls.filter(([, room]) => room._id === roomId).map(([, , event]) => event);

const admin = actor('admin', '1');

const rawRoom = async (roomId: string) =>
  (await documentClient(tenant1).send(new GetCommand({ TableName: config.chatTable, Key: roomKey(tenant1, refOfRoomId(roomId)!), ConsistentRead: true })))
    .Item;

const partitionOf = (roomId: string) => partitionItems(tenant1, refOfRoomId(roomId)!);

const errorCode = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code ?? String(error),
  );

/**
 * Hold the room writes `matches` picks until `release` resolves, as a slow network would: the
 * write then reaches the store after whatever happened meanwhile.
 */
const holdWrites = (matches: (input: Record<string, any>) => boolean, release: Promise<unknown>) => {
  const name = `hold-${Math.random()}`;
  documentClient(tenant1).middlewareStack.add(
    (next, { commandName }) =>
      async (args: any) => {
        if (commandName === 'UpdateItemCommand' && matches(args.input)) await release;
        return next(args);
      },
    { step: 'initialize', name },
  );
  return () => documentClient(tenant1).middlewareStack.remove(name);
};

/** A send's room update: it adds to the counts (whatever else its condition says). */
const isAgentSendUpdate = (input: Record<string, any>) =>
  String(input.UpdateExpression).includes('message_count') && input.ExpressionAttributeNames?.['#sent'] === 'sent_agent';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

describe('a participant removed while writing', () => {
  it('an agent reassigned while sending concurrently stores nothing after the reassignment (6 rounds of 4 sends)', async () => {
    for (let round = 0; round < 6; round++) {
      const { room, agent } = await openConversation();
      const newAgent = actor('agent', newId());
      // Every other send's room update reaches the store only after the reassignment answered;
      // the others race it as they come.
      const reassigned = deferred();
      let seen = 0;
      const stopHolding = holdWrites((input) => isAgentSendUpdate(input) && seen++ % 2 === 1, reassigned.promise);
      let atReassignment: Room;
      let outcomes: string[];
      try {
        const sends = Array.from({ length: 4 }, (_, i) =>
          errorCode(
            sendMessage(tenant1, agent, room._id, sendMessageRequest.parse({ text: `round ${round} #${i}`, ...(i % 2 === 0 && { client_message_id: `r${round}-${i}` }) })),
          ),
        );
        atReassignment = await reassignParticipant(tenant1, admin, room._id, 'agent', newAgent.userId);
        reassigned.resolve();
        outcomes = await Promise.all(sends);
      } finally {
        stopHolding();
      }

      // Every send either went in before the reassignment or was refused as a stranger's.
      expect(outcomes.every((outcome) => outcome === 'resolved' || outcome === 'ROOM_NOT_FOUND')).toBe(true);
      expect(outcomes.filter((outcome) => outcome === 'ROOM_NOT_FOUND').length).toBeGreaterThanOrEqual(2);
      const recordedBefore = atReassignment.sent_agent ?? 0;
      expect(atReassignment.agent_id).toBe(newAgent.userId);

      const items = await partitionOf(room._id);
      const messages = items.filter((item) => String(item.sk).startsWith('MSG#'));
      const fromOldAgent = messages.filter((item) => item.sender_id === agent.userId);
      // The room counted no agent message after the reassignment, and only those it counted are stored.
      const final = await rawRoom(room._id);
      expect(final?.sent_agent ?? 0).toBe(recordedBefore);
      expect(final?.agent_id).toBe(newAgent.userId);
      expect(fromOldAgent).toHaveLength(recordedBefore);
      expect(fromOldAgent).toHaveLength(outcomes.filter((outcome) => outcome === 'resolved').length);
      // No claimed client_message_id outlives a refused send.
      const markers = items.filter((item) => String(item.sk).startsWith('DEDUPE#'));
      const storedIds = new Set(fromOldAgent.map((item) => item.client_message_id).filter(Boolean));
      expect(markers.map((item) => String(item.sk).split('#').pop()).sort()).toEqual([...storedIds].sort());
      // No event shows the old agent sending in a room that names the new one.
      for (const event of eventsOf(room._id)) {
        if (event.event === 'message.created' && event.messageData.sender_id === agent.userId) {
          expect(event.roomData.agent_id).toBe(agent.userId);
        }
      }
    }
  });

  it('a removed agent gets 404 for a send, close or mark-read, and nothing of theirs is written', async () => {
    const { room, agent, customer } = await openConversation();
    const { message } = await sendMessage(tenant1, customer, room._id, sendMessageRequest.parse({ text: 'where are you?' }));
    await reassignParticipant(tenant1, admin, room._id, 'agent', newId());
    const before = await partitionOf(room._id);

    expect(await errorCode(sendMessage(tenant1, agent, room._id, sendMessageRequest.parse({ text: 'still here', client_message_id: 'late' })))).toBe(
      'ROOM_NOT_FOUND',
    );
    expect(await errorCode(sendMessage(tenant1, agent, room._id, sendMessageRequest.parse({ text: 'still here' })))).toBe('ROOM_NOT_FOUND');
    expect(await errorCode(closeRoom(tenant1, agent, room._id))).toBe('ROOM_NOT_FOUND');
    expect(await errorCode(markRoomRead(tenant1, agent, room._id, { message_id: message._id }))).toBe('ROOM_NOT_FOUND');
    // The same through the real handlers: 404 with the code a room that does not exist gets.
    const token = await tokenOf(tenant1.clientId, agent);
    const path = `/api/v1/chat/rooms/${room._id}`;
    const replies = [
      await invokeHttp(sendMessageHandler, { method: 'POST', path: `${path}/messages`, pathParameters: { _id: room._id }, body: { text: 'hello?' }, token }),
      await invokeHttp(closeRoomHandler, { method: 'POST', path: `${path}/close`, pathParameters: { _id: room._id }, token }),
      await invokeHttp(markRoomReadHandler, { method: 'POST', path: `${path}/read`, pathParameters: { _id: room._id }, body: { message_id: message._id }, token }),
    ];
    expect(replies.map((reply) => [reply.status, reply.json.code])).toEqual(Array(3).fill([404, 'ROOM_NOT_FOUND']));
    expect(await partitionOf(room._id)).toEqual(before);
  });

  it('a retry of a message stored before the removal does not come back to the removed agent', async () => {
    const { room, agent } = await openConversation();
    const request = sendMessageRequest.parse({ text: 'on my way', client_message_id: 'before-removal' });
    await sendMessage(tenant1, agent, room._id, request);
    await reassignParticipant(tenant1, admin, room._id, 'agent', newId());
    const before = await partitionOf(room._id);
    expect(await errorCode(sendMessage(tenant1, agent, room._id, request))).toBe('ROOM_NOT_FOUND');
    expect(await partitionOf(room._id)).toEqual(before);
  });

  it.each([
    ['close', (who: Actor, roomId: string) => closeRoom(tenant1, who, roomId), (input: Record<string, any>) => String(input.UpdateExpression).includes('#status = :closed')],
    ['mark-read', undefined, (input: Record<string, any>) => String(input.UpdateExpression).includes('#read')],
  ] as const)('a %s whose write reaches the store after the removal writes nothing (404)', async (_name, act, isTheWrite) => {
    const { room, agent, customer } = await openConversation();
    const { message } = await sendMessage(tenant1, customer, room._id, sendMessageRequest.parse({ text: 'ring the bell' }));
    const write = act ?? ((who: Actor, roomId: string) => markRoomRead(tenant1, who, roomId, { message_id: message._id }));
    const reassigned = deferred();
    const stopHolding = holdWrites(isTheWrite, reassigned.promise);
    let outcome: string;
    try {
      const pending = errorCode(write(agent, room._id));
      await reassignParticipant(tenant1, admin, room._id, 'agent', newId());
      const afterReassignment = await partitionOf(room._id);
      reassigned.resolve();
      outcome = await pending;
      expect(await partitionOf(room._id)).toEqual(afterReassignment);
    } finally {
      stopHolding();
    }
    expect(outcome).toBe('ROOM_NOT_FOUND');
    const stored = await rawRoom(room._id);
    expect(stored?.status).toBe(true);
    expect(stored?.read_agent).toBeUndefined();
  });

  it('a participant still seated, and an admin, write as before', async () => {
    const { room, agent, customer } = await openConversation();
    const { message } = await sendMessage(tenant1, agent, room._id, sendMessageRequest.parse({ text: 'here' }));
    await expect(markRoomRead(tenant1, customer, room._id, { message_id: message._id })).resolves.toMatchObject({ role: 'user' });
    await expect(sendMessage(tenant1, admin, room._id, sendMessageRequest.parse({ text: 'support here' }))).resolves.toMatchObject({ created: true });
    await expect(closeRoom(tenant1, admin, room._id)).resolves.toMatchObject({ status: false });
    expect((await rawRoom(room._id))?.read_user).toMatchObject({ message_id: message._id });
  });
});
