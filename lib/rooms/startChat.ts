import { assertActsAs } from '../tenancy/authorize';
import type { Actor, Tenant } from '../tenancy/tenant';
import { renumberRoom, reserveRoomNumber, upsertRoom } from '../store/rooms';
import { PARTICIPANT_ROLES, type ParticipantRole } from './chatType';
import { conversationRef, objectId, randomRoomNumber, roomObjectId } from './identifiers';
import { roomExpiry } from './retention';
import type { Participant, Room } from './room';
import type { StartChatRequest } from './startChatRequest';

/** A taken room number is a 1-in-10^8-per-room event; a few fresh draws always suffice. */
const ROOM_NUMBER_ATTEMPTS = 5;

const slotIds = (request: StartChatRequest): Partial<Record<ParticipantRole, string>> => ({
  agent: request.agent_id,
  user: request.order_user_id,
  vendor: request.vendor_user_id,
  [request.type.initiator]: request.user_id,
});

const participantsOf = (request: StartChatRequest, now: Date): Partial<Record<ParticipantRole, Participant>> => {
  const ids = slotIds(request);
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
 * Keep a generated `room_id` unique within the tenant. The room is already written (that write
 * is what decides which concurrent caller created it), so on a clash it is renumbered.
 */
const claimRoomNumber = async (tenant: Tenant, ref: string, room: Room): Promise<Room> => {
  if (await reserveRoomNumber(tenant, room.room_id, room._id)) return room;
  for (let attempt = 1; attempt < ROOM_NUMBER_ATTEMPTS; attempt++) {
    const next = randomRoomNumber();
    if (await reserveRoomNumber(tenant, next, room._id)) return renumberRoom(tenant, ref, room.room_id, next);
  }
  throw new Error('Could not reserve a room number');
};

/**
 * Get or create the room of one conversation about one order, and touch it.
 * The conversation is (tenant, order_id, order_vendor_id, canonical type); calling again returns
 * the same room, fills slots that were empty and reopens it if it was closed.
 */
export const startChat = async (tenant: Tenant, actor: Actor, request: StartChatRequest, now = new Date()): Promise<Room> => {
  assertActsAs(actor, request.user_id, request.type.initiator);

  const conversation = `${request.order_id}#${request.order_vendor_id}#${request.type.type}`;
  const ref = conversationRef(tenant.clientId, conversation);
  const candidate = { _id: roomObjectId(ref, now), room_id: request.order_number ?? randomRoomNumber() };
  const room = await upsertRoom(tenant, {
    ref,
    conversation,
    candidate,
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
    participants: participantsOf(request, now),
    now: now.toISOString(),
    expiresAt: roomExpiry(tenant, now),
  });

  // Only the caller whose write created the room sees its own candidate and timestamp come back.
  const created = room._id === candidate._id && room.room_id === candidate.room_id && room.created_date === now.toISOString();
  return created && !request.order_number ? claimRoomNumber(tenant, ref, room) : room;
};
