import { listMessages } from '../../lib/messages/listMessages';
import { listMessagesParams } from '../../lib/messages/listMessagesParams';
import { erasePerson } from '../../lib/privacy/erasePerson';
import { exportPerson, exportPersonPage } from '../../lib/privacy/exportPerson';
import { isAnonymousId } from '../../lib/privacy/eraseRoom';
import { roomRefsOf } from '../../lib/privacy/person';
import { personExport } from '../../lib/privacy/privacySchemas';
import { getRoom } from '../../lib/rooms/getRoom';
import { listRooms } from '../../lib/rooms/listRooms';
import { listRoomsParams } from '../../lib/rooms/roomParams';
import { listErasureAudits } from '../../lib/store/erasures';
import type { Actor, Tenant } from '../../lib/tenancy/tenant';
import { actor, tenant1, tenant2 } from './chatFixtures';
import { itemsNaming, personWithRooms, tenantItems, type PersonFixture, type PersonRoom } from './privacyFixtures';

const admin = actor('admin', '1');

/** A room's messages as `who` pages them, oldest first. */
const messagesOf = async (tenant: Tenant, who: Actor, roomId: string) =>
  (await listMessages(tenant, who, listMessagesParams.parse({ _id: roomId, limit: '100' }))).messages.reverse();

const roomsOf = async (tenant: Tenant, role: 'user', userId: string) =>
  (await listRooms(tenant, admin, listRoomsParams.parse({ role, user_id: userId }))).rooms;

describe('exporting and erasing one person', () => {
  let fixture: PersonFixture;
  let twin: PersonFixture;

  beforeAll(async () => {
    fixture = await personWithRooms(tenant1);
    // The same user id in another tenant: someone else, who must be untouched.
    twin = await personWithRooms(tenant2, fixture.person.userId);
  });

  it('exports every room of the person, their messages and their profile', async () => {
    const { person, secrets, current, former } = fixture;
    const exported = personExport.parse(
      await exportPerson(tenant1, { role: 'user', userId: person.userId }, { roomRefs: roomRefsOf([former.roomId]) }),
    );
    expect(exported).toMatchObject({ format: 'chat-rooms/person-export/v1', client_id: '1', person: { role: 'user', user_id: person.userId } });
    expect(exported.connections).toEqual([{ connected_at: expect.any(String), expires_at: expect.any(Number) }]);
    const byId = new Map(exported.rooms.map((room) => [room._id, room]));
    expect([...byId.keys()].sort()).toEqual([...current, former].map((room) => room.roomId).sort());

    const theirs = (room: PersonRoom) => room.sent.filter((message) => message.by === 'person').map(({ id, text }) => ({ _id: id, text }));
    for (const room of current) {
      const entry = byId.get(room.roomId)!;
      expect(entry).toMatchObject({
        participation: 'current',
        profile: { username: secrets.username, email: secrets.email, phone_num: secrets.phone },
        seat: { _id: expect.any(String) },
      });
      expect(entry.messages.map(({ _id, text }) => ({ _id, text }))).toEqual(theirs(room));
    }
    // The room they read holds their read cursor; their client_message_ids come with their messages.
    expect(byId.get(current[2]!.roomId)!.read_cursor).toEqual({ message_id: current[2]!.sent[0]!.id, seen: expect.any(Number) });
    expect(exported.rooms.flatMap((room) => room.messages.flatMap((message) => message.client_message_id ?? [])).sort()).toEqual(
      [...secrets.clientMessageIds].sort(),
    );
    // Reassigned away: only their messages remain there; the slot and its profile are the new holder's.
    expect(byId.get(former.roomId)).toMatchObject({ participation: 'former', profile: null, seat: null, read_cursor: null });
    expect(byId.get(former.roomId)!.messages.map(({ _id, text }) => ({ _id, text }))).toEqual(theirs(former));
    // Nobody else's words or profile.
    const text = JSON.stringify(exported);
    for (const room of [...current, former]) {
      for (const message of room.sent.filter((sent) => sent.by === 'other')) expect(text).not.toContain(message.text);
      expect(text).not.toContain(`"${room.other.userId}"`);
    }
  });

  it('pages the export by rooms, with the named rooms on the first page', async () => {
    const person = { role: 'user' as const, userId: fixture.person.userId };
    const first = await exportPersonPage(tenant1, person, { roomRefs: roomRefsOf([fixture.former.roomId]), limit: 2 });
    expect(first.exportData.rooms.map((room) => room.participation)).toEqual(['former', 'current', 'current']);
    expect(first.lastKey).toBeDefined();
    const second = await exportPersonPage(tenant1, person, { limit: 2, startKey: first.lastKey });
    expect(second.exportData.rooms).toHaveLength(1);
    expect(second.exportData.connections).toEqual([]);
    const all = [...first.exportData.rooms, ...second.exportData.rooms].map((room) => room._id).sort();
    expect(all).toEqual([...fixture.current, fixture.former].map((room) => room.roomId).sort());
  });

  it('erases them: no item of the tenant names them, the others read their own messages in order, the other tenant is untouched', async () => {
    const { person, secrets, current, former } = fixture;
    const twinBefore = await tenantItems(tenant2).then((items) => items.filter((item) => JSON.stringify(item).includes(person.userId)));
    const before = await Promise.all(current.map((room) => getRoom(tenant1, room.other, room.roomId)));
    expect((await itemsNaming(tenant1, secrets)).length).toBeGreaterThan(10);

    const erased = await erasePerson(tenant1, { role: 'user', userId: person.userId }, {
      roomRefs: roomRefsOf([former.roomId]),
      requestedBy: { via: 'cli', role: 'operator' },
    });
    expect(erased).toMatchObject({ status: 'complete', role: 'user', completed_date: expect.any(String) });
    // 3 current rooms and the former one; 6 messages, 4 of them with a client_message_id; 1 connection.
    expect(erased.counts).toEqual({ rooms: 4, messages: 6, client_message_ids: 4, connections: 1 });

    // The whole tenant, item by item: nothing holds their id, name, email, phone or words.
    expect(await itemsNaming(tenant1, secrets)).toEqual([]);

    for (const [index, room] of current.entries()) {
      const after = await getRoom(tenant1, room.other, room.roomId);
      const anonymous = after.order_user_id!;
      expect(isAnonymousId(anonymous)).toBe(true);
      expect(after.participants.user).toEqual({
        _id: before[index]!.participants.user!._id,
        user_type: 'user',
        user_id: anonymous,
        created_date: before[index]!.participants.user!.created_date,
        updated_date: expect.any(String),
      });
      // Counts stay, so the other participant's unread count is what it was.
      expect({ count: after.message_count, sent: after.sent_user }).toEqual({ count: before[index]!.message_count, sent: before[index]!.sent_user });
      const messages = await messagesOf(tenant1, room.other, room.roomId);
      expect(messages.map((message) => message._id)).toEqual(room.sent.map((sent) => sent.id));
      for (const [i, message] of messages.entries()) {
        if (room.sent[i]!.by === 'other') {
          expect(message).toMatchObject({ text: room.sent[i]!.text, sender_id: room.other.userId });
        } else {
          expect(message).toEqual(expect.objectContaining({ sender_id: anonymous, sender_type: 'user', deleted: true, deleted_date: expect.any(String) }));
          expect(message).not.toHaveProperty('text');
          expect(message).not.toHaveProperty('client_message_id');
        }
      }
    }
    // Each room its own anonymous participant: rooms cannot be linked through it.
    const anonymousIds = await Promise.all(current.map(async (room) => (await getRoom(tenant1, room.other, room.roomId)).order_user_id));
    expect(new Set(anonymousIds).size).toBe(3);
    // The preview of their last message is its tombstone; the vendor's preview is untouched.
    expect((await getRoom(tenant1, current[0]!.other, current[0]!.roomId)).last_message).toMatchObject({ deleted: true, sender_id: anonymousIds[0] });
    expect((await getRoom(tenant1, current[1]!.other, current[1]!.roomId)).last_message).toMatchObject({ text: current[1]!.sent[1]!.text });
    // The former room: its new holder is untouched, their messages are tombstones of one anonymous sender.
    const formerMessages = await messagesOf(tenant1, former.other, former.roomId);
    const formerAnonymous = formerMessages.filter((message) => message.sender_type === 'user').map((message) => message.sender_id);
    expect(new Set(formerAnonymous).size).toBe(1);
    expect(isAnonymousId(formerAnonymous[0])).toBe(true);
    expect(formerMessages.find((message) => message.sender_type === 'agent')).toMatchObject({ text: former.sent[1]!.text });

    // No listing finds them any more.
    expect(await roomsOf(tenant1, 'user', person.userId)).toEqual([]);

    // The audit record names the erasure, not the person.
    const audit = (await listErasureAudits(tenant1)).find((record) => record.erasure_id === erased.erasure_id);
    expect(audit).toEqual({
      erasure_id: erased.erasure_id,
      role: 'user',
      requested_by: { via: 'cli', role: 'operator' },
      requested_date: erased.requested_date,
      completed_date: erased.completed_date,
      counts: erased.counts,
    });

    // Tenant 2's person with the same id: every item as it was, their rooms still listed.
    const twinAfter = await tenantItems(tenant2).then((items) => items.filter((item) => JSON.stringify(item).includes(person.userId)));
    expect(twinAfter).toEqual(twinBefore);
    expect(await roomsOf(tenant2, 'user', person.userId)).toHaveLength(3);
    expect((await messagesOf(tenant2, twin.person, twin.current[0]!.roomId)).map((message) => message.text)).toEqual(
      twin.current[0]!.sent.map((sent) => sent.text),
    );
  });

  it('erasing again finds nothing and writes a second audit record with zero counts', async () => {
    const again = await erasePerson(tenant1, { role: 'user', userId: fixture.person.userId }, {
      roomRefs: roomRefsOf([fixture.former.roomId]),
      requestedBy: { via: 'cli' },
    });
    expect(again).toMatchObject({ status: 'complete', counts: { rooms: 0, messages: 0, client_message_ids: 0, connections: 0 } });
    expect(await itemsNaming(tenant1, fixture.secrets)).toEqual([]);
    const exported = await exportPerson(tenant1, { role: 'user', userId: fixture.person.userId }, { roomRefs: roomRefsOf([fixture.former.roomId]) });
    expect({ rooms: exported.rooms, connections: exported.connections }).toEqual({ rooms: [], connections: [] });
  });
});
