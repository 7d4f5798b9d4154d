import { signLocalToken } from '../../scripts/local/tokens';
import { api, expectError, newId, openConversation, person, TENANT_1 } from './chatApi';

const START = '/api/v1/chat/startChat';

const newOrder = () => ({ ...TENANT_1, order_vendor_id: 2, vendor_id: 3, order_id: Number(newId()) });

describe('membership over HTTP', () => {
  it('the stranger sequence: 404 with no room data, the room unchanged, the messages unreadable', async () => {
    const agent = await person(1, 'agent');
    const order = newOrder();
    const opened = await api('POST', START, agent.token, { ...order, user_id: agent.id, type: 'agent-to-user' });
    expect(opened.status).toBe(200);
    const roomId = opened.body.roomData._id as string;
    expect((await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, agent.token, { text: 'secret address: 5 Main St' })).status).toBe(201);

    const stranger = await person(1, 'user', '777');
    const refused = await api('POST', START, stranger.token, { ...order, user_id: stranger.id, type: 'user-to-agent' });
    expectError(refused, 404, 'ROOM_NOT_FOUND');
    expect(JSON.stringify(refused.body)).not.toContain(roomId);
    expect(refused.body.roomData).toBeUndefined();
    expectError(await api('GET', `/api/v1/chat/rooms/${roomId}/messages`, stranger.token), 404, 'ROOM_NOT_FOUND');

    const seen = await api('GET', `/api/v1/chat/rooms/${roomId}`, agent.token);
    expect(seen.body.roomData.order_user_id).toBe('');
    expect(seen.body.roomData.user_Data.map((user: { user_id: string }) => user.user_id)).toEqual([agent.id]);
    expect(seen.body.roomData.last_message.text).toBe('secret address: 5 Main St');
  });

  it('a customer with an order_ids claim enters that order and no other', async () => {
    const agent = await person(1, 'agent');
    const [order, other] = [newOrder(), newOrder()];
    for (const each of [order, other]) {
      expect((await api('POST', START, agent.token, { ...each, user_id: agent.id, type: 'agent-to-user' })).status).toBe(200);
    }
    const customerId = newId();
    const token = await signLocalToken(1, customerId, 'user', 3600, { orderIds: [order.order_id] });

    const joined = await api('POST', START, token, { ...order, user_id: customerId, type: 'user-to-agent' });
    expect(joined.status).toBe(200);
    expect(joined.body.roomData).toMatchObject({ order_user_id: customerId, agent_id: agent.id });
    const roomId = joined.body.roomData._id as string;
    expect((await api('GET', `/api/v1/chat/rooms/${roomId}/messages`, token)).status).toBe(200);

    expectError(await api('POST', START, token, { ...other, user_id: customerId, type: 'user-to-agent' }), 403, 'FORBIDDEN');
  });

  it('a malformed order_ids claim is an invalid token', async () => {
    const token = await signLocalToken(1, newId(), 'user', 3600, { orderIds: ['not-an-order'] });
    expectError(await api('POST', START, token, { ...newOrder(), user_id: '1', type: 'user-to-agent' }), 401, 'TOKEN_INVALID');
  });

  it('an admin reassigns the agent: the new agent reads the history, the old one gets 404', async () => {
    const { roomId, agent, customer } = await openConversation();
    expect((await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, customer.token, { text: 'Ring twice' })).status).toBe(201);
    const next = await person(1, 'agent');
    const path = `/api/v1/chat/rooms/${roomId}/participants/agent`;

    expectError(await api('PUT', path, agent.token, { user_id: next.id }), 403, 'FORBIDDEN');
    expectError(await api('PUT', path, customer.token, { user_id: customer.id }), 403, 'FORBIDDEN');
    const admin = await person(1, 'admin');
    expectError(await api('PUT', path, admin.token, { user_id: 'x' }), 400, 'VALIDATION_ERROR', 'user_id');
    expectError(await api('PUT', `/api/v1/chat/rooms/${roomId}/participants/boss`, admin.token, { user_id: next.id }), 400, 'VALIDATION_ERROR', 'role');

    const moved = await api('PUT', path, admin.token, { user_id: next.id });
    expect(moved.status).toBe(200);
    expect(moved.body.roomData).toMatchObject({ _id: roomId, agent_id: next.id, order_user_id: customer.id });
    expect(moved.body.roomData.room_name).toMatch(new RegExp(`-agentId-${next.id}$`));

    const history = await api('GET', `/api/v1/chat/rooms/${roomId}/messages`, next.token);
    expect(history.status).toBe(200);
    expect(history.body.messages.map((message: { text: string }) => message.text)).toEqual(['Ring twice']);
    expectError(await api('GET', `/api/v1/chat/rooms/${roomId}/messages`, agent.token), 404, 'ROOM_NOT_FOUND');
    expectError(await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, agent.token, { text: 'still here?' }), 404, 'ROOM_NOT_FOUND');
    expectError(await api('POST', START, agent.token, { ...TENANT_1, order_vendor_id: 2, vendor_id: 3, order_id: Number(moved.body.roomData.order_id), user_id: agent.id, type: 'agent-to-user' }), 404, 'ROOM_NOT_FOUND');
    expectError(await api('PUT', `/api/v1/chat/rooms/${'0'.repeat(24)}/participants/agent`, admin.token, { user_id: next.id }), 404, 'ROOM_NOT_FOUND');
  });

  it("an admin of another tenant cannot reassign this tenant's room", async () => {
    const { roomId } = await openConversation();
    const outsider = await person(2, 'admin');
    expectError(await api('PUT', `/api/v1/chat/rooms/${roomId}/participants/agent`, outsider.token, { user_id: outsider.id }), 404, 'ROOM_NOT_FOUND');
  });
});
