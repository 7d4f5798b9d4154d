import { deleteRoomAttachments } from '../attachments/deleteAttachments';
import { refOfRoomId } from '../rooms/identifiers';
import {
  batchDelete,
  deleteRoomIfExpiredAt,
  deleteTombstone,
  getTombstone,
  putTombstone,
  queryRoomChildrenPage,
  storedRoomId,
  type BatchDeleteOptions,
} from '../store/cleanup';
import { expiryIndexAttributes, roomKey, roomPartition, roomTombstoneKey, type ItemKey, type TenantKeyScope } from '../store/keys';
import { releaseRoomNumber } from '../store/roomNumbers';
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
 * Whether a deleted room may hold files: known from the room item this pass deleted; unknown
 * (undefined) when an earlier or concurrent pass deleted it, and then its files are looked for.
 */
type MayHoldFiles = boolean | undefined;

/**
 * Delete everything stored under a deleted room, then the files sent in it (only if it may hold
 * any: a room never marked costs no S3 request), then its number reservation, then its tombstone.
 * Stops between pages when the budget runs out; the tombstone then keeps its place in byExpiry.
 */
const cascade = async (tenant: TenantKeyScope, room: DeadRoom, files: MayHoldFiles, tombstone: ItemKey, options: RemovalOptions) => {
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
  // The files sent in the room, before the tombstone that brings a cut-short pass back to them goes.
  if (files !== false && !(await deleteRoomAttachments(tenant, room._id, options.budget)).complete) return { complete: false, children, retries };
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

const skipped: RemovalOutcome = { result: 'skipped', complete: true, children: 0, retries: 0 };

type Settled = { state: 'deleted'; files: boolean } | { state: 'alive' | 'gone' };

/**
 * The room of a tombstone is deleted if it is still expired at `selectedAt`. If it is not (it was
 * touched after its tombstone was written), the tombstone is withdrawn and the room lives on whole;
 * if it is gone or another incarnation holds the partition, its cascade is due.
 */
const settleRoom = async (tenant: TenantKeyScope, room: DeadRoom, tombstone: ItemKey, selectedAt: number): Promise<Settled> => {
  const key = roomKey(tenant, room.ref);
  const deleted = await deleteRoomIfExpiredAt(tenant, key, room._id, selectedAt);
  if (deleted) return { state: 'deleted', files: deleted.hasFiles };
  if ((await storedRoomId(tenant, key)) !== room._id) return { state: 'gone' };
  await deleteTombstone(tenant, tombstone);
  return { state: 'alive' };
};

/**
 * Deletion, the second phase of a pass, for one selected candidate. The room's tombstone is written
 * first, so no crash can leave children without a record of their room; then the room item goes,
 * only if it is still this incarnation and still expired at selection time, so a room touched after
 * selection survives whole (its tombstone withdrawn) and two passes never both delete it. A
 * cascade cut short keeps its tombstone in byExpiry, and a later pass finishes it.
 */
export const removeCandidate = async (tenant: TenantKeyScope, candidate: Candidate, options: RemovalOptions): Promise<RemovalOutcome> => {
  if (candidate.kind === 'room' && candidate.room) {
    const room = { ref: refOf(tenant, candidate, candidate.room._id), ...candidate.room };
    const tombstone = roomTombstoneKey(tenant, room.ref, room._id);
    await putTombstone(tenant, tombstone, {
      deleted_room: room._id,
      ...(room.room_id && { room_id: room.room_id }),
      // The room's place in byExpiry; no TTL attribute: TTL must never remove it before the cascade.
      ...expiryIndexAttributes(tenant, candidate.expiryHour),
    });
    const settled = await settleRoom(tenant, room, tombstone, candidate.selectedAt);
    // Gone already: another pass deleted it and carries its cascade (or leaves the tombstone for the next).
    if (settled.state !== 'deleted') return skipped;
    return { result: 'deleted', ...(await cascade(tenant, room, settled.files, tombstone, options)) };
  }
  if (candidate.kind === 'tombstone') {
    const tombstone = { pk: candidate.pk, sk: candidate.sk };
    const found = await getTombstone(tenant, tombstone);
    // Another pass finished this cascade since selection.
    if (!found) return skipped;
    const room = { ref: refOf(tenant, candidate, found.deleted_room), _id: found.deleted_room, room_id: found.room_id };
    // A pass that stopped between the tombstone and the room's delete left the room in place.
    const settled = await settleRoom(tenant, room, tombstone, candidate.selectedAt);
    if (settled.state === 'alive') return skipped;
    const files = settled.state === 'deleted' ? settled.files : undefined;
    return { result: settled.state === 'deleted' ? 'deleted' : 'resumed', ...(await cascade(tenant, room, files, tombstone, options)) };
  }
  return { result: 'ignored', complete: true, children: 0, retries: 0 };
};
