/**
 * Fixtures for the fault-injection tests (not a test file itself): live connections whose pushes
 * are captured on a loopback management API, a client that retries as the README tells it, and
 * the invariants every run must leave: counts equal to the stored messages, read marks that count
 * each message once, number reservations held, every message's event at every connection.
 */
import type { Message } from '../../lib/messages/message';
import type { RealtimeEvent } from '../../lib/realtime/events';
import { PARTICIPANT_ROLES } from '../../lib/rooms/chatType';
import { refOfRoomId } from '../../lib/rooms/identifiers';
import type { Room } from '../../lib/rooms/room';
import { putConnection } from '../../lib/store/connections';
import { MESSAGE_SK_PREFIX, roomKey, roomNumberKey } from '../../lib/store/keys';
import { orderNumberOwner } from '../../lib/store/roomNumbers';
import { ROLES, type Actor } from '../../lib/tenancy/tenant';
import { withEnv } from '../support/env';
import type { LambdaReply } from '../support/lambda';
import { loopbackAws, type LoopbackAnswer } from '../support/loopbackAws';
import { InstanceKilled } from '../support/storeFaults';
import { newId, tenant1 } from './chatFixtures';
import { getItem, partitionItems } from './cleanupFixtures';

export interface SocketCapture {
  url: string;
  /** Every frame pushed to `connectionId` and accepted, in order. */
  framesOf(connectionId: string): RealtimeEvent[];
  /** Every accepted frame. */
  all(): RealtimeEvent[];
  close(): Promise<void>;
}

/**
 * API Gateway's management API on loopback: `answer` decides each push (by connection and how
 * many pushes it has met); frames are captured only when the answer is a success.
 */
export const captureSockets = async (answer: (connectionId: string, seen: number) => LoopbackAnswer = () => ({ status: 200 })): Promise<SocketCapture> => {
  const frames = new Map<string, RealtimeEvent[]>();
  const seen = new Map<string, number>();
  const api = await loopbackAws((request) => {
    const connectionId = decodeURIComponent(request.url.split('/@connections/')[1]!);
    if (request.method !== 'POST') return { status: 204 };
    seen.set(connectionId, (seen.get(connectionId) ?? 0) + 1);
    const reply = answer(connectionId, seen.get(connectionId)!);
    if (reply.status < 300) frames.set(connectionId, [...(frames.get(connectionId) ?? []), JSON.parse(request.body) as RealtimeEvent]);
    return reply;
  });
  return {
    url: api.url,
    framesOf: (connectionId) => frames.get(connectionId) ?? [],
    all: () => [...frames.values()].flat(),
    close: api.close,
  };
};

/** Run `body` with the functions publishing to `capture`. */
export const publishingTo = <T>(capture: SocketCapture, body: () => Promise<T>): Promise<T> => withEnv({ WEBSOCKET_ENDPOINT: capture.url }, body);

/** A live connection of `actor`, as $connect stores it. */
export const connect = async (actor: Actor): Promise<string> => {
  const connectionId = `conn-${newId()}`;
  const now = new Date();
  await putConnection(tenant1, { connectionId, role: actor.role, userId: actor.userId, connectedAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + 3600 });
  return connectionId;
};

export interface RetriedCall {
  /** The answer the client settled on. */
  reply: LambdaReply;
  /** Every answer it got, in order: a thrown call (the instance killed under it) as status 0. */
  statuses: number[];
  /** The 503s and 429s, each with its Retry-After. */
  retryAfters: Array<string | undefined>;
}

/**
 * A client as the README tells it to behave: the same request again (same `client_message_id`)
 * on 503, 429, any other 5xx and a connection that died (here: the handler never answered), until
 * another answer comes. Retry-After is noted, not waited for: the store double's faults do not
 * heal with time.
 */
export const retrying = async (call: () => Promise<LambdaReply>, maxAttempts = 15): Promise<RetriedCall> => {
  const statuses: number[] = [];
  const retryAfters: Array<string | undefined> = [];
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    let reply: LambdaReply;
    try {
      reply = await call();
    } catch (error) {
      if (!(error instanceof InstanceKilled)) throw error;
      statuses.push(0);
      continue;
    }
    statuses.push(reply.status);
    if (reply.status === 503 || reply.status === 429) retryAfters.push(reply.headers['Retry-After']);
    if (reply.status < 500 && reply.status !== 429) return { reply, statuses, retryAfters };
  }
  throw new Error(`no final answer after ${maxAttempts} attempts: ${statuses.join(', ')}`);
};

export type StoredMessage = Message & { read_marks: Record<string, number> };

export const rawRoom = async (roomId: string): Promise<Record<string, any>> => (await getItem(tenant1, roomKey(tenant1, refOfRoomId(roomId)!)))!;

/** The messages stored for the room incarnation `roomId`, oldest first. */
export const storedMessages = async (roomId: string): Promise<StoredMessage[]> =>
  (await partitionItems(tenant1, refOfRoomId(roomId)!))
    .filter((item) => String(item.sk).startsWith(MESSAGE_SK_PREFIX) && item.room === roomId)
    .map((item) => item as unknown as StoredMessage);

/**
 * Counts equal to the stored messages (`message_count`, `sent_<role>`), and read marks that count
 * each message once: for every reader role, the marks of the messages from others are exactly
 * 1…n, so each message saw the ones recorded before it and no message was counted twice or not
 * at all. Returns the stored messages.
 */
export const expectExactCounts = async (roomId: string): Promise<StoredMessage[]> => {
  const room = await rawRoom(roomId);
  const messages = await storedMessages(roomId);
  const counts = Object.fromEntries(['message_count', ...ROLES.map((role) => `sent_${role}`)].map((name) => [name, Number(room[name] ?? 0)]));
  const expected = Object.fromEntries([
    ['message_count', messages.length],
    ...ROLES.map((role) => [`sent_${role}`, messages.filter((message) => message.sender_type === role).length]),
  ]);
  expect({ roomId, ...counts }).toEqual({ roomId, ...expected });
  for (const role of PARTICIPANT_ROLES) {
    const marks = messages.filter((message) => message.sender_type !== role).map((message) => message.read_marks[role]);
    expect({ role, marks: [...marks].sort((a, b) => a! - b!) }).toEqual({ role, marks: marks.map((_, index) => index + 1) });
  }
  return messages;
};

/** The room's number is reserved, by the room (a generated number) or by its order. */
export const expectNumberHeld = async (room: Pick<Room, '_id' | 'room_id' | 'order_id'>): Promise<void> => {
  const reservation = await getItem(tenant1, roomNumberKey(tenant1, room.room_id));
  expect({ room_id: room.room_id, owner: reservation?.room }).toEqual({
    room_id: room.room_id,
    owner: room.room_id.startsWith('0') ? room._id : orderNumberOwner(room.order_id),
  });
};

/** Every stored message's `message.created` reached every one of `connections` at least once. */
export const expectEveryMessageDelivered = (capture: SocketCapture, messages: Message[], connections: string[]): void => {
  for (const connectionId of connections) {
    const heard = new Set(capture.framesOf(connectionId).map((frame) => frame.event_id));
    const missing = messages.filter((message) => !heard.has(`message.created:${message._id}`)).map((message) => message._id);
    expect({ connectionId, missing }).toEqual({ connectionId, missing: [] });
  }
};

/** Every frame names the fact it reports: `<event>:` followed by that fact's ids. */
export const expectEventIds = (capture: SocketCapture): void => {
  for (const frame of capture.all()) expect(frame.event_id).toMatch(new RegExp(`^${frame.event.replace('.', '\\.')}:\\S+$`));
};
