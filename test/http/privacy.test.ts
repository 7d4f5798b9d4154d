import { randomBytes } from 'node:crypto';
import { api, expectError, openConversation, person, type Person } from './chatApi';

const EXPORTS = '/api/v1/chat/privacy/exports';
const ERASURES = '/api/v1/chat/privacy/erasures';

const canary = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;

/** A customer of `tenant` in two rooms (each with its own agent, who writes too), with a profile and messages. */
const customerWithRooms = async (clientId: 1 | 2, customer: Person) => {
  const profile = { username: canary('name'), email: `${canary('mail')}@example.com`, phone_num: '+4420' + String(Date.now()).slice(-8) };
  const texts: string[] = [];
  const roomIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { roomId, agent } = await openConversation({ clientId, customer, participant: profile });
    roomIds.push(roomId);
    const text = canary('said');
    texts.push(text);
    expect((await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, customer.token, { text })).status).toBe(201);
    expect((await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, agent.token, { text: canary('agent-said') })).status).toBe(201);
  }
  return { profile, texts, roomIds };
};

/** Every page of the export, as an admin of the tenant pages it. */
const exportAll = async (admin: Person, body: Record<string, unknown>) => {
  const rooms: any[] = [];
  let cursor: string | null = null;
  let first: any;
  do {
    const reply = await api('POST', EXPORTS, admin.token, { ...body, ...(cursor && { cursor }) });
    expect(reply.status).toBe(200);
    first ??= reply.body.exportData;
    rooms.push(...reply.body.exportData.rooms);
    cursor = reply.body.next_cursor;
  } while (cursor);
  return { ...first, rooms };
};

describe('the privacy routes', () => {
  it('export a person page by page and erase them, for an admin of their tenant only', async () => {
    const customer = await person(1, 'user');
    const data = await customerWithRooms(1, customer);
    // The same id in tenant 2: another person, whom tenant 1's erasure must not touch.
    const twin = await customerWithRooms(2, { id: customer.id, token: (await person(2, 'user', customer.id)).token });
    const admin = await person(1, 'admin');
    const admin2 = await person(2, 'admin');

    const exported = await exportAll(admin, { role: 'user', user_id: customer.id, limit: 1 });
    expect(exported).toMatchObject({ format: 'chat-rooms/person-export/v1', client_id: '1', person: { role: 'user', user_id: customer.id } });
    expect(exported.rooms.map((room: any) => room._id).sort()).toEqual([...data.roomIds].sort());
    for (const room of exported.rooms) {
      expect(room).toMatchObject({ participation: 'current', profile: data.profile });
      expect(room.messages).toEqual([expect.objectContaining({ text: expect.stringMatching(/^said-/) })]);
    }
    expect(exported.rooms.flatMap((room: any) => room.messages.map((message: any) => message.text)).sort()).toEqual([...data.texts].sort());

    // Tenant 2's admin names the same id: tenant 2's person, never tenant 1's.
    const other = await api('POST', ERASURES, admin2.token, { role: 'user', user_id: customer.id });
    expect(other.body.erasureData).toMatchObject({ status: 'complete', counts: { rooms: 2, messages: 2 } });
    expect((await exportAll(admin, { role: 'user', user_id: customer.id })).rooms).toHaveLength(2);
    expect(JSON.stringify(await exportAll(admin2, { role: 'user', user_id: customer.id }))).not.toContain(twin.texts[0]);

    const erased = await api('POST', ERASURES, admin.token, { role: 'user', user_id: Number(customer.id) });
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({
      message: 'Personal data erased',
      erasureData: {
        erasure_id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
        status: 'complete',
        role: 'user',
        requested_by: { via: 'http', role: 'admin', user_id: admin.id },
        requested_date: expect.any(String),
        completed_date: expect.any(String),
        counts: { rooms: 2, messages: 2, client_message_ids: 0, connections: 0 },
      },
      status: 200,
    });
    const after = await exportAll(admin, { role: 'user', user_id: customer.id });
    expect({ rooms: after.rooms, connections: after.connections }).toEqual({ rooms: [], connections: [] });
    // The person's own token no longer opens the rooms.
    for (const roomId of data.roomIds) expectError(await api('GET', `/api/v1/chat/rooms/${roomId}`, customer.token), 404, 'ROOM_NOT_FOUND');
    // Erasing again: nothing left, complete at once.
    const again = await api('POST', ERASURES, admin.token, { role: 'user', user_id: customer.id });
    expect(again.body.erasureData).toMatchObject({ status: 'complete', counts: { rooms: 0, messages: 0, client_message_ids: 0, connections: 0 } });
  });

  it('refuses anyone but an admin of the tenant', async () => {
    const customer = await person(1, 'user');
    await customerWithRooms(1, customer);
    const agent = await person(1, 'agent');
    const vendor = await person(1, 'vendor');
    for (const path of [EXPORTS, ERASURES]) {
      for (const caller of [agent, vendor, customer]) {
        expectError(await api('POST', path, caller.token, { role: 'user', user_id: customer.id }), 403, 'FORBIDDEN');
      }
      expectError(await api('POST', path, undefined, { role: 'user', user_id: customer.id }), 401, 'TOKEN_MISSING');
    }
    // The customer is still all there.
    const admin = await person(1, 'admin');
    expect((await exportAll(admin, { role: 'user', user_id: customer.id })).rooms).toHaveLength(2);
  });

  it('validates the request, naming the field', async () => {
    const admin = await person(1, 'admin');
    for (const path of [EXPORTS, ERASURES]) {
      expectError(await api('POST', path, admin.token, { role: 'owner', user_id: '5' }), 400, 'VALIDATION_ERROR', 'role');
      expectError(await api('POST', path, admin.token, { role: 'user', user_id: 'abc' }), 400, 'VALIDATION_ERROR', 'user_id');
      expectError(await api('POST', path, admin.token, { role: 'user' }), 400, 'VALIDATION_ERROR', 'user_id');
      expectError(await api('POST', path, admin.token, { role: 'user', user_id: '5', room_ids: ['nope'] }), 400, 'VALIDATION_ERROR', 'room_ids.0');
      expectError(await api('POST', path, admin.token, { role: 'user', user_id: '5', room_ids: 'x' }), 400, 'VALIDATION_ERROR', 'room_ids');
    }
    expectError(await api('POST', EXPORTS, admin.token, { role: 'user', user_id: '5', limit: 0 }), 400, 'VALIDATION_ERROR', 'limit');
    expectError(await api('POST', EXPORTS, admin.token, { role: 'user', user_id: '5', cursor: 'abc', room_ids: [] }), 400, 'VALIDATION_ERROR', 'room_ids');
    expectError(await api('POST', EXPORTS, admin.token, { role: 'user', user_id: '5', cursor: 'abc' }), 400, 'INVALID_CURSOR', 'cursor');
    // A cursor of one person's export does not page another's.
    const customer = await person(1, 'user');
    await customerWithRooms(1, customer);
    const page = await api('POST', EXPORTS, admin.token, { role: 'user', user_id: customer.id, limit: 1 });
    expect(page.body.next_cursor).toEqual(expect.any(String));
    expectError(await api('POST', EXPORTS, admin.token, { role: 'user', user_id: '5', cursor: page.body.next_cursor }), 400, 'INVALID_CURSOR', 'cursor');
  });
});
