import { logger } from '../log';
import { deliverRoomEvent } from '../realtime/delivery';
import { roomOpened } from '../realtime/events';
import { releaseRoomNumber } from '../store/roomNumbers';
import { createRoom, getRoomByRef, settleReopen, touchRoomAsMember, type RoomUpsert } from '../store/rooms';
import { assertActsAs } from '../tenancy/authorize';
import type { Actor, Tenant } from '../tenancy/tenant';
import { PARTICIPANT_ROLES, type ParticipantRole } from './chatType';
import { conversationRef, objectId, roomObjectId } from './identifiers';
import { roomExpiry } from './retention';
import type { Participant, Room } from './room';
import { admits, roomEntryFor, roomNotFound } from './roomAccess';
import type { RoomEntry } from './roomEntry';
import { reserveGeneratedNumber, reserveOrderNumber } from './roomNumbers';
import type { StartChatRequest } from './startChatRequest';

/**
 * A lost creation race sends the caller back to touch the winner's room; a room deleted by
 * cleanup in that instant sends it round once more. Beyond that something is wrong.
 */
const ENTRY_ATTEMPTS = 3;

const slotIds = (request: StartChatRequest, entry: RoomEntry): Partial<Record<ParticipantRole, string>> => ({
  ...(entry.namesOthers && { agent: request.agent_id, user: request.order_user_id, vendor: request.vendor_user_id }),
  [request.type.initiator]: request.user_id,
});

const participantsOf = (request: StartChatRequest, entry: RoomEntry, now: Date): Partial<Record<ParticipantRole, Participant>> => {
  const ids = slotIds(request, entry);
  const at = now.toISOString();
  const participants: Partial<Record<ParticipantRole, Participant>> = {};
  for (const role of PARTICIPANT_ROLES) {
    const userId = ids[role];
    if (!userId) continue;
    const profile = role === request.type.initiator ? request.participant : undefined;
    participants[role] = { _id: objectId(now), user_type: role, user_id: userId, ...profile, created_date: at, updated_date: at };
  }
  return participants;
};

/**
 * Reserve the new room's number before the room exists, so no room ever carries an unreserved
 * number: the order's number (shared by the order's conversations; one another order holds is
 * refused, 409, before anything is written), or a fresh one for the room.
 */
const reserveNumberFor = async (tenant: Tenant, request: StartChatRequest, roomId: string): Promise<string> => {
  if (!request.order_number) return reserveGeneratedNumber(tenant, roomId);
  await reserveOrderNumber(tenant, request.order_number, request.order_id);
  return request.order_number;
};

/**
 * A touch that reopened the room leaves its time in `reopened_at` until everyone has been told:
 * this touch tells them (also when it is a retry of the one that reopened it, or another caller's
 * touch after that one failed to tell), then marks the reopen told. Telling fails with 503, the
 * reopen still pending, so the client's retry tells again, with the same event id.
 */
const tellReopen = async (tenant: Tenant, ref: string, room: Room): Promise<void> => {
  if (!room.reopened_at) return;
  await deliverRoomEvent(tenant, room, roomOpened(room), { retryable: true });
  try {
    await settleReopen(tenant, ref, room._id, room.reopened_at);
  } catch (error) {
    // Only a repeat of the event, with the same id, follows from a reopen left pending.
    logger.warn('Could not mark a reopen as told; the next touch tells it again', { room: room._id, error });
  }
};

/**
 * Get or create the room of one conversation about one order, and touch it, for a caller the
 * membership rule (roomEntryFor) lets in. The conversation is (tenant, order_id, order_vendor_id,
 * canonical type); calling again returns the same room, fills slots that were empty and reopens it
 * if it was closed.
 *
 * A warm call is one request: the touch, whose condition is the membership rule. Only when that
 * touch finds no room does a caller who may create read, reserve a number, then create. Anyone
 * refused gets the 404 a missing room gets, and nothing of theirs is written.
 *
 * Retries: the touch is idempotent; a create whose answer was lost finds its own room, which keeps
 * the number it carries; a reopen is told (`room.opened`) until it is known delivered.
 */
export const startChat = async (tenant: Tenant, actor: Actor, request: StartChatRequest, now = new Date()): Promise<Room> => {
  assertActsAs(actor, request.user_id, request.type.initiator);
  const entry = roomEntryFor(actor, request.order_id, request.type.initiator, request.user_id, { staffOrderClaims: tenant.staffOrderClaims });

  const conversation = `${request.order_id}#${request.order_vendor_id}#${request.type.type}`;
  const ref = conversationRef(tenant.clientId, conversation);
  const upsert: RoomUpsert = {
    ref,
    conversation,
    fields: {
      type: request.type.type,
      order_id: request.order_id,
      order_vendor_id: request.order_vendor_id,
      vendor_id: request.vendor_id,
      agent_db: request.agent_db ?? tenant.dbName,
      db_name: tenant.dbName,
      sub_domain: tenant.subDomain,
      client_id: tenant.clientId,
    },
    participants: participantsOf(request, entry, now),
    ...(entry.seat && request.participant && { ownProfile: request.participant }),
    now: now.toISOString(),
    expiresAt: roomExpiry(tenant, now),
  };

  for (let attempt = 0; attempt < ENTRY_ATTEMPTS; attempt++) {
    const touched = await touchRoomAsMember(tenant, upsert, entry.seat);
    if (touched) {
      await tellReopen(tenant, ref, touched);
      return touched;
    }
    // No room and the caller may not create one, or a room that does not let the caller in:
    // either way the same 404. A room that does let them in appeared after the touch: go round.
    if (!entry.mayCreate) throw roomNotFound();
    const existing = await getRoomByRef(tenant, ref);
    if (existing) {
      const sameConversation =
        existing.order_id === request.order_id && existing.order_vendor_id === request.order_vendor_id && existing.type === request.type.type;
      if (!sameConversation || !admits(existing, entry)) throw roomNotFound();
      continue;
    }

    const _id = roomObjectId(ref, now);
    const room_id = await reserveNumberFor(tenant, request, _id);
    const created = await createRoom(tenant, { ...upsert, _id, room_id });
    if (created) return created;
    // The room exists: another caller created it first, or this very put was applied and its
    // answer lost. A room carrying our number is ours (no one else holds it) and keeps it; else free
    // the number. Either way, enter the room as any caller does.
    if (!request.order_number && (await getRoomByRef(tenant, ref))?.room_id !== room_id) await releaseRoomNumber(tenant, room_id, _id);
  }
  throw new Error('startChat did not settle on a room');
};
