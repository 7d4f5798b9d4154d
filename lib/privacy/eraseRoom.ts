import { randomBytes } from 'node:crypto';
import { deleteAttachments } from '../attachments/deleteAttachments';
import { AppError } from '../errors';
import { SLOT_OF_ROLE } from '../rooms/chatType';
import { addErasureCounts, enterRoom, leaveRoom } from '../store/erasures';
import type { TenantKeyScope } from '../store/keys';
import { eraseFromRoomItem, eraseMessage, lockSlot, queryPersonClaimKeys, queryPersonMessages, readRoomOfPerson } from '../store/privacy';
import { deleteItems } from '../store/tenantItems';
import type { PersonRef } from './person';

/**
 * Who the person becomes in a room once erased: `erased-` and 16 random hex digits, drawn anew for
 * each room. Nothing of their id goes into it (a hash of an id could be reversed by trying ids),
 * so it identifies no one; it is the same for their slot and all their messages in that room, so
 * the others' conversation stays coherent, and differs between rooms, so rooms cannot be linked.
 */
const newAnonymousId = (): string => `erased-${randomBytes(8).toString('hex')}`;

export const isAnonymousId = (id: string | undefined): boolean => id !== undefined && /^erased-[0-9a-f]{16}$/.test(id);

export interface RoomErasureContext {
  tenant: TenantKeyScope;
  person: PersonRef;
  /** `deleted_date` of the messages this erasure deletes. */
  now: string;
  /** True once the caller's time is up: the erasure stops between two steps and resumes on the next call. */
  outOfTime: () => boolean;
}

/** How a room was left: done (something of the person's was there), nothing of theirs there, or stopped for time. */
export type RoomOutcome = 'erased' | 'untouched' | 'interrupted';

/** Where a room came from: the person's index, the caller's list, or an erasure interrupted in it. */
export type RoomSource = 'index' | 'named' | 'pending';

/** Writes in flight at once while messages are erased (one UpdateItem each). */
const PARALLEL_WRITES = 10;

/** Messages examined per page, so the time left is looked at every few dozen writes. */
const MESSAGES_PAGE = 200;

const busy = () => new AppError('SERVICE_UNAVAILABLE', 'A room of this person is changing right now; send the request again', undefined, { retryAfterSeconds: 1 });

/** Their messages in the partition become tombstones; the number erased (a repeat erases none). */
const eraseMessages = async (context: RoomErasureContext, ref: string, anonymousId: string): Promise<number | 'interrupted'> => {
  const { tenant, person } = context;
  let total = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    if (context.outOfTime()) return 'interrupted';
    const page = await queryPersonMessages(tenant, ref, person, startKey, MESSAGES_PAGE);
    let erased = 0;
    for (let start = 0; start < page.messages.length; start += PARALLEL_WRITES) {
      const batch = page.messages.slice(start, start + PARALLEL_WRITES);
      const results = await Promise.all(
        batch.map(async (message) => {
          // Their files first: an erasure that stops here deletes them again when it resumes.
          await deleteAttachments(tenant, message.room_id, message._id, message.attachments ?? []);
          return eraseMessage(tenant, ref, message._id, person, anonymousId, context.now);
        }),
      );
      erased += results.filter(Boolean).length;
    }
    // Counted page by page, so an erasure stopped midway still reports what it did.
    await addErasureCounts(tenant, person, { messages: erased });
    total += erased;
    startKey = page.next;
  } while (startKey);
  return total;
};

/**
 * The room item's traces of the person (see eraseFromRoomItem), from a fresh read; tried again when
 * the room changed in between (a newer message took the preview). True if it held anything of theirs.
 */
const eraseRoomItem = async (context: RoomErasureContext, ref: string, anonymousId: string): Promise<boolean> => {
  const { tenant, person } = context;
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await readRoomOfPerson(tenant, ref, person);
    if (!found) return false;
    const { room, indexed, rateAttributes } = found;
    const preview = room.last_message;
    const theirs = preview !== undefined && preview.sender_id === person.userId && preview.sender_type === person.role;
    if (!indexed && !theirs && rateAttributes.length === 0) return false;
    const holder = room[SLOT_OF_ROLE[person.role]];
    // Their slot, not yet taken from them (a lock that lost a race): take it first.
    if (indexed && holder === person.userId) {
      await lockSlot(tenant, ref, room._id, person, anonymousId);
      continue;
    }
    // The slot keeps the id it was locked with, should two erasures have raced to lock it.
    const anonymous = indexed && isAnonymousId(holder) ? holder! : anonymousId;
    const erased = await eraseFromRoomItem(tenant, ref, person, {
      roomId: room._id,
      indexed,
      anonymousId: anonymous,
      rateAttributes,
      ...(theirs && {
        preview: {
          messageId: preview._id,
          tombstone: { _id: preview._id, sender_id: anonymous, sender_type: preview.sender_type, created_date: preview.created_date, deleted: true, deleted_date: context.now },
        },
      }),
    });
    if (erased) return true;
  }
  throw busy();
};

/**
 * Erase the person from one room partition, in an order that a crash at any point leaves
 * resumable: the room is first noted in the erasure's progress with the anonymous id it will use
 * there; their slot is taken from them (so nothing new of theirs arrives), while the index still
 * finds the room; then their messages become tombstones and their `client_message_id` claims go;
 * then the room item loses their profile, read cursor, pacing state and preview and its index
 * entry stops naming them; last, the room leaves the progress. Each step is conditional or
 * idempotent, so repeating any of them changes nothing.
 */
export const eraseFromRoom = async (context: RoomErasureContext, ref: string, source: RoomSource): Promise<RoomOutcome> => {
  const { tenant, person } = context;
  const found = await readRoomOfPerson(tenant, ref, person);
  // The index is read eventually consistently: an entry may name a room already done.
  if (source === 'index' && !found?.indexed) return 'untouched';
  const anonymousId = await enterRoom(tenant, person, ref, newAnonymousId());
  let touched = found?.indexed ?? false;
  if (found?.indexed && found.room[SLOT_OF_ROLE[person.role]] === person.userId) {
    await lockSlot(tenant, ref, found.room._id, person, anonymousId);
  }
  const messages = await eraseMessages(context, ref, anonymousId);
  if (messages === 'interrupted') return 'interrupted';
  const claims = await queryPersonClaimKeys(tenant, ref, person);
  if (claims.length > 0) await deleteItems(tenant, claims);
  if (await eraseRoomItem(context, ref, anonymousId)) touched = true;
  touched ||= messages > 0 || claims.length > 0;
  await leaveRoom(tenant, person, ref, { rooms: touched ? 1 : 0, client_message_ids: claims.length });
  return touched ? 'erased' : 'untouched';
};
