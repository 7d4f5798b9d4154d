import { chatTableModel, UnitMeter } from '../../bench/unitMeter';
import { config } from '../../lib/config';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { fetchRoomByUserAgent } from '../../lib/rooms/fetchRoomByUserAgent';
import { fetchRoomByUserAgentRequest } from '../../lib/rooms/fetchRoomByUserAgentRequest';
import { listRooms } from '../../lib/rooms/listRooms';
import type { Room } from '../../lib/rooms/room';
import { listRoomsParams } from '../../lib/rooms/roomParams';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { documentClient } from '../../lib/store/client';
import { queryParticipantRooms, type ParticipantRoomsQuery } from '../../lib/store/participantRooms';
import { actor, newId, newOrder, tenant1 } from './chatFixtures';

const MINUTE = 60_000;
const T0 = Date.parse('2031-09-01T08:00:00.000Z');

/** A filtered listing holds every matching room up to its limit, however many others are newer. */
describe('filtered room listings', () => {
  const agent = actor('agent', newId());
  const open = (type: string, minute: number, agentDb?: string) =>
    startChat(
      tenant1,
      agent,
      startChatRequest.parse({ ...newOrder(), user_id: agent.userId, type, ...(agentDb && { agent_db: agentDb }) }),
      new Date(T0 + minute * MINUTE),
    );
  let toUser: Room[];
  let toVendor: Room[];

  beforeAll(async () => {
    // Five agent-to-user rooms, then 105 newer agent-to-vendor rooms (one of them in another agent_db).
    toUser = [];
    for (let index = 0; index < 5; index++) toUser.push(await open('agent-to-user', index));
    toVendor = [];
    for (let index = 0; index < 105; index++) toVendor.push(await open('agent-to-vendor', 10 + index, index === 50 ? 'otherdb' : undefined));
  }, 120_000);

  const ids = (rooms: Room[]) => rooms.map((room) => room._id);
  const newestFirst = (rooms: Room[]) => ids([...rooms].reverse());

  it('fetchRoomByUserAgent, called once without paging, returns all five older agent-to-user rooms', async () => {
    const page = await fetchRoomByUserAgent(
      tenant1,
      agent,
      fetchRoomByUserAgentRequest.parse({ sub_domain: tenant1.subDomain, client_id: tenant1.clientId, agent_id: agent.userId, type: 'agent-to-user' }),
    );
    expect(ids(page.rooms)).toEqual(newestFirst(toUser));
    expect(page.nextCursor).toBeNull();
  });

  it('GET /rooms with a type filter pages through matching rooms only', async () => {
    const first = await listRooms(tenant1, agent, listRoomsParams.parse({ type: 'agent-to-user', limit: '3' }));
    expect(ids(first.rooms)).toEqual(newestFirst(toUser).slice(0, 3));
    expect(first.nextCursor).not.toBeNull();
    const second = await listRooms(tenant1, agent, listRoomsParams.parse({ type: 'agent-to-user', limit: '3', cursor: first.nextCursor! }));
    expect(ids(second.rooms)).toEqual(newestFirst(toUser).slice(3));
    expect(second.nextCursor).toBeNull();
  });

  it('filters by agent_db in the index and by status on the rooms read', async () => {
    const other = await listRooms(tenant1, agent, listRoomsParams.parse({ agent_db: 'otherdb' }));
    expect(ids(other.rooms)).toEqual([toVendor[50]!._id]);
    const legacy = await fetchRoomByUserAgent(
      tenant1,
      agent,
      fetchRoomByUserAgentRequest.parse({ sub_domain: tenant1.subDomain, client_id: tenant1.clientId, agent_id: agent.userId, agent_db: 'otherdb' }),
    );
    expect(ids(legacy.rooms)).toEqual([toVendor[50]!._id]);

    await closeRoom(tenant1, agent, toUser[1]!._id, new Date(T0 + 200 * MINUTE));
    const closed = await listRooms(tenant1, agent, listRoomsParams.parse({ status: 'false', limit: '10' }));
    expect(ids(closed.rooms)).toEqual([toUser[1]!._id]);
    const open = await listRooms(tenant1, agent, listRoomsParams.parse({ status: 'true', type: 'agent-to-user', limit: '10' }));
    expect(ids(open.rooms)).toEqual(newestFirst(toUser.filter((_, index) => index !== 1)));
  });

  it('bounds what a filtered page reads, and reads no room that does not match the index filter', async () => {
    const meter = new UnitMeter(config.chatTable, chatTableModel(), process.env.DYNAMODB_ENDPOINT!);
    const detach = meter.attach(documentClient(tenant1));
    try {
      const { usage } = await meter.measure(() => listRooms(tenant1, agent, listRoomsParams.parse({ type: 'agent-to-user', limit: '50' })));
      // 110 index entries of about 110 bytes (two 4 KB units, eventually consistent) and five rooms.
      expect(usage.requests.map((request) => request.command)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
      expect(usage.readUnits).toBeLessThanOrEqual(2 + 5 * 0.5);
    } finally {
      detach();
      meter.close();
    }
  });

  /** Every page of a store query, following its cursor; the pages' sizes and the rooms in order. */
  const allPages = async (query: ParticipantRoomsQuery) => {
    const pages: Room[][] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await queryParticipantRooms(tenant1, { ...query, startKey });
      pages.push(page.rooms);
      startKey = page.lastKey;
    } while (startKey && pages.length < 50);
    return { sizes: pages.map((page) => page.length), rooms: pages.flat() };
  };

  it('a page that reaches its read cap answers with what it found and a cursor that resumes after it', async () => {
    // At most 40 index entries a page: the five older agent-to-user rooms come on the third.
    const uncapped = await allPages({ role: 'agent', userId: agent.userId, type: 'agent_to_user', limit: 10 });
    expect(uncapped.sizes).toEqual([5]);
    const byType = await allPages({ role: 'agent', userId: agent.userId, type: 'agent_to_user', limit: 10, caps: { entries: 40, rooms: 300 } });
    expect(byType.sizes).toHaveLength(3);
    expect(ids(byType.rooms)).toEqual(ids(uncapped.rooms));
    expect(new Set(ids(byType.rooms))).toEqual(new Set(ids(toUser)));

    // At most 30 rooms read a page for a status filter: every open room exactly once, in order.
    const everything = await allPages({ role: 'agent', userId: agent.userId, limit: 100 });
    expect(everything.rooms).toHaveLength(110);
    const open = await allPages({ role: 'agent', userId: agent.userId, status: true, limit: 50, caps: { entries: 1000, rooms: 30 } });
    expect(open.sizes.length).toBeGreaterThanOrEqual(4);
    expect(open.sizes.every((size) => size <= 30)).toBe(true);
    expect(ids(open.rooms)).toEqual(ids(everything.rooms.filter((room) => room.status)));
  });
});
