import { ulid } from 'ulid';
import {
  addErasureCounts,
  completeErasure,
  ErasureCompletedElsewhere,
  getErasureProgress,
  startOrResumeErasure,
  type ErasureProgress,
} from '../store/erasures';
import type { TenantKeyScope } from '../store/keys';
import { queryIndexedRoomRefs, queryPersonConnections } from '../store/privacy';
import { deleteItems } from '../store/tenantItems';
import type { Actor } from '../tenancy/tenant';
import { eraseFromRoom, type RoomErasureContext, type RoomSource } from './eraseRoom';
import { adminOnly, noCounts, roomRefsOf, type PersonRef, type RequestedBy } from './person';
import type { ErasePersonRequest } from './privacyRequests';
import type { ErasureData } from './privacySchemas';

export interface ErasePersonOptions {
  /** Room partitions to erase the person from that their index may not find (rooms they were reassigned out of). */
  roomRefs?: readonly string[];
  requestedBy: RequestedBy;
  /** Epoch ms: past it, no further step starts and the answer is `in_progress` (the next call resumes). */
  deadline?: number;
  now?: Date;
}

/** Index entries read per Query while erasing. */
const INDEX_PAGE = 25;

const resultOf = (person: PersonRef, progress: Omit<ErasureProgress, 'pending'>, completedDate?: string): ErasureData => ({
  erasure_id: progress.erasure_id,
  status: completedDate ? 'complete' : 'in_progress',
  role: person.role,
  requested_by: progress.requested_by,
  requested_date: progress.requested_date,
  completed_date: completedDate ?? null,
  counts: progress.counts,
});

/** Every room the person's index names, pass after pass until one pass finds nothing left of theirs. */
const eraseIndexedRooms = async (context: RoomErasureContext): Promise<'done' | 'interrupted'> => {
  for (;;) {
    let erasedInPass = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await queryIndexedRoomRefs(context.tenant, context.person, { limit: INDEX_PAGE, startKey });
      for (const ref of page.refs) {
        if (context.outOfTime()) return 'interrupted';
        const outcome = await eraseFromRoom(context, ref, 'index');
        if (outcome === 'interrupted') return 'interrupted';
        if (outcome === 'erased') erasedInPass++;
      }
      startKey = page.next;
    } while (startKey);
    // Another pass proves the index names none of their rooms any more (one may have been started meanwhile).
    if (erasedInPass === 0) return 'done';
  }
};

const eraseOnce = async (tenant: TenantKeyScope, person: PersonRef, options: ErasePersonOptions): Promise<ErasureData> => {
  const now = options.now ?? new Date();
  const { progress } = await startOrResumeErasure(tenant, person, {
    erasure_id: ulid(now.getTime()),
    requested_by: options.requestedBy,
    requested_date: now.toISOString(),
  });
  const context: RoomErasureContext = {
    tenant,
    person,
    now: now.toISOString(),
    outOfTime: () => options.deadline !== undefined && Date.now() >= options.deadline,
  };
  const stopped = async (): Promise<ErasureData> => resultOf(person, (await getErasureProgress(tenant, person)) ?? { ...progress, counts: noCounts() });

  const connections = await queryPersonConnections(tenant, person);
  if (connections.length > 0) {
    await deleteItems(tenant, connections.map((connection) => connection.key));
    await addErasureCounts(tenant, person, { connections: connections.length });
  }

  const named = [...new Set(options.roomRefs ?? [])];
  const rooms: [string, RoomSource][] = [
    ...Object.keys(progress.pending).map((ref): [string, RoomSource] => [ref, 'pending']),
    ...named.map((ref): [string, RoomSource] => [ref, 'named']),
  ];
  for (const [ref, source] of rooms) {
    if (context.outOfTime() || (await eraseFromRoom(context, ref, source)) === 'interrupted') return stopped();
  }
  if ((await eraseIndexedRooms(context)) === 'interrupted') return stopped();

  const final = await getErasureProgress(tenant, person);
  if (!final) throw new ErasureCompletedElsewhere();
  const completedDate = new Date().toISOString();
  await completeErasure(tenant, person, { ...final, role: person.role, completed_date: completedDate });
  return resultOf(person, final, completedDate);
};

/**
 * Erase one person of one tenant: their connections, then every room they are erased from (an
 * interrupted one first, then the named ones, then their index's), then the audit record. Until
 * the last step the progress record exists and the answer is `in_progress`; only a run that found
 * nothing left reports `complete`. Another tenant's person with the same id is never read: every
 * key is the tenant's.
 */
export const erasePerson = async (tenant: TenantKeyScope, person: PersonRef, options: ErasePersonOptions): Promise<ErasureData> => {
  // A concurrent run completed the erasure under this one: start over, to erase whatever it could not have seen.
  try {
    return await eraseOnce(tenant, person, options);
  } catch (error) {
    if (!(error instanceof ErasureCompletedElsewhere)) throw error;
    return eraseOnce(tenant, person, options);
  }
};

/** `POST /api/v1/chat/privacy/erasures`: a tenant admin erases one person, within the time the request has. */
export const erasePersonForAdmin = (tenant: TenantKeyScope, actor: Actor, request: ErasePersonRequest, deadline?: number): Promise<ErasureData> => {
  adminOnly(actor, "erase a person's data");
  return erasePerson(
    tenant,
    { role: request.role, userId: request.user_id },
    { roomRefs: roomRefsOf(request.room_ids), requestedBy: { via: 'http', role: actor.role, user_id: actor.userId }, deadline },
  );
};
