import { sendMessage } from '../../lib/messages/sendMessage';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { fetchRoomByUserAgent } from '../../lib/rooms/fetchRoomByUserAgent';
import { fetchRoomByUserAgentRequest } from '../../lib/rooms/fetchRoomByUserAgentRequest';
import { getRoom } from '../../lib/rooms/getRoom';
import { listRooms } from '../../lib/rooms/listRooms';
import { listRoomsParams } from '../../lib/rooms/roomParams';
import { toRoomWithUsers } from '../../lib/rooms/roomView';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { actor, newId, newOrder, openConversation, tenant1, tenant2 } from './chatFixtures';

const errorCode = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code,
  );

describe('rooms against the local DynamoDB', () => {
  it('lists each participant\'s rooms newest activity first, from their own index', async () => {
    const agent = actor('agent', newId());
    const opened = [];
    for (let i = 0; i < 3; i++) {
      opened.push(await startChat(tenant1, agent, startChatRequest.parse({ ...newOrder(), user_id: agent.userId, type: 'agent-to-user' })));
    }
    // Activity in the oldest room moves it to the top.
    await sendMessage(tenant1, agent, opened[0]!._id, { text: 'bump' }, new Date(Date.now() + 60_000));

    const { rooms, nextCursor } = await listRooms(tenant1, agent, listRoomsParams.parse({}));
    expect(rooms.map((room) => room._id)).toEqual([opened[0]!._id, opened[2]!._id, opened[1]!._id]);
    expect(nextCursor).toBeNull();
    expect(rooms[0]!.last_message?.text).toBe('bump');
  });

  it('filters by type and status; the customer sees the same room from the other side', async () => {
    const { room, agent, customer } = await openConversation();
    expect((await listRooms(tenant1, customer, listRoomsParams.parse({}))).rooms.map((r) => r._id)).toEqual([room._id]);
    expect((await listRooms(tenant1, agent, listRoomsParams.parse({ type: 'user-to-agent' }))).rooms).toHaveLength(1);
    expect((await listRooms(tenant1, agent, listRoomsParams.parse({ type: 'agent_to_vendor' }))).rooms).toHaveLength(0);
    await closeRoom(tenant1, agent, room._id);
    expect((await listRooms(tenant1, agent, listRoomsParams.parse({ status: 'true' }))).rooms).toHaveLength(0);
    expect((await listRooms(tenant1, agent, listRoomsParams.parse({ status: 'false' }))).rooms).toHaveLength(1);
  });

  it('an admin names whose rooms to list; others may only list their own', async () => {
    const { room, agent, customer } = await openConversation();
    const admin = actor('admin', newId());
    expect(await errorCode(listRooms(tenant1, admin, listRoomsParams.parse({})))).toBe('VALIDATION_ERROR');
    expect(await errorCode(listRooms(tenant1, admin, listRoomsParams.parse({ role: 'agent' })))).toBe('VALIDATION_ERROR');
    const seen = await listRooms(tenant1, admin, listRoomsParams.parse({ role: 'user', user_id: customer.userId }));
    expect(seen.rooms.map((r) => r._id)).toEqual([room._id]);
    expect(await errorCode(listRooms(tenant1, agent, listRoomsParams.parse({ role: 'user', user_id: customer.userId })))).toBe('FORBIDDEN');
    expect(await errorCode(listRooms(tenant1, agent, listRoomsParams.parse({ user_id: newId() })))).toBe('FORBIDDEN');
  });

  it('reads one room with its participants, for participants and admins only', async () => {
    const { room, agent, customer } = await openConversation();
    expect((await getRoom(tenant1, customer, room._id))._id).toBe(room._id);
    expect((await getRoom(tenant1, actor('admin', '1'), room._id))._id).toBe(room._id);
    expect(await errorCode(getRoom(tenant1, actor('agent', newId()), room._id))).toBe('ROOM_NOT_FOUND');
    // Another tenant reading the same _id reads its own partition: there is nothing there.
    expect(await errorCode(getRoom(tenant2, actor('admin', '1'), room._id))).toBe('ROOM_NOT_FOUND');
    expect(await errorCode(getRoom(tenant2, agent, room._id))).toBe('ROOM_NOT_FOUND');
  });

  it('fetchRoomByUserAgent lists the agent\'s rooms with user_Data, filtered by type and agent_db', async () => {
    const { room, agent, customer } = await openConversation();
    const request = (fields: Record<string, unknown> = {}) =>
      fetchRoomByUserAgentRequest.parse({ sub_domain: tenant1.subDomain, client_id: 1, agent_id: agent.userId, agent_db: 'salesdemo', type: 'agent-to-user', ...fields });

    const page = await fetchRoomByUserAgent(tenant1, agent, request());
    expect(page.rooms.map((r) => r._id)).toEqual([room._id]);
    const [listed] = page.rooms.map((r) => toRoomWithUsers(r, page.role));
    expect(listed!.user_Data.map((user) => [user.user_type, user.user_id])).toEqual([
      ['agent', agent.userId],
      ['user', customer.userId],
    ]);
    expect(listed!.user_Data[1]).toMatchObject({ room_id: room._id, username: 'Cus Tomer', email: '', __v: 0 });

    expect((await fetchRoomByUserAgent(tenant1, agent, request({ agent_db: 'other' }))).rooms).toHaveLength(0);
    expect((await fetchRoomByUserAgent(tenant1, agent, request({ type: 'agent-to-vendor' }))).rooms).toHaveLength(0);
    expect(await errorCode(fetchRoomByUserAgent(tenant1, actor('agent', newId()), request()))).toBe('FORBIDDEN');
    expect(await errorCode(fetchRoomByUserAgent(tenant1, customer, request()))).toBe('FORBIDDEN');
    expect((await fetchRoomByUserAgent(tenant1, actor('admin', '1'), request())).rooms).toHaveLength(1);
    expect((await fetchRoomByUserAgent(tenant2, actor('admin', '1'), request({ client_id: 2 }))).rooms).toHaveLength(0);
  });
});
