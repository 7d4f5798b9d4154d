import { AppError } from '../errors';
import { getRoomByRef } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import { PARTICIPANT_ROLES, SLOT_OF_ROLE, type ParticipantRole } from './chatType';
import { refOfRoomId } from './identifiers';
import type { Room } from './room';

/** The participant role a token's role stands for; admins are not participants. */
export const participantRoleOf = (actor: Actor): ParticipantRole | undefined =>
  (PARTICIPANT_ROLES as readonly string[]).includes(actor.role) ? (actor.role as ParticipantRole) : undefined;

/** A participant holds the room's slot for their role; an admin of the tenant may act on any room. */
export const mayAccessRoom = (room: Room, actor: Actor): boolean => {
  if (actor.role === 'admin') return true;
  const role = participantRoleOf(actor);
  return role !== undefined && room[SLOT_OF_ROLE[role]] === actor.userId;
};

const roomNotFound = () => new AppError('ROOM_NOT_FOUND', 'Room not found');

export interface AccessibleRoom {
  room: Room;
  /** The room's storage reference (its partition). */
  ref: string;
}

/**
 * Load the room `roomId` for `actor`. A room that does not exist, an earlier incarnation's `_id`
 * and a room the caller may not see all answer the same 404, so a non-participant cannot probe
 * which rooms exist. The read is within the caller's tenant only: the key begins with it.
 */
export const loadRoomFor = async (tenant: Tenant, actor: Actor, roomId: string): Promise<AccessibleRoom> => {
  const ref = refOfRoomId(roomId);
  if (!ref) throw roomNotFound();
  const room = await getRoomByRef(tenant, ref);
  if (!room || room._id !== roomId || !mayAccessRoom(room, actor)) throw roomNotFound();
  return { room, ref };
};
