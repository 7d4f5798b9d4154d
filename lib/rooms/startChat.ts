import { roomOpened } from '../realtime/events';
import { publishToRoom } from '../realtime/publisher';
import { releaseRoomNumber } from '../store/roomNumbers';
import { createRoom, getRoomByRef, touchRoomAsMember, type RoomUpsert } from '../store/rooms';
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
 * Get or create the room of one conversation about one order, and touch it, for a caller the
 * membership rule (roomEntryFor) lets in. The conversation is (tenant, order_id, order_vendor_id,
 * canonical type); calling again returns the same room, fills slots that were empty and reopens it
 * if it was closed.
 *
 * A warm call is one request: the touch, whose condition is the membership rule. Only when that
 * touch finds no room does a caller who may create read, reserve a number, then create. Anyone
 * refused gets the 404 a missing room gets, and nothing of theirs is written.
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
      if (touched.status_before_touch === false) await publishToRoom(tenant, touched, roomOpened(touched));
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
    // Another caller created it first: free the number and enter their room instead.
    if (!request.order_number) await releaseRoomNumber(tenant, room_id, _id);
  }
  throw new Error('startChat did not settle on a room');
};
