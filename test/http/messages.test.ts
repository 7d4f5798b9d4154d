import { api, expectError, openConversation, person, type Person } from './chatApi';

const send = (who: Person, roomId: string, body: unknown) => api('POST', `/api/v1/chat/rooms/${roomId}/messages`, who.token, body);
const list = (who: Person, roomId: string, query = '') => api('GET', `/api/v1/chat/rooms/${roomId}/messages${query}`, who.token);
const close = (who: Person, roomId: string) => api('POST', `/api/v1/chat/rooms/${roomId}/close`, who.token);

const MESSAGE_FIELDS = ['_id', 'room_id', 'text', 'sender_id', 'sender_type', 'client_message_id', 'created_date'];

describe('messages over HTTP', () => {
  it('both sides chat; a retry with the same client_message_id returns the original', async () => {
    const { roomId, agent, customer } = await openConversation();
    const sent = await send(agent, roomId, { text: '  Your order left the store  ', client_message_id: 'a-1' });
    expect(sent.status).toBe(201);
    expect(Object.keys(sent.body)).toEqual(['message', 'messageData', 'status']);
    expect(sent.body).toMatchObject({ message: 'Message sent successfully', status: 201 });
    expect(Object.keys(sent.body.messageData)).toEqual(MESSAGE_FIELDS);
    expect(sent.body.messageData).toMatchObject({ room_id: roomId, text: 'Your order left the store', sender_id: agent.id, sender_type: 'agent', client_message_id: 'a-1' });

    const retry = await send(agent, roomId, { text: 'Your order left the store', client_message_id: 'a-1' });
    expect(retry.status).toBe(201);
    expect(retry.body.messageData).toEqual(sent.body.messageData);
    const reply = await send(customer, roomId, { text: 'Great, thanks' });
    expect(reply.body.messageData.client_message_id).toBeNull();

    const page = await list(customer, roomId);
    expect(page.status).toBe(200);
    expect(Object.keys(page.body)).toEqual(['messages', 'next_cursor']);
    expect(page.body.messages.map((message: { text: string }) => message.text)).toEqual(['Great, thanks', 'Your order left the store']);
    expect(page.body.next_cursor).toBeNull();
  });

  it('40 concurrent sends (a full burst of each of two senders): every message stored, none lost', async () => {
    const { roomId, agent, customer } = await openConversation();
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send(i % 2 ? agent : customer, roomId, { text: `parallel ${i}` })),
    );
    const odd = replies.find((reply) => reply.status !== 201);
    expect(odd && { status: odd.status, body: odd.body }).toBeUndefined();
    const page = await list(agent, roomId, '?limit=100');
    expect(new Set(page.body.messages.map((message: { text: string }) => message.text))).toEqual(
      new Set(replies.map((reply) => reply.body.messageData.text)),
    );
    expect(page.body.messages).toHaveLength(40);
  });

  it('pages newest first with an opaque cursor', async () => {
    const { roomId, agent } = await openConversation();
    for (let i = 0; i < 5; i++) expect((await send(agent, roomId, { text: `m${i}` })).status).toBe(201);
    const texts: string[] = [];
    let query = '?limit=2';
    for (;;) {
      const page = await list(agent, roomId, query);
      expect(page.status).toBe(200);
      texts.push(...page.body.messages.map((message: { text: string }) => message.text));
      if (!page.body.next_cursor) break;
      expect(page.body.next_cursor).not.toMatch(/T#|ROOM|MSG/);
      query = `?limit=2&cursor=${encodeURIComponent(page.body.next_cursor)}`;
    }
    expect(texts).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);

    const { next_cursor: cursor } = (await list(agent, roomId, '?limit=2')).body;
    const tampered = cursor.slice(0, -3) + (cursor.endsWith('AAA') ? 'BBB' : 'AAA');
    expectError(await list(agent, roomId, `?cursor=${encodeURIComponent(tampered)}`), 400, 'INVALID_CURSOR', 'cursor');
    const other = await openConversation();
    await send(other.agent, other.roomId, { text: 'x' });
    await send(other.agent, other.roomId, { text: 'y' });
    const otherCursor = (await list(other.agent, other.roomId, '?limit=1')).body.next_cursor;
    const admin = await person(1, 'admin');
    expectError(await list(admin, roomId, `?cursor=${encodeURIComponent(otherCursor)}`), 400, 'INVALID_CURSOR', 'cursor');
  });

  it('close makes sending 409 ROOM_CLOSED; startChat reopens the same room', async () => {
    const { roomId, agent, customer, order } = await openConversation();
    const closed = await close(customer, roomId);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ message: 'Room closed successfully', status: 200, roomData: { _id: roomId, status: false } });
    expectError(await send(agent, roomId, { text: 'hello?' }), 409, 'ROOM_CLOSED');
    expect((await api('GET', `/api/v1/chat/rooms/${roomId}`, agent.token)).body.roomData.status).toBe(false);

    const reopened = await api('POST', '/api/v1/chat/startChat', agent.token, { ...order, user_id: agent.id, type: 'agent-to-user' });
    expect(reopened.body.roomData).toMatchObject({ _id: roomId, status: true });
    expect((await send(agent, roomId, { text: 'back again' })).status).toBe(201);
  });

  it('outsiders get 404 ROOM_NOT_FOUND and another tenant\'s token never reaches the room, on every endpoint', async () => {
    const { roomId, agent } = await openConversation();
    await send(agent, roomId, { text: 'private' });
    const strangers = [
      await person(1, 'agent'), // same tenant, not a participant
      await person(1, 'vendor', agent.id), // right id, wrong role
      await person(2, 'agent', agent.id), // other tenant, same user id
      await person(2, 'admin'), // other tenant's admin
    ];
    for (const stranger of strangers) {
      expectError(await api('GET', `/api/v1/chat/rooms/${roomId}`, stranger.token), 404, 'ROOM_NOT_FOUND');
      expectError(await list(stranger, roomId), 404, 'ROOM_NOT_FOUND');
      expectError(await send(stranger, roomId, { text: 'let me in' }), 404, 'ROOM_NOT_FOUND');
      expectError(await close(stranger, roomId), 404, 'ROOM_NOT_FOUND');
    }
    // Nothing they did reached the room.
    const page = await list(agent, roomId);
    expect(page.body.messages.map((message: { text: string }) => message.text)).toEqual(['private']);
    expect((await api('GET', `/api/v1/chat/rooms/${roomId}`, agent.token)).body.roomData.status).toBe(true);
    // An admin of the room's tenant may act.
    const admin = await person(1, 'admin');
    expect((await send(admin, roomId, { text: 'support here' })).body.messageData.sender_type).toBe('admin');
    expect((await list(admin, roomId)).body.messages).toHaveLength(2);
  });

  it('answers malformed input with 400 JSON naming the field', async () => {
    const { roomId, agent } = await openConversation();
    expectError(await send(agent, roomId, { text: '   ' }), 400, 'VALIDATION_ERROR', 'text');
    expectError(await send(agent, roomId, { text: 'x'.repeat(4001) }), 400, 'VALIDATION_ERROR', 'text');
    expect((await send(agent, roomId, { text: '😀'.repeat(4000) })).status).toBe(201);
    expectError(await send(agent, roomId, {}), 400, 'VALIDATION_ERROR', 'text');
    expectError(await send(agent, roomId, { text: 5 }), 400, 'VALIDATION_ERROR', 'text');
    expectError(await send(agent, roomId, { text: 'hi', client_message_id: 'has space' }), 400, 'VALIDATION_ERROR', 'client_message_id');
    expectError(await send(agent, roomId, '{"text":'), 400, 'INVALID_JSON');
    expectError(await send(agent, 'xyz', { text: 'hi' }), 400, 'VALIDATION_ERROR', '_id');
    expectError(await list(agent, 'XYZ'), 400, 'VALIDATION_ERROR', '_id');
    expectError(await close(agent, roomId.toUpperCase()), 400, 'VALIDATION_ERROR', '_id');
    for (const query of ['?limit=0', '?limit=101', '?limit=-1', '?limit=1.5', '?limit=']) {
      expectError(await list(agent, roomId, query), 400, 'VALIDATION_ERROR', 'limit');
    }
    expectError(await list(agent, roomId, '?cursor=garbage'), 400, 'INVALID_CURSOR', 'cursor');
    expectError(await api('GET', `/api/v1/chat/rooms/${roomId}/messages`, 'not-a-jwt'), 401, 'TOKEN_INVALID');
  });
});
