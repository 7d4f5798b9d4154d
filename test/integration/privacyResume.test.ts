import { listMessages } from '../../lib/messages/listMessages';
import { listMessagesParams } from '../../lib/messages/listMessagesParams';
import { erasePerson } from '../../lib/privacy/erasePerson';
import { roomRefsOf, type PersonRef } from '../../lib/privacy/person';
import { isAnonymousId } from '../../lib/privacy/eraseRoom';
import { getRoom } from '../../lib/rooms/getRoom';
import { refOfRoomId } from '../../lib/rooms/identifiers';
import { listRooms } from '../../lib/rooms/listRooms';
import { listRoomsParams } from '../../lib/rooms/roomParams';
import { documentClient } from '../../lib/store/client';
import { getErasureProgress, listErasureAudits } from '../../lib/store/erasures';
import { roomPartition } from '../../lib/store/keys';
import { actor, tenant1 } from './chatFixtures';
import { itemsNaming, personWithRooms, type PersonFixture } from './privacyFixtures';

const WRITES = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)Command$/;

/** Run `body` with the tenant's store client failing every write after the first `writes`: a crash midway. */
const crashingAfter = async <T>(writes: number, body: () => Promise<T>): Promise<T> => {
  const name = `crash-${Math.random()}`;
  let count = 0;
  const crash = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    if (WRITES.test(context.commandName ?? '') && ++count > writes) throw new Error('injected crash');
    return next(args);
  };
  documentClient(tenant1).middlewareStack.add(crash as never, { step: 'initialize', name });
  try {
    return await body();
  } finally {
    documentClient(tenant1).middlewareStack.remove(name);
  }
};

const personOf = (fixture: PersonFixture): PersonRef => ({ role: 'user', userId: fixture.person.userId });

/** Where an erasure resumed now would look: the person's index, the rooms it is in the middle of, and the rooms the caller names. */
const findableRefs = async (fixture: PersonFixture): Promise<Set<string>> => {
  const listed = await listRooms(tenant1, actor('admin', '1'), listRoomsParams.parse({ role: 'user', user_id: fixture.person.userId, limit: '100' }));
  const pending = Object.keys((await getErasureProgress(tenant1, personOf(fixture)))?.pending ?? {});
  return new Set([...listed.rooms.map((room) => refOfRoomId(room._id)!), ...pending, ...roomRefsOf([fixture.former.roomId])]);
};

/** The room partitions that still hold anything of the person. */
const refsHoldingThem = async (fixture: PersonFixture): Promise<Set<string>> => {
  const rooms = roomPartition(tenant1, '');
  return new Set(
    (await itemsNaming(tenant1, fixture.secrets)).flatMap((item) => (String(item.pk).startsWith(rooms) ? [String(item.pk).slice(rooms.length)] : [])),
  );
};

const erase = (fixture: PersonFixture) =>
  erasePerson(tenant1, personOf(fixture), { roomRefs: roomRefsOf([fixture.former.roomId]), requestedBy: { via: 'cli' } });

const expectErased = async (fixture: PersonFixture) => {
  expect(await itemsNaming(tenant1, fixture.secrets)).toEqual([]);
  for (const room of fixture.current) {
    const { messages } = await listMessages(tenant1, room.other, listMessagesParams.parse({ _id: room.roomId, limit: '100' }));
    expect(messages.reverse().map((message) => [message._id, message.text])).toEqual(
      room.sent.map((sent) => [sent.id, sent.by === 'other' ? sent.text : undefined]),
    );
  }
};

describe('an erasure interrupted midway', () => {
  it('completes on a later call, whichever write it stopped at, and never reports done before it is', async () => {
    const fixture = await personWithRooms(tenant1);
    const auditsBefore = (await listErasureAudits(tenant1)).length;
    let crashes = 0;
    let result: Awaited<ReturnType<typeof erase>> | undefined;
    // Each call crashes after a few more writes, so successive calls stop at different steps of different rooms.
    for (let attempt = 1; attempt <= 60 && !result; attempt++) {
      try {
        result = await crashingAfter(3 + (attempt % 4), () => erase(fixture));
      } catch (error) {
        expect(error).toEqual(new Error('injected crash'));
        crashes++;
        // Interrupted: no audit record yet (unless the crash came after it, with only the progress record left to delete)...
        if ((await listErasureAudits(tenant1)).length > auditsBefore) {
          expect((await itemsNaming(tenant1, fixture.secrets)).map((item) => item.sk)).toEqual(['ERASURE']);
        }
        // ...and every room still holding anything of theirs is one a resumed call will visit.
        const findable = await findableRefs(fixture);
        for (const ref of await refsHoldingThem(fixture)) expect(findable).toContain(ref);
      }
    }
    expect(crashes).toBeGreaterThan(5);
    expect(result).toMatchObject({ status: 'complete' });
    const audits = (await listErasureAudits(tenant1)).filter((audit) => audit.erasure_id === result!.erasure_id);
    expect(audits).toHaveLength(1);
    expect(await getErasureProgress(tenant1, personOf(fixture))).toBeUndefined();
    await expectErased(fixture);
  });

  it('completes from a crash after the slot was taken and before anything else', async () => {
    const fixture = await personWithRooms(tenant1);
    // Progress record, connections (delete and count), the former room (enter, 2 messages, count, claim, room item, leave), then the first current room's entry and lock.
    await expect(crashingAfter(12, () => erase(fixture))).rejects.toThrow('injected crash');
    const slots = await Promise.all(fixture.current.map(async (room) => (await getRoom(tenant1, room.other, room.roomId)).order_user_id));
    expect(slots.filter(isAnonymousId)).toHaveLength(1);
    // The locked room is still listed under their id, so a resumed call finds it; the slot no longer admits them.
    const listed = await listRooms(tenant1, actor('admin', '1'), listRoomsParams.parse({ role: 'user', user_id: fixture.person.userId }));
    expect(listed.rooms.map((room) => room._id).sort()).toEqual(fixture.current.map((room) => room.roomId).sort());
    await expect(getRoom(tenant1, fixture.person, fixture.current[slots.findIndex(isAnonymousId)]!.roomId)).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' });
    const resumed = await erase(fixture);
    expect(resumed.status).toBe('complete');
    await expectErased(fixture);
  });

  it('stops at the deadline with in_progress, and the next call continues', async () => {
    const fixture = await personWithRooms(tenant1);
    const first = await erasePerson(tenant1, personOf(fixture), { requestedBy: { via: 'cli' }, deadline: Date.now() });
    expect(first).toMatchObject({ status: 'in_progress', completed_date: null, counts: { connections: 1, rooms: 0 } });
    expect((await listErasureAudits(tenant1)).some((audit) => audit.erasure_id === first.erasure_id)).toBe(false);
    const second = await erase(fixture);
    expect(second).toMatchObject({ status: 'complete', erasure_id: first.erasure_id, counts: { connections: 1, rooms: 4, messages: 6 } });
    await expectErased(fixture);
  });

  it('two erasures of one person at once both complete, and nothing of theirs is left', async () => {
    const fixture = await personWithRooms(tenant1);
    const results = await Promise.all([erase(fixture), erase(fixture)]);
    expect(results.map((result) => result.status)).toEqual(['complete', 'complete']);
    await expectErased(fixture);
  });
});
