import { refOfRoomId } from '../rooms/identifiers';
import { batchDelete, type BatchDeleteOptions } from '../store/batchDelete';
import { expiryIndexAttributes, roomPartition, roomTombstoneKey, type ItemKey, type TenantKeyScope } from '../store/keys';
import { releaseRoomNumber } from '../store/roomNumbers';
import { deleteRoomIfExpiredAt } from '../store/roomDeletion';
import { queryRoomChildrenPage } from '../store/roomChildren';
import { deleteTombstone, getTombstone, putTombstone } from '../store/tombstones';
import type { TimeBudget } from './budget';
import type { Candidate } from './selectExpired';

export interface RemovalOptions {
  budget: TimeBudget;
  /** Items of the room's partition examined per page of the cascade (one budget check each). */
  childPageSize: number;
  batch?: BatchDeleteOptions;
}

export interface RemovalOutcome {
  /**
   * `deleted`: this call deleted the room; `skipped`: the room was touched since selection or
   * another pass deleted it first; `resumed`: this call carried on a cascade a pass left unfinished;
   * `ignored`: not a room (nothing to do).
   */
  result: 'deleted' | 'skipped' | 'resumed' | 'ignored';
  /** False if the budget ran out mid-cascade; the tombstone stays for the next pass. */
  complete: boolean;
  children: number;
  retries: number;
}

interface DeadRoom {
  ref: string;
  _id: string;
  room_id?: string;
}

/**
 * Delete everything stored under a deleted room, then its number reservation, then its tombstone.
 * Stops between pages when the budget runs out; the tombstone then keeps its place in byExpiry.
 */
const cascade = async (tenant: TenantKeyScope, room: DeadRoom, tombstone: ItemKey, options: RemovalOptions) => {
  let children = 0;
  let retries = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    if (options.budget.exhausted()) return { complete: false, children, retries };
    const page = await queryRoomChildrenPage(tenant, room.ref, room._id, { limit: options.childPageSize, startKey });
    const batch = await batchDelete(tenant, page.keys, options.batch);
    children += batch.deleted;
    retries += batch.retries;
    startKey = page.next;
  } while (startKey);
  if (room.room_id) await releaseRoomNumber(tenant, room.room_id, room._id);
  await deleteTombstone(tenant, tombstone);
  return { complete: true, children, retries };
};

const refOf = (tenant: TenantKeyScope, candidate: Candidate, roomId: string): string => {
  const ref = refOfRoomId(roomId);
  // A room's `_id` names its partition; anything else is not a room this code wrote.
  if (!ref || roomPartition(tenant, ref) !== candidate.pk) throw new Error('Room _id does not match its partition');
  return ref;
};

/**
 * Deletion, the second phase of a pass, for one selected candidate. The room item goes first and
 * only if it is still expired at selection time, so a room touched after selection survives whole
 * and two passes never both delete it. A tombstone is written at once so that a cascade cut short
 * is finished by a later pass.
 */
export const removeCandidate = async (tenant: TenantKeyScope, candidate: Candidate, options: RemovalOptions): Promise<RemovalOutcome> => {
  if (candidate.kind === 'room') {
    const deleted = await deleteRoomIfExpiredAt(tenant, candidate, candidate.selectedAt);
    if (!deleted) return { result: 'skipped', complete: true, children: 0, retries: 0 };
    const room = { ref: refOf(tenant, candidate, deleted._id), ...deleted };
    const tombstone = roomTombstoneKey(tenant, room.ref, room._id);
    await putTombstone(tenant, tombstone, {
      deleted_room: room._id,
      ...(room.room_id && { room_id: room.room_id }),
      // The room's place in byExpiry, and no `expires_at`: TTL must not remove it before the cascade.
      ...expiryIndexAttributes(tenant, candidate.expiryHour),
    });
    return { result: 'deleted', ...(await cascade(tenant, room, tombstone, options)) };
  }
  if (candidate.kind === 'tombstone') {
    const tombstone = { pk: candidate.pk, sk: candidate.sk };
    const found = await getTombstone(tenant, tombstone);
    // Another pass finished this cascade since selection.
    if (!found) return { result: 'skipped', complete: true, children: 0, retries: 0 };
    const room = { ref: refOf(tenant, candidate, found.deleted_room), _id: found.deleted_room, room_id: found.room_id };
    return { result: 'resumed', ...(await cascade(tenant, room, tombstone, options)) };
  }
  return { result: 'ignored', complete: true, children: 0, retries: 0 };
};
