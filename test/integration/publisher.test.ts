/**
 * The publisher against the real local store and API Gateway's management API on a loopback
 * port: what it retries, what it reports, and how it ends connections whose token expired.
 */
import { isAppError } from '../../lib/errors';
import { logger } from '../../lib/log';
import type { Message } from '../../lib/messages/message';
import { messageCreated } from '../../lib/realtime/events';
import { PUBLISH_ROUNDS, publishToRoom, undeliveredEvent } from '../../lib/realtime/publisher';
import type { Room } from '../../lib/rooms/room';
import { STORE_MAX_ATTEMPTS } from '../../lib/store/client';
import { putConnection, queryConnections } from '../../lib/store/connections';
import { connectionPartition } from '../../lib/store/keys';
import type { Role } from '../../lib/tenancy/tenant';
import { withEnv } from '../support/env';
import { newId } from '../support/ids';
import { exampleRoom } from '../support/rooms';
import { loopbackAws, type LoopbackAnswer, type ReceivedRequest } from '../support/loopbackAws';
import { injectStoreFaults, STORE_FAULTS, type StoreFaultInjector } from '../support/storeFaults';

const tenant = { clientId: '1' };
const NOW = new Date();
const nowSeconds = Math.floor(NOW.getTime() / 1000);

const roomOf = (agentId: string, userId: string): Room =>
  exampleRoom({
    _id: `room-${newId()}`,
    room_id: newId(),
    agent_id: agentId,
    order_user_id: userId,
    // Only who holds each slot matters to a publication.
    participants: { agent: { user_id: agentId }, user: { user_id: userId } } as unknown as Room['participants'],
    created_date: NOW.toISOString(),
    updated_date: NOW.toISOString(),
  });

const message = (room: Room): Message =>
  ({ _id: `msg-${newId()}`, room_id: room._id, text: 'hi', sender_id: room.agent_id, sender_type: 'agent', created_date: NOW.toISOString() }) as unknown as Message;

/** A stored connection of one person; `expiresAt` defaults to an hour ahead. */
const connected = async (role: Role, userId: string, expiresAt = nowSeconds + 3600): Promise<string> => {
  const connectionId = `c-${newId()}`;
  await putConnection(tenant, { connectionId, role, userId, connectedAt: NOW.toISOString(), expiresAt });
  return connectionId;
};

/** A conversation of two people, each with one connection, and its first message's event. */
const conversation = async () => {
  const [agentId, userId] = [newId(), newId()];
  const room = roomOf(agentId, userId);
  const agentConnection = await connected('agent', agentId);
  const userConnection = await connected('user', userId);
  return { agentId, userId, room, agentConnection, userConnection, event: messageCreated(room, message(room)) };
};

/** The management API on loopback: `answer` per request (by connection and how often it was met). */
const managementApi = async (answer: (connectionId: string, method: string, seen: number) => LoopbackAnswer = () => ({ status: 200 })) => {
  const seen = new Map<string, number>();
  return loopbackAws((request: ReceivedRequest) => {
    const connectionId = decodeURIComponent(request.url.split('/@connections/')[1]!);
    const key = `${request.method} ${connectionId}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    return answer(connectionId, request.method, seen.get(key)!);
  });
};

const calls = (received: ReceivedRequest[], method: string, connectionId: string) =>
  received.filter((request) => request.method === method && request.url === `/@connections/${encodeURIComponent(connectionId)}`).length;

let api: Awaited<ReturnType<typeof managementApi>> | undefined;
let faults: StoreFaultInjector | undefined;
let warnings: jest.SpyInstance;
beforeEach(() => {
  warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
});
afterEach(async () => {
  warnings.mockRestore();
  faults?.stop();
  faults = undefined;
  await api?.close();
  api = undefined;
});

const publish = (room: Room, event: ReturnType<typeof messageCreated>, retryUntil?: number) =>
  withEnv({ WEBSOCKET_ENDPOINT: api!.url }, () => publishToRoom(tenant, room, event, { now: NOW, ...(retryUntil !== undefined && { retryUntil }) }));

/** Fail every Query of one person's connections (all of the store client's attempts) `times` times, then let them through. */
const failLookups = (role: Role, userId: string, times = Number.POSITIVE_INFINITY) => {
  const partition = connectionPartition(tenant, role, userId);
  let failed = 0;
  faults = injectStoreFaults(1, {
    tenants: [tenant],
    fault: STORE_FAULTS.serverError,
    when: (command, request) => command === 'QueryCommand' && request.includes(partition) && failed++ < times,
  });
  return { attempts: () => failed };
};

describe('publishing an event', () => {
  it('pushes the event, with its id, to every connection of every participant', async () => {
    const { room, event, agentConnection, userConnection } = await conversation();
    api = await managementApi(() => ({ status: 204 }));
    expect(await publish(room, event)).toEqual({ connections: 2, delivered: 2, gone: 0, expired: 0, failed: 0, complete: true, reached: ['agent', 'user'] });
    for (const connectionId of [agentConnection, userConnection]) expect(calls(api.received, 'POST', connectionId)).toBe(1);
    expect(JSON.parse(api.received[0]!.body)).toMatchObject({ event: 'message.created', event_id: event.event_id });
  });

  it('tries a lookup that failed all of the store client\'s attempts again, and then delivers', async () => {
    const { room, event, userId, userConnection } = await conversation();
    api = await managementApi();
    const lookups = failLookups('user', userId, STORE_MAX_ATTEMPTS);
    expect(await publish(room, event)).toMatchObject({ delivered: 2, failed: 0, complete: true });
    // Every attempt of the first round's lookup failed; the second round's first got through.
    expect(lookups.attempts()).toBe(STORE_MAX_ATTEMPTS + 1);
    expect(calls(api.received, 'POST', userConnection)).toBe(1);
  });

  it('reports a lookup that keeps failing (never swallows it), after PUBLISH_ROUNDS rounds, and still reaches everyone else', async () => {
    const { room, event, userId, agentConnection } = await conversation();
    api = await managementApi();
    const lookups = failLookups('user', userId);
    const report = await publish(room, event, Date.now() + 60_000);
    expect(report).toEqual({ connections: 1, delivered: 1, gone: 0, expired: 0, failed: 1, complete: false, reached: ['agent'] });
    expect(lookups.attempts()).toBe(STORE_MAX_ATTEMPTS * PUBLISH_ROUNDS);
    expect(calls(api.received, 'POST', agentConnection)).toBe(1);
    expect(warnings).toHaveBeenCalledWith('Could not look up connections', expect.objectContaining({ event_id: event.event_id, role: 'user' }));

    const error = undeliveredEvent(report, event);
    expect(isAppError(error) && [error.status, error.code, error.retryAfterSeconds]).toEqual([503, 'SERVICE_UNAVAILABLE', 1]);
  });

  it('retries nothing once the caller\'s time is up', async () => {
    const { room, event, userId } = await conversation();
    api = await managementApi();
    const lookups = failLookups('user', userId);
    expect(await publish(room, event, Date.now())).toMatchObject({ delivered: 1, failed: 1, complete: false });
    expect(lookups.attempts()).toBe(STORE_MAX_ATTEMPTS);
  });

  it('tries a push that failed its three attempts again in the next round; a refusal is reported at once', async () => {
    const { room, event, agentConnection, userConnection } = await conversation();
    api = await managementApi((connectionId, _method, seen) => {
      if (connectionId === userConnection) return seen <= 3 ? { status: 500 } : { status: 200 };
      return { status: 403, headers: { 'x-amzn-errortype': 'ForbiddenException' } };
    });
    expect(await publish(room, event, Date.now() + 60_000)).toEqual({ connections: 2, delivered: 1, gone: 0, expired: 0, failed: 1, complete: false, reached: ['user'] });
    expect(calls(api.received, 'POST', userConnection)).toBe(4);
    expect(calls(api.received, 'POST', agentConnection)).toBe(1);
    expect(warnings).toHaveBeenCalledWith('Could not push an event', expect.objectContaining({ event_id: event.event_id, connectionId: agentConnection }));
  });

  it('forgets a connection API Gateway no longer knows (410)', async () => {
    const { room, event, userId, userConnection } = await conversation();
    api = await managementApi((connectionId) => ({ status: connectionId === userConnection ? 410 : 200 }));
    expect(await publish(room, event)).toMatchObject({ connections: 2, delivered: 1, gone: 1, failed: 0, complete: true });
    expect(await queryConnections(tenant, 'user', userId)).toEqual([]);
  });
});

describe('a connection whose token expired', () => {
  it('is sent nothing, closed (DELETE) and forgotten', async () => {
    const { room, event, userId, userConnection, agentConnection } = await conversation();
    const expired = await connected('user', userId, nowSeconds);
    api = await managementApi((_connectionId, method) => ({ status: method === 'DELETE' ? 204 : 200 }));
    expect(await publish(room, event)).toEqual({ connections: 3, delivered: 2, gone: 0, expired: 1, failed: 0, complete: true, reached: ['agent', 'user'] });
    expect(calls(api.received, 'POST', expired)).toBe(0);
    expect(calls(api.received, 'DELETE', expired)).toBe(1);
    expect([calls(api.received, 'DELETE', userConnection), calls(api.received, 'DELETE', agentConnection)]).toEqual([0, 0]);
    expect((await queryConnections(tenant, 'user', userId)).map((connection) => connection.connectionId)).toEqual([userConnection]);
  });

  it('keeps its record when the close fails, so the next publication closes it', async () => {
    const { room, event, userId } = await conversation();
    const expired = await connected('user', userId, nowSeconds - 60);
    let refuse = true;
    api = await managementApi((_connectionId, method) => ({ status: method === 'DELETE' && refuse ? 403 : method === 'DELETE' ? 410 : 200 }));
    expect(await publish(room, event)).toMatchObject({ expired: 1, complete: true });
    expect((await queryConnections(tenant, 'user', userId)).map((connection) => connection.connectionId)).toContain(expired);
    refuse = false;
    expect(await publish(room, event)).toMatchObject({ expired: 1, complete: true });
    expect((await queryConnections(tenant, 'user', userId)).map((connection) => connection.connectionId)).not.toContain(expired);
    expect(calls(api.received, 'POST', expired)).toBe(0);
  });
});
