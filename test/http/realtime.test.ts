import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { decodeJwt } from 'jose';
import { config } from '../../lib/config';
import { documentClient } from '../../lib/store/client';
import { putConnection, queryConnections } from '../../lib/store/connections';
import { connectionKey, type TenantKeyScope } from '../../lib/store/keys';
import type { Role } from '../../lib/tenancy/tenant';
import { loadServerlessConfig } from '../../scripts/local/serverlessConfig';
import { api, newId, openConversation, person, TENANT_1, TENANT_2 } from './chatApi';
import { tokenFor } from '../support/api';
import { connect, isRefusal, open, type SocketClient } from '../support/socket';

const send = (token: string, roomId: string, text: string) => api('POST', `/api/v1/chat/rooms/${roomId}/messages`, token, { text });
const isMessage = (roomId: string) => (frame: any) => frame.event === 'message.created' && frame.roomData._id === roomId;
/** The connection ids of a person whose records have not expired by `nowSeconds`. */
const liveConnectionIds = async (tenant: TenantKeyScope, role: Role, userId: string, nowSeconds: number) =>
  (await queryConnections(tenant, role, userId)).filter((connection) => connection.expiresAt > nowSeconds).map((connection) => connection.connectionId);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const sockets: SocketClient[] = [];
const track = async (token: string) => {
  const client = await open(token);
  sockets.push(client);
  return client;
};
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((client) => client.close()));
});

describe('realtime over WebSocket', () => {
  it('delivers each message to every connection of both participants, and nothing to anyone else', async () => {
    const { roomId, agent, customer } = await openConversation();
    const stranger = await person(1, 'user');
    // Same user id and role as the customer, in another tenant: must hear nothing of tenant 1.
    const twin = { id: customer.id, token: await tokenFor(2, customer.id, 'user') };
    const agentPhone = await track(agent.token);
    const agentLaptop = await track(agent.token);
    const customerPhone = await track(customer.token);
    const strangerPhone = await track(stranger.token);
    const twinPhone = await track(twin.token);
    // The twin has a room of its own in tenant 2, so it is a participant somewhere.
    const twinAgent = await person(2, 'agent');
    const twinRoom = await api('POST', '/api/v1/chat/startChat', twinAgent.token, {
      ...TENANT_2, user_id: twinAgent.id, order_user_id: twin.id, type: 'agent-to-user', order_vendor_id: 2, vendor_id: 3, order_id: Number(newId()),
    });
    expect(twinRoom.status).toBe(200);

    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const reply = await send(i % 2 ? agent.token : customer.token, roomId, `message ${i}`);
      expect(reply.status).toBe(201);
      sent.push(reply.body.messageData._id);
    }
    for (const client of [agentPhone, agentLaptop, customerPhone]) {
      const frames = await client.waitForCount(isMessage(roomId), 20);
      expect(frames.map((frame) => frame.messageData._id)).toEqual(sent);
      expect(frames.map((frame) => frame.event_id)).toEqual(sent.map((id) => `message.created:${id}`));
      expect(frames[0]).toEqual({
        event: 'message.created',
        event_id: `message.created:${sent[0]}`,
        roomData: expect.objectContaining({ _id: roomId, status: true }),
        messageData: expect.objectContaining({ _id: sent[0], room_id: roomId, text: 'message 0', sender_id: customer.id, sender_type: 'user' }),
      });
    }
    // A ping answered after the messages proves every earlier frame had its chance to arrive.
    for (const client of [strangerPhone, twinPhone]) {
      client.send({ action: 'ping' });
      await client.waitFor((frame) => frame.event === 'pong');
      expect(client.frames).toEqual([{ event: 'pong' }]);
    }
  });

  it('answers ping with pong and an unknown action with an error naming the field', async () => {
    const { agent } = await openConversation();
    const client = await track(agent.token);
    client.send({ action: 'ping' });
    expect(await client.waitFor((frame) => frame.event === 'pong')).toEqual({ event: 'pong' });
    client.send({ action: 'subscribe' });
    expect(await client.waitFor((frame) => frame.event === 'error')).toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ path: 'action' }] });
  });

  it('accepts the token in an Authorization header too', async () => {
    const { roomId, agent } = await openConversation();
    const client = await connect({ header: `Bearer ${agent.token}` });
    if (isRefusal(client)) throw new Error(`refused: ${client.status}`);
    sockets.push(client);
    expect((await send(agent.token, roomId, 'hello')).status).toBe(201);
    await client.waitFor(isMessage(roomId));
  });

  it('refuses missing, forged, expired and suspended-tenant tokens at the upgrade, storing nothing', async () => {
    const userId = newId();
    const valid = await tokenFor(1, userId, 'agent');
    const [header, payload] = valid.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    const cases: [string, Promise<unknown>, number][] = [
      ['missing', connect(), 401],
      ['garbage', connect({ token: 'not-a-jwt' }), 401],
      ['forged', connect({ token: forged }), 401],
      ['expired', connect({ token: await tokenFor(1, userId, 'agent', -60) }), 401],
      ['suspended tenant', connect({ token: await tokenFor(3, userId, 'agent') }), 403],
    ];
    for (const [name, attempt, status] of cases) {
      expect([name, await attempt]).toEqual([name, { refused: true, status }]);
    }
    expect(await liveConnectionIds({ clientId: '1' }, 'agent', userId, 0)).toEqual([]);
    expect(await liveConnectionIds({ clientId: '3' }, 'agent', userId, 0)).toEqual([]);
  });

  it('tells both participants that a room closed', async () => {
    const { roomId, agent, customer } = await openConversation();
    const customerPhone = await track(customer.token);
    const closed = await api('POST', `/api/v1/chat/rooms/${roomId}/close`, agent.token);
    expect(closed.status).toBe(200);
    const frame = await customerPhone.waitFor((candidate) => candidate.event === 'room.closed');
    expect(frame).toEqual({
      event: 'room.closed',
      event_id: `room.closed:${roomId}:${closed.body.roomData.updated_date}`,
      roomData: expect.objectContaining({ _id: roomId, status: false }),
    });
  });

  it('forgets a connection dropped without $disconnect when the next event meets it', async () => {
    const { roomId, agent, customer } = await openConversation();
    const tenant = { clientId: TENANT_1.client_id.toString() };
    // A connection API Gateway no longer knows (the $disconnect never ran): its push answers 410.
    const now = Math.floor(Date.now() / 1000);
    await putConnection(tenant, { connectionId: `dropped-${newId()}`, role: 'user', userId: customer.id, connectedAt: new Date().toISOString(), expiresAt: now + 3600 });
    const live = await track(customer.token);
    expect(await liveConnectionIds(tenant, 'user', customer.id, now)).toHaveLength(2);

    expect((await send(agent.token, roomId, 'are you there?')).status).toBe(201);
    await live.waitFor(isMessage(roomId));
    expect(await liveConnectionIds(tenant, 'user', customer.id, now)).toHaveLength(1);
  });

  it('deletes the connection on $disconnect', async () => {
    const { customer } = await openConversation();
    const tenant = { clientId: '1' };
    const client = await open(customer.token);
    expect(await liveConnectionIds(tenant, 'user', customer.id, 0)).toHaveLength(1);
    await client.close();
    const deadline = Date.now() + 10_000;
    while ((await liveConnectionIds(tenant, 'user', customer.id, 0)).length > 0) {
      if (Date.now() > deadline) throw new Error('connection still stored 10 s after close');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('follows membership: after a slot changes hands, the new holder hears the room and the old one does not', async () => {
    const { roomId, agent, customer } = await openConversation();
    const successor = await person(1, 'user');
    const [before, after, agentPhone] = [await track(customer.token), await track(successor.token), await track(agent.token)];
    const admin = await tokenFor(1, newId(), 'admin');
    const path = `/api/v1/chat/rooms/${roomId}/participants/user`;
    const moved = await api('PUT', path, admin, { user_id: successor.id });
    expect(moved.status).toBe(200);
    // participant.reassigned reaches the room as it is now: the new holder and the agent.
    const reassignedAt = moved.body.roomData.updated_date;
    const told = {
      event: 'participant.reassigned',
      event_id: `participant.reassigned:${roomId}:user:${successor.id}:${reassignedAt}`,
      roomData: expect.objectContaining({ _id: roomId, order_user_id: successor.id }),
      participant: { user_type: 'user', user_id: successor.id },
      reassigned_date: reassignedAt,
    };
    for (const client of [after, agentPhone]) expect(await client.waitFor((frame) => frame.event === 'participant.reassigned')).toEqual(told);
    // A retry finds the slot already theirs: the same event again, with the same id.
    expect((await api('PUT', path, admin, { user_id: successor.id })).status).toBe(200);
    expect((await after.waitForCount((frame) => frame.event === 'participant.reassigned', 2)).map((frame) => frame.event_id)).toEqual([told.event_id, told.event_id]);

    expect((await send(agent.token, roomId, 'who is there now?')).status).toBe(201);
    await after.waitFor(isMessage(roomId));
    before.send({ action: 'ping' });
    await before.waitFor((frame) => frame.event === 'pong');
    // The previous holder lost the room: not told of the reassignment, nor of anything after it.
    expect(before.frames.filter((frame) => frame.event === 'participant.reassigned' || isMessage(roomId)(frame))).toEqual([]);
  });

  it('tells both participants that a room reopened when startChat touches a closed room', async () => {
    const { roomId, agent, customer, order } = await openConversation();
    const customerPhone = await track(customer.token);
    expect((await api('POST', `/api/v1/chat/rooms/${roomId}/close`, agent.token)).status).toBe(200);
    const again = await api('POST', '/api/v1/chat/startChat', agent.token, { ...order, user_id: agent.id, type: 'agent-to-user' });
    expect(again.status).toBe(200);
    const frame = await customerPhone.waitFor((candidate) => candidate.event === 'room.opened');
    expect(frame).toEqual({
      event: 'room.opened',
      event_id: `room.opened:${roomId}:${again.body.roomData.updated_date}`,
      roomData: expect.objectContaining({ _id: roomId, status: true }),
    });
    // A touch of an open room is no news.
    expect((await api('POST', '/api/v1/chat/startChat', agent.token, { ...order, user_id: agent.id, type: 'agent-to-user' })).status).toBe(200);
    customerPhone.send({ action: 'ping' });
    await customerPhone.waitFor((candidate) => candidate.event === 'pong');
    expect(customerPhone.frames.filter((candidate) => candidate.event === 'room.opened')).toHaveLength(1);
  });
});

describe('token expiry', () => {
  /** The TTL attribute as serverless.yml gives it to every function. */
  const ttlAttribute = (): string => (loadServerlessConfig().resources as any).Resources.ChatTable.Properties.TimeToLiveSpecification.AttributeName;

  it('ends a connection when its token expires: nothing more is delivered, its record is deleted and the server closes it', async () => {
    const { roomId, agent, customer } = await openConversation();
    const tenant = { clientId: '1' };
    // The agent's connection sees every event, so it shows when each publication has happened;
    // the warm-up message also starts the functions before the short token's clock runs.
    const agentPhone = await track(agent.token);
    expect((await send(customer.token, roomId, 'warm-up')).status).toBe(201);
    await agentPhone.waitFor(isMessage(roomId));

    const shortToken = await tokenFor(1, customer.id, 'user', 3);
    const exp = decodeJwt(shortToken).exp!;
    const customerPhone = await track(shortToken);
    const [stored] = await queryConnections(tenant, 'user', customer.id);
    expect(stored).toEqual({ connectionId: expect.any(String), expiresAt: exp });
    const { Item: item } = await documentClient(tenant).send(
      new GetCommand({ TableName: config.chatTable, Key: connectionKey(tenant, 'user', customer.id, stored!.connectionId) }),
    );
    expect(item).toMatchObject({ expires_at: exp, [ttlAttribute()]: exp });

    const before = (await send(agent.token, roomId, 'before expiry')).body.messageData._id;
    await customerPhone.waitFor((frame) => isMessage(roomId)(frame) && frame.messageData._id === before);
    // Had the machine been too slow to get there within the token's 3 seconds, the rest proves nothing.
    expect(Date.now()).toBeLessThan(exp * 1000);

    const deadline = Date.now() + 10_000;
    while (Math.floor(Date.now() / 1000) < exp) {
      if (Date.now() > deadline) throw new Error('the clock did not reach the token\'s exp');
      await pause(50);
    }
    customerPhone.send({ action: 'ping' });
    expect(await customerPhone.waitFor((frame) => frame.event === 'error')).toMatchObject({ code: 'TOKEN_EXPIRED' });
    const after = (await send(agent.token, roomId, 'after expiry')).body.messageData._id;
    await agentPhone.waitFor((frame) => isMessage(roomId)(frame) && frame.messageData._id === after);
    // Frames arrive before the close, so once closed, what the socket received is final.
    expect(await customerPhone.waitForClose(10_000)).toBeGreaterThan(0);
    expect(customerPhone.frames.filter(isMessage(roomId)).map((frame) => frame.messageData._id)).toEqual([before]);
    expect(await queryConnections(tenant, 'user', customer.id)).toEqual([]);
  });
});

describe('read state', () => {
  const read = (token: string, roomId: string, body: unknown) => api('POST', `/api/v1/chat/rooms/${roomId}/read`, token, body);
  const roomOf = async (token: string, roomId: string) => (await api('GET', `/api/v1/chat/rooms/${roomId}`, token)).body.roomData;

  it('read → room.read at the other side, unread 20 → 0, receipts in user_Data, counts in every listing', async () => {
    const { roomId, agent, customer } = await openConversation();
    const agentPhone = await track(agent.token);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await send(agent.token, roomId, `update ${i}`)).body.messageData._id);
    // The customer's own message is never unread for them.
    const own = (await send(customer.token, roomId, 'thanks')).body.messageData._id;

    expect(await roomOf(customer.token, roomId)).toMatchObject({ unread_count: 20, last_read_message_id: null });
    expect(await roomOf(agent.token, roomId)).toMatchObject({ unread_count: 1, last_read_message_id: null });
    const listed = await api('GET', '/api/v1/chat/rooms', customer.token);
    expect(listed.body.rooms.find((room: any) => room._id === roomId)).toMatchObject({ unread_count: 20, last_read_message_id: null });

    const halfway = await read(customer.token, roomId, { message_id: ids[9] });
    expect(halfway.status).toBe(200);
    expect(Object.keys(halfway.body)).toEqual(['roomData', 'last_read_message_id']);
    expect(halfway.body).toMatchObject({ roomData: { _id: roomId, unread_count: 10, last_read_message_id: ids[9] }, last_read_message_id: ids[9] });
    const receipt = await agentPhone.waitFor((frame) => frame.event === 'room.read');
    expect(receipt).toEqual({
      event: 'room.read',
      event_id: `room.read:${roomId}:user:${customer.id}:${ids[9]}`,
      roomData: expect.objectContaining({ _id: roomId }),
      reader: { user_type: 'user', user_id: customer.id },
      message_id: ids[9],
    });

    const all = await read(customer.token, roomId, { message_id: own });
    expect(all.body).toMatchObject({ roomData: { unread_count: 0, last_read_message_id: own }, last_read_message_id: own });
    await agentPhone.waitFor((frame) => frame.event === 'room.read' && frame.message_id === own);

    // Backwards changes nothing and is no news.
    const older = await read(customer.token, roomId, { message_id: ids[3] });
    expect(older.status).toBe(200);
    expect(older.body).toMatchObject({ roomData: { unread_count: 0 }, last_read_message_id: own });

    const seenByAgent = await roomOf(agent.token, roomId);
    expect(seenByAgent.user_Data.map((user: any) => [user.user_type, user.last_read_message_id])).toEqual([
      ['agent', null],
      ['user', own],
    ]);
    const fetched = await api('POST', '/api/room/fetchRoomByUserAgent', agent.token, { ...TENANT_1, agent_id: agent.id });
    expect(fetched.body.roomData.find((room: any) => room._id === roomId)).toMatchObject({ unread_count: 1, last_read_message_id: null });

    agentPhone.send({ action: 'ping' });
    await agentPhone.waitFor((frame) => frame.event === 'pong');
    expect(agentPhone.frames.filter((frame) => frame.event === 'room.read')).toHaveLength(2);
  });

  it('refuses a message of another room (400), non-participants and admins (404)', async () => {
    const first = await openConversation();
    const second = await openConversation();
    const theirs = (await send(second.agent.token, second.roomId, 'elsewhere')).body.messageData._id;
    const mine = (await send(first.agent.token, first.roomId, 'here')).body.messageData._id;

    const bad = await read(first.customer.token, first.roomId, { message_id: theirs });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ path: 'message_id' }] });
    const malformed = await read(first.customer.token, first.roomId, { message_id: 'nope' });
    expect(malformed.body).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', errors: [{ path: 'message_id' }] });
    expect((await read(second.customer.token, first.roomId, { message_id: mine })).status).toBe(404);
    expect((await read(await tokenFor(1, newId(), 'admin'), first.roomId, { message_id: mine })).status).toBe(404);
    expect((await read(await tokenFor(2, first.customer.id, 'user'), first.roomId, { message_id: mine })).status).toBe(404);
    expect(await roomOf(first.customer.token, first.roomId)).toMatchObject({ unread_count: 1, last_read_message_id: null });
  });

  it('counts every message of 30 concurrent senders once', async () => {
    const { roomId, agent, customer } = await openConversation();
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => send(i % 3 ? agent.token : customer.token, roomId, `burst ${i}`)));
    expect(replies.every((reply) => reply.status === 201)).toBe(true);
    expect(await roomOf(customer.token, roomId)).toMatchObject({ unread_count: 20 });
    expect(await roomOf(agent.token, roomId)).toMatchObject({ unread_count: 10 });
  });
});

describe('delivery latency', () => {
  it('measures send → event at the other participant over 100 messages (reported, not asserted)', async () => {
    const { roomId, agent, customer, order } = await openConversation();
    // A sender may send 20 messages to one room at once (the flood limit), so the 100 go to five
    // rooms of the same two people, 20 each.
    const anotherRoom = async () => {
      const opened = await api('POST', '/api/v1/chat/startChat', agent.token, {
        ...order,
        order_id: Number(newId()),
        user_id: agent.id,
        type: 'agent-to-user',
        order_user_id: customer.id,
      });
      return opened.body.roomData._id as string;
    };
    const rooms = [roomId, ...(await Promise.all(Array.from({ length: 4 }, anotherRoom)))];
    const customerPhone = await track(customer.token);
    const toEvent: number[] = [];
    const toResponse: number[] = [];
    for (let i = 0; i < 100; i++) {
      const started = performance.now();
      const arrived = customerPhone.waitFor((frame) => frame.event === 'message.created' && frame.messageData.text === `ping ${i}`);
      const reply = await send(agent.token, rooms[i % rooms.length]!, `ping ${i}`);
      toResponse.push(performance.now() - started);
      expect(reply.status).toBe(201);
      await arrived;
      toEvent.push(customerPhone.arrivals.at(-1)! - started);
    }
    const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1]!.toFixed(1);
    console.log(
      `realtime latency over 100 messages (local stack): send→event p50 ${percentile(toEvent, 50)} ms, p99 ${percentile(toEvent, 99)} ms; ` +
        `send→201 p50 ${percentile(toResponse, 50)} ms, p99 ${percentile(toResponse, 99)} ms`,
    );
    expect(toEvent).toHaveLength(100);
  });
});

