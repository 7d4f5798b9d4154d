/**
 * Edits and deletes racing each other, the room's cleanup and a reassignment: each race ends in one
 * consistent state, decided by the conditional writes. Races are made deterministic by holding
 * one call's write until the other call has finished.
 */
import { deleteMessage } from '../../lib/messages/deleteMessage';
import { editMessage } from '../../lib/messages/editMessage';
import { editMessageRequest } from '../../lib/messages/messageChangeRequest';
import { sendMessage } from '../../lib/messages/sendMessage';
import * as publisher from '../../lib/realtime/publisher';
import { reassignParticipant } from '../../lib/rooms/reassignParticipant';
import type { Actor, Tenant } from '../../lib/tenancy/tenant';
import { injectStoreFaults, STORE_FAULTS } from '../support/storeFaults';
import { newId, openConversation, tenant1 } from './chatFixtures';
import { at, cleanup, newTenant, partitionItems, refOf as refOfRoom, startRoom, T0 } from './cleanupFixtures';
import {
  ADMIN,
  deferred,
  holdWrite,
  isMessageUpdate,
  isRoomUpdate,
  outcomeOf,
  partitionOf,
  rawMessage,
  rawRoom,
  send,
  type WriteMatcher,
} from './messageChangeFixtures';

jest.mock('../../lib/realtime/publisher', () => ({
  publishToRoom: jest.fn(async () => ({ connections: 0, sent: 0, gone: 0, failed: 0, reached: [] })),
}));
const published = jest.mocked(publisher.publishToRoom);

const after = (seconds: number) => new Date(Date.parse('2031-06-01T12:00:00.000Z') + seconds * 1000);

const edit = (who: Actor, roomId: string, messageId: string, text: string, now?: Date, tenant: Tenant = tenant1) =>
  editMessage(tenant, who, { roomId, messageId }, editMessageRequest.parse({ text }), now);
const remove = (who: Actor, roomId: string, messageId: string, now?: Date, tenant: Tenant = tenant1) =>
  deleteMessage(tenant, who, { roomId, messageId }, now);

/**
 * Run `first` with its first write that `matches` held until `meanwhile` has finished, then let it
 * go on: `first`'s outcome and `meanwhile`'s result.
 */
const race = async <T>(matches: WriteMatcher, first: () => Promise<unknown>, meanwhile: () => Promise<T>, tenant: Tenant = tenant1) => {
  const release = deferred();
  const hold = holdWrite(matches, release.promise, tenant);
  try {
    const outcome = outcomeOf(first());
    await hold.held;
    const result = await meanwhile();
    release.resolve();
    return { outcome: await outcome, result };
  } finally {
    release.resolve();
    hold.stop();
  }
};

/** The message and the room's preview agree: same text (or both deleted) and same edit time. */
const expectConsistent = async (roomId: string, messageId: string) => {
  const message = (await rawMessage(roomId, messageId))!;
  const preview = (await rawRoom(roomId)).last_message;
  expect(preview._id).toBe(messageId);
  expect({ text: preview.text, edited_date: preview.edited_date, deleted: preview.deleted }).toEqual({
    text: message.text === undefined ? undefined : [...message.text].slice(0, 200).join(''),
    edited_date: message.edited_date,
    deleted: message.deleted,
  });
  return message;
};

describe('an edit racing a delete', () => {
  it('an edit whose room write comes after the delete is refused (MESSAGE_DELETED); both stay deleted', async () => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'original words', after(0));
    const { outcome, result } = await race(isRoomUpdate, () => edit(agent, room._id, message._id, 'edited words', after(1)), () =>
      remove(agent, room._id, message._id, after(2)),
    );
    expect(result).toMatchObject({ deleted: true });
    expect(outcome).toBe('MESSAGE_DELETED');
    await expectConsistent(room._id, message._id);
    expect(JSON.stringify(await partitionOf(room._id))).not.toMatch(/original words|edited words/);
  });

  it('an edit whose message write comes after the delete is refused, and the preview text it wrote is tombstoned by the delete', async () => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'original words', after(0));
    const { outcome } = await race(isMessageUpdate(message._id), () => edit(agent, room._id, message._id, 'edited words', after(1)), async () => {
      // The edit's preview is written by now; the delete finds it and tombstones it.
      expect((await rawRoom(room._id)).last_message.text).toBe('edited words');
      return remove(agent, room._id, message._id, after(2));
    });
    expect(outcome).toBe('MESSAGE_DELETED');
    expect(await expectConsistent(room._id, message._id)).toMatchObject({ deleted: true });
    expect(JSON.stringify(await partitionOf(room._id))).not.toMatch(/original words|edited words/);
  });

  it('a delete whose writes come after a whole edit removes the edited text too', async () => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'original words', after(0));
    const { outcome, result } = await race(isRoomUpdate, () => remove(agent, room._id, message._id, after(1)), () =>
      edit(agent, room._id, message._id, 'edited words', after(2)),
    );
    expect(result).toMatchObject({ text: 'edited words' });
    expect(outcome).toBe('resolved');
    expect(await expectConsistent(room._id, message._id)).toMatchObject({ deleted: true });
    expect(JSON.stringify(await partitionOf(room._id))).not.toMatch(/original words|edited words/);
  });
});

describe('an edit racing another edit', () => {
  it.each([
    ['room write', isRoomUpdate],
    ['message write', null],
  ] as const)('an edit whose %s comes after another whole edit ends with one text, in the message and the preview alike', async (_name, matcher) => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'v0', after(0));
    const { outcome, result } = await race(matcher ?? isMessageUpdate(message._id), () => edit(agent, room._id, message._id, 'v1', after(1)), () =>
      edit(agent, room._id, message._id, 'v2', after(2)),
    );
    expect(result).toMatchObject({ text: 'v2', edited_date: after(2).toISOString() });
    expect(outcome).toBe('resolved');
    // The held edit, refused by the later edit time, tried again after it: it is the latest now.
    const stored = await expectConsistent(room._id, message._id);
    expect(stored).toMatchObject({ text: 'v1', edited_date: new Date(after(2).getTime() + 1).toISOString() });
    const ids = published.mock.calls.filter(([, r]) => r._id === room._id).map(([, , event]) => event.event_id).filter((id) => id.startsWith('message.updated'));
    expect(new Set(ids).size).toBe(2);
  });

  it('six edits at once leave the message and its preview agreeing on the latest', async () => {
    const { room, agent } = await openConversation();
    const message = await send(tenant1, agent, room._id, 'v0', after(0));
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => outcomeOf(edit(agent, room._id, message._id, `v${i + 1}`, after(1)))));
    expect(outcomes.every((outcome) => outcome === 'resolved' || outcome === 'SERVICE_UNAVAILABLE')).toBe(true);
    expect(outcomes).toContain('resolved');
    const stored = await expectConsistent(room._id, message._id);
    expect(stored.text).toMatch(/^v[1-6]$/);
  });
});

describe('a delete racing the room\'s cleanup', () => {
  const expiredRoom = async () => {
    const tenant = await newTenant(1);
    const room = await startRoom(tenant, T0);
    const agent: Actor = { role: 'agent', userId: '133' };
    const { message } = await sendMessage(tenant, agent, room._id, { text: 'before the cleanup' }, T0);
    return { tenant, room, agent, message };
  };

  it.each([
    ['room write', isRoomUpdate],
    ['message write', null],
  ] as const)('a delete whose %s comes after the cleanup writes nothing back (404) and leaves the partition empty', async (_name, matcher) => {
    const { tenant, room, agent, message } = await expiredRoom();
    const { outcome, result } = await race(
      matcher ?? isMessageUpdate(message._id),
      () => remove(agent, room._id, message._id, at(T0, 3), tenant),
      () => cleanup([tenant], at(T0, 3)),
      tenant,
    );
    expect(result).toMatchObject({ deleted: 1 });
    expect(outcome).toBe('ROOM_NOT_FOUND');
    expect(await partitionItems(tenant, refOfRoom(room))).toEqual([]);
  });

  it('a cleanup after a whole delete removes the tombstone with the room', async () => {
    const { tenant, room, agent, message } = await expiredRoom();
    await remove(agent, room._id, message._id, at(T0, 3), tenant);
    await expect(cleanup([tenant], at(T0, 3))).resolves.toMatchObject({ deleted: 1 });
    expect(await partitionItems(tenant, refOfRoom(room))).toEqual([]);
  });
});

describe('a participant removed while changing a message', () => {
  it.each([
    ['edit', (who: Actor, roomId: string, messageId: string) => edit(who, roomId, messageId, 'after removal', after(2))],
    ['delete', (who: Actor, roomId: string, messageId: string) => remove(who, roomId, messageId, after(2))],
  ] as const)('an %s whose room write reaches the store after the reassignment writes nothing (404)', async (_name, change) => {
    const { room, agent } = await openConversation();
    // Not the newest message: a delete's room write is then only the check that the slot is still theirs.
    const message = await send(tenant1, agent, room._id, 'before removal', after(0));
    await send(tenant1, agent, room._id, 'newest', after(1));
    let afterReassignment: unknown;
    const { outcome } = await race(isRoomUpdate, () => change(agent, room._id, message._id), async () => {
      await reassignParticipant(tenant1, ADMIN, room._id, 'agent', newId(), after(1));
      afterReassignment = await partitionOf(room._id);
    });
    expect(outcome).toBe('ROOM_NOT_FOUND');
    expect(await partitionOf(room._id)).toEqual(afterReassignment);
    expect((await rawMessage(room._id, message._id))?.text).toBe('before removal');
  });
});

describe('a send\'s late write', () => {
  it('a put retried after its message was deleted does not bring the text back', async () => {
    const { room, agent } = await openConversation();
    let deleted: unknown;
    // The put is applied, its answer lost; before the SDK retries it, the sender deletes the message.
    const faults = injectStoreFaults(1, {
      tenants: [tenant1],
      fault: STORE_FAULTS.serverError,
      afterApplied: true,
      limit: 1,
      when: (command, wire) => command === 'PutItemCommand' && wire.includes('"MSG#'),
      during: async () => {
        const messageId = (await rawRoom(room._id)).last_message._id as string;
        deleted = await remove(agent, room._id, messageId, after(2));
      },
    });
    try {
      await sendMessage(tenant1, agent, room._id, { text: 'regrettable', client_message_id: 'late-put' }, after(1));
    } finally {
      faults.stop();
    }
    expect(deleted).toMatchObject({ deleted: true });
    expect(JSON.stringify(await partitionOf(room._id))).not.toContain('regrettable');
    const messages = (await partitionOf(room._id)).filter((item) => String(item.sk).startsWith('MSG#'));
    expect(messages).toEqual([expect.objectContaining({ deleted: true, client_message_id: 'late-put' })]);
  });
});
