import { signLocalToken } from '../../scripts/local/tokens';
import { api, expectError, newId, person, TENANT_1 } from './chatApi';

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
});
