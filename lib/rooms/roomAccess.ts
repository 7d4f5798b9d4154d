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

export const roomNotFound = () => new AppError('ROOM_NOT_FOUND', 'Room not found');

/**
 * Who may get into a conversation's room through startChat, decided from the token alone and
 * enforced by the store as the condition of the very write that touches or creates the room,
 * so no one can slip in between a check and a write.
 */
export interface RoomEntry {
  /** May create the room when the conversation has none yet. */
  mayCreate: boolean;
  /**
   * The slot the caller must already hold, or may take while it is empty (`mayTakeEmpty`).
   * Absent for an admin of the tenant, who may enter any room.
   */
  seat?: { role: ParticipantRole; userId: string; mayTakeEmpty: boolean };
  /** May name the other participants (into empty slots only; a filled slot is never replaced). */
  namesOthers: boolean;
}

/**
 * The membership rule of startChat (the caller already acts as `userId` in `role`):
 * - an admin (the platform's backend) may create any room and enter any room;
 * - agents and vendors (staff, partners) may create a room, hold or take their own empty slot,
 *   and name the others;
 * - a customer may enter only where the user slot already names them, or where their token's
 *   `order_ids` claim contains the order; only the claim lets them create a room or take the empty
 *   slot. A claim that does not contain the order is refused outright.
 */
export const roomEntryFor = (actor: Actor, orderId: string, role: ParticipantRole, userId: string): RoomEntry => {
  if (actor.role === 'admin') return { mayCreate: true, namesOthers: true };
  if (actor.role !== 'user') return { mayCreate: true, seat: { role, userId, mayTakeEmpty: true }, namesOthers: true };
  const claimed = actor.orderIds?.includes(orderId);
  if (claimed === false) throw new AppError('FORBIDDEN', 'The token does not name this order among its order_ids');
  return { mayCreate: claimed === true, seat: { role, userId, mayTakeEmpty: claimed === true }, namesOthers: false };
};

/** Whether `room` lets this entry in, as the store's condition decides it (for telling a race from a refusal). */
export const admits = (room: Room, entry: RoomEntry): boolean => {
  if (!entry.seat) return true;
  const holder = room[SLOT_OF_ROLE[entry.seat.role]];
  return holder === entry.seat.userId || (holder === undefined && entry.seat.mayTakeEmpty);
};

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
