import { AppError } from '../errors';
import { getRoomByRef } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import { PARTICIPANT_ROLES, SLOT_OF_ROLE, type ParticipantRole } from './chatType';
import { refOfRoomId } from './identifiers';
import type { Room } from './room';
import type { RoomEntry, SlotHolder } from './roomEntry';

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
 * The slot the caller must still hold for a write of theirs to apply: every write a participant
 * makes (send, close, mark-read) carries it in its condition, so a participant removed a moment
 * before the write writes nothing. Undefined for an admin of the tenant, who acts on any room.
 */
export const slotHolderOf = (actor: Actor): SlotHolder | undefined => {
  if (actor.role === 'admin') return undefined;
  const role = participantRoleOf(actor);
  if (!role) throw roomNotFound();
  return { role, userId: actor.userId };
};

/** The storage reference of the room `roomId`, or the 404 a room that does not exist gets. */
export const roomRefOf = (roomId: string): string => {
  const ref = refOfRoomId(roomId);
  if (!ref) throw roomNotFound();
  return ref;
};

/** Whether `room` is the incarnation `roomId` and `actor` may act on it (for telling why a write's condition failed). */
export const isAccessibleRoom = (room: Room | undefined, roomId: string, actor: Actor): room is Room =>
  room !== undefined && room._id === roomId && mayAccessRoom(room, actor);

const orderNotClaimed = () => new AppError('FORBIDDEN', 'The token does not name this order among its order_ids');

/**
 * The membership rule of startChat (the caller already acts as `userId` in `role`):
 * - an admin (the platform's backend) may create any room and enter any room;
 * - agents and vendors (staff, partners) may create a room, hold or take their own empty slot,
 *   and name the others;
 * - a customer may enter only where the user slot already names them, or where their token's
 *   `order_ids` claim contains the order; only the claim lets them create a room or take the empty
 *   slot. A claim that does not contain the order is refused outright.
 * With the tenant's `staff_order_claims` on, staff are held to the customers' rule: the order
 * in their `order_ids` claim to create the room, take an empty slot or name the others; without
 * a claim, only the seat they already hold. So no one can squat an order's room before its real
 * agent or vendor arrives.
 */
export const roomEntryFor = (
  actor: Actor,
  orderId: string,
  role: ParticipantRole,
  userId: string,
  policy: { staffOrderClaims?: boolean } = {},
): RoomEntry => {
  if (actor.role === 'admin') return { mayCreate: true, namesOthers: true };
  if (actor.role !== 'user' && !policy.staffOrderClaims) return { mayCreate: true, seat: { role, userId, mayTakeEmpty: true }, namesOthers: true };
  const claimed = actor.orderIds?.includes(orderId);
  if (claimed === false) throw orderNotClaimed();
  const staff = actor.role !== 'user';
  return { mayCreate: claimed === true, seat: { role, userId, mayTakeEmpty: claimed === true }, namesOthers: staff && claimed === true };
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
 * Load the room `roomId` for `actor`, for reads. A room that does not exist, an earlier
 * incarnation's `_id` and a room the caller may not see all answer the same 404, so a
 * non-participant cannot probe which rooms exist. The read is within the caller's tenant only:
 * the key begins with it. Writes do not rely on it: they carry the membership in their condition.
 */
export const loadRoomFor = async (tenant: Tenant, actor: Actor, roomId: string): Promise<AccessibleRoom> => {
  const ref = roomRefOf(roomId);
  const room = await getRoomByRef(tenant, ref);
  if (!isAccessibleRoom(room, roomId, actor)) throw roomNotFound();
  return { room, ref };
};
