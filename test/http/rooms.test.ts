import { api, expectError, newId, openConversation, person, TENANT_1, TENANT_2 } from './chatApi';

const ROOM_FIELDS = [
  '_id', 'status', 'type', 'room_id', 'room_name', 'order_vendor_id', 'order_id', 'agent_db', 'vendor_id', 'sub_domain',
  'vendor_user_id', 'order_user_id', 'agent_id', 'db_name', 'client_id', 'created_date', 'updated_date', '__v',
];
const USER_FIELDS = [
  '_id', 'status', 'room_id', 'user_type', 'user_id', 'email', 'username', 'phone_num', 'display_image', 'room_name',
  'vendor_id', 'vendor_user_id', 'order_user_id', 'order_vendor_id', 'auth_user_id', 'created_date', 'updated_date', '__v',
];

const fetchRoomByUserAgent = (token: string, fields: Record<string, unknown>) =>
  api('POST', '/api/room/fetchRoomByUserAgent', token, { ...TENANT_1, db_name: undefined, agent_db: 'salesdemo', type: 'agent-to-user', ...fields });

describe('POST /api/room/fetchRoomByUserAgent', () => {
  it('returns the agent\'s rooms with the reference\'s field names, newest first', async () => {
    const { roomId, agent, customer } = await openConversation();
    const reply = await fetchRoomByUserAgent(agent.token, { agent_id: agent.id, client_id: 1 });
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(Object.keys(reply.body)).toEqual(['roomData', 'next_cursor']);
    expect(reply.body.roomData).toHaveLength(1);
    const [room] = reply.body.roomData;
    expect(Object.keys(room)).toEqual([...ROOM_FIELDS, 'unread_count', 'last_read_message_id', 'user_Data']);
    expect(room).toMatchObject({ _id: roomId, status: true, type: 'agent_to_user', agent_id: agent.id, order_user_id: customer.id, client_id: '1' });
    expect(room.user_Data).toHaveLength(2);
    for (const user of room.user_Data) {
      expect(Object.keys(user)).toEqual([...USER_FIELDS, 'last_read_message_id']);
      for (const field of USER_FIELDS) expect(user[field]).not.toBeNull();
    }
    expect(room.user_Data[0]).toMatchObject({ user_type: 'agent', user_id: agent.id, room_id: roomId, email: '', username: '', room_name: room.room_name });
    expect(room.user_Data[1]).toMatchObject({ user_type: 'user', user_id: customer.id, email: 'cus@example.com', username: 'Cus Tomer', __v: 0 });
  });

  it('pages with limit/cursor and filters by type', async () => {
    const agent = await person(1, 'agent');
    for (let i = 0; i < 3; i++) {
      const order = { ...TENANT_1, order_vendor_id: 2, vendor_id: 3, order_id: Number(newId()) };
      expect((await api('POST', '/api/v1/chat/startChat', agent.token, { ...order, user_id: agent.id, type: 'agent-to-user' })).status).toBe(200);
    }
    const first = await fetchRoomByUserAgent(agent.token, { agent_id: agent.id, limit: 2 });
    expect(first.body.roomData).toHaveLength(2);
    const second = await fetchRoomByUserAgent(agent.token, { agent_id: agent.id, limit: 2, cursor: first.body.next_cursor });
    expect(second.body.roomData).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    // Newest activity first, to the minute across pages (rooms active within one minute may interleave).
    const minutes = [...first.body.roomData, ...second.body.roomData].map((room: { updated_date: string }) => room.updated_date.slice(0, 16));
    expect(minutes).toEqual([...minutes].sort().reverse());
    expect(new Set([...first.body.roomData, ...second.body.roomData].map((room: { _id: string }) => room._id)).size).toBe(3);
    expect((await fetchRoomByUserAgent(agent.token, { agent_id: agent.id, type: 'agent-to-vendor' })).body.roomData).toEqual([]);
  });

  it('refuses another agent, another tenant\'s token and malformed bodies', async () => {
    const { agent } = await openConversation();
    const outsider = await person(1, 'agent');
    expectError(await fetchRoomByUserAgent(outsider.token, { agent_id: agent.id }), 403, 'FORBIDDEN');
    const otherTenant = await person(2, 'admin', agent.id);
    expectError(await fetchRoomByUserAgent(otherTenant.token, { agent_id: agent.id }), 401, 'TOKEN_INVALID');
    // Its own tenant works and holds none of tenant 1's rooms.
    const own = await api('POST', '/api/room/fetchRoomByUserAgent', otherTenant.token, { ...TENANT_2, agent_id: agent.id, agent_db: 'salesdemo' });
    expect(own.status).toBe(200);
    expect(own.body.roomData).toEqual([]);
    expectError(await fetchRoomByUserAgent(agent.token, { agent_id: undefined }), 400, 'VALIDATION_ERROR', 'agent_id');
    expectError(await fetchRoomByUserAgent(agent.token, { agent_id: agent.id, type: 'user-to-vendor' }), 400, 'VALIDATION_ERROR', 'type');
    expectError(await fetchRoomByUserAgent(agent.token, { agent_id: agent.id, limit: 0 }), 400, 'VALIDATION_ERROR', 'limit');
    expectError(await fetchRoomByUserAgent(agent.token, { agent_id: agent.id, cursor: 'forged' }), 400, 'INVALID_CURSOR', 'cursor');
    expectError(await fetchRoomByUserAgent(agent.token, { agent_id: agent.id, sub_domain: 'ace.localhost' }), 403, 'TENANT_MISMATCH');
    expectError(await api('POST', '/api/room/fetchRoomByUserAgent', agent.token, '{"agent_id":'), 400, 'INVALID_JSON');
    expectError(await fetchRoomByUserAgent('', { agent_id: agent.id }), 401, 'TOKEN_MISSING');
  });
});

describe('GET /api/v1/chat/rooms', () => {
  it('lists the caller\'s rooms with participants and last message', async () => {
    const { roomId, agent, customer } = await openConversation();
    await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, customer.token, { text: 'Where is my order?' });
    for (const who of [agent, customer]) {
      const reply = await api('GET', '/api/v1/chat/rooms', who.token);
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body)).toEqual(['rooms', 'next_cursor']);
      expect(reply.body.rooms.map((room: { _id: string }) => room._id)).toEqual([roomId]);
      expect(reply.body.rooms[0].user_Data).toHaveLength(2);
      expect(reply.body.rooms[0].last_message).toMatchObject({ text: 'Where is my order?', sender_id: customer.id, sender_type: 'user' });
    }
    expect((await api('GET', '/api/v1/chat/rooms?status=false', agent.token)).body.rooms).toEqual([]);
    expect((await api('GET', '/api/v1/chat/rooms?type=agent-to-user&status=true&limit=1', agent.token)).body.rooms).toHaveLength(1);
  });

  it('an outsider and another tenant see none of the room; an admin names whose rooms to see', async () => {
    const { roomId, agent } = await openConversation();
    const outsider = await person(1, 'agent');
    expect((await api('GET', '/api/v1/chat/rooms', outsider.token)).body.rooms).toEqual([]);
    const sameIdOtherTenant = await person(2, 'agent', agent.id);
    expect((await api('GET', '/api/v1/chat/rooms', sameIdOtherTenant.token)).body.rooms).toEqual([]);
    const admin = await person(1, 'admin');
    expectError(await api('GET', '/api/v1/chat/rooms', admin.token), 400, 'VALIDATION_ERROR', 'user_id');
    const seen = await api('GET', `/api/v1/chat/rooms?role=agent&user_id=${agent.id}`, admin.token);
    expect(seen.body.rooms.map((room: { _id: string }) => room._id)).toEqual([roomId]);
    const otherAdmin = await person(2, 'admin');
    expect((await api('GET', `/api/v1/chat/rooms?role=agent&user_id=${agent.id}`, otherAdmin.token)).body.rooms).toEqual([]);
    expectError(await api('GET', `/api/v1/chat/rooms?role=agent&user_id=${agent.id}`, outsider.token), 403, 'FORBIDDEN');
  });

  it('answers malformed parameters with 400 naming the parameter', async () => {
    const agent = await person(1, 'agent');
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['status=maybe', 'status'],
      ['type=agent-to-agent', 'type'],
      ['role=admin', 'role'],
      ['user_id=abc', 'user_id'],
    ] as const) {
      expectError(await api('GET', `/api/v1/chat/rooms?${query}`, agent.token), 400, 'VALIDATION_ERROR', field);
    }
    expectError(await api('GET', '/api/v1/chat/rooms?cursor=abc.def', agent.token), 400, 'INVALID_CURSOR', 'cursor');
    expectError(await api('GET', '/api/v1/chat/rooms', undefined), 401, 'TOKEN_MISSING');
    const suspended = await person(3, 'agent');
    expectError(await api('GET', '/api/v1/chat/rooms', suspended.token), 403, 'TENANT_SUSPENDED');
  });
});

describe('GET /api/v1/chat/rooms/{_id}', () => {
  it('returns the room with user_Data to participants and admins only', async () => {
    const { roomId, agent, customer } = await openConversation();
    for (const who of [agent, customer, await person(1, 'admin')]) {
      const reply = await api('GET', `/api/v1/chat/rooms/${roomId}`, who.token);
      expect(reply.status).toBe(200);
      expect(reply.body.status).toBe(200);
      expect(Object.keys(reply.body.roomData)).toEqual([...ROOM_FIELDS, 'unread_count', 'last_read_message_id', 'user_Data', 'last_message']);
      expect(reply.body.roomData.user_Data.map((user: { user_id: string }) => user.user_id)).toEqual([agent.id, customer.id]);
    }
    expectError(await api('GET', `/api/v1/chat/rooms/${roomId}`, (await person(1, 'agent')).token), 404, 'ROOM_NOT_FOUND');
    expectError(await api('GET', `/api/v1/chat/rooms/${roomId}`, (await person(1, 'user', String(Number(customer.id) + 1))).token), 404, 'ROOM_NOT_FOUND');
    expectError(await api('GET', `/api/v1/chat/rooms/${roomId}`, (await person(2, 'agent', agent.id)).token), 404, 'ROOM_NOT_FOUND');
    expectError(await api('GET', `/api/v1/chat/rooms/${roomId}`, (await person(2, 'admin')).token), 404, 'ROOM_NOT_FOUND');
    expectError(await api('GET', '/api/v1/chat/rooms/not-a-room', agent.token), 400, 'VALIDATION_ERROR', '_id');
    expectError(await api('GET', `/api/v1/chat/rooms/${'0'.repeat(24)}`, agent.token), 404, 'ROOM_NOT_FOUND');
  });
});
