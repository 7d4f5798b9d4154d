import { AppError } from '../errors';
import { deliverRoomEvent } from '../realtime/delivery';
import { participantReassigned } from '../realtime/events';
import { reassignRoomSlot } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import type { ParticipantRole } from './chatType';
import { objectId } from './identifiers';
import { roomExpiry } from './retention';
import type { Room } from './room';
import { roomNotFound, roomRefOf } from './roomAccess';

/**
 * An admin of the tenant (the platform's backend) gives a room's slot to someone else, e.g. when
 * an order moves to another delivery agent. The slot is the membership, so the previous holder
 * loses the room with this one write (every write of theirs is conditional on holding it) and the
 * new holder sees its whole history. Reassigning is activity: the room's retention starts again
 * from now.
 *
 * Every reassignment tells `participant.reassigned` to the room as it is after the write: the new
 * holder and the other participants, not the previous holder, who is no longer in it (their
 * backend learns it from the webhook). The event is named by the time the holder took the slot,
 * so a retry (after a lost answer, or the 503 of an event not delivered), which finds the slot
 * already theirs and writes nothing, tells the same event again. So does a reassignment to the
 * person who already holds the slot: nothing changes, and the event names when they took it.
 */
export const reassignParticipant = async (
  tenant: Tenant,
  actor: Actor,
  roomId: string,
  role: ParticipantRole,
  userId: string,
  now = new Date(),
): Promise<Room> => {
  if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'Only an admin may reassign a participant');
  const ref = roomRefOf(roomId);
  const at = now.toISOString();
  const room = await reassignRoomSlot(tenant, ref, roomId, { _id: objectId(now), user_type: role, user_id: userId, created_date: at, updated_date: at }, {
    now: at,
    expiresAt: roomExpiry(tenant, now),
  });
  // No room with this `_id` (deleted, recreated or never there).
  if (!room) throw roomNotFound();
  await deliverRoomEvent(tenant, room, participantReassigned(room, role), { retryable: true });
  return room;
};
