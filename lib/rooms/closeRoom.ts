import { deliverRoomEvent } from '../realtime/delivery';
import { roomClosed } from '../realtime/events';
import { closeStoredRoom } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import { roomExpiry } from './retention';
import type { Room } from './room';
import { roomNotFound, roomRefOf, slotHolderOf } from './roomAccess';

/**
 * `POST /api/v1/chat/rooms/{_id}/close`: the room stops taking messages (409 ROOM_CLOSED) until
 * startChat reopens the same conversation. Closing an already closed room is a no-op success.
 * Closing is activity: the room's retention starts again from now.
 *
 * One conditional write, no read before it: its condition is this incarnation and the caller
 * still holding their slot (or an admin). A room that does not exist, an earlier incarnation and
 * a caller who is not (or no longer) its participant all get the same 404, with nothing written.
 *
 * Every close tells `room.closed`, named by the close that closed the room (`closed_at`), so a
 * retry (after a lost answer, or the 503 of an event not delivered) tells the same event again.
 */
export const closeRoom = async (tenant: Tenant, actor: Actor, roomId: string, now = new Date()): Promise<Room> => {
  const holder = slotHolderOf(actor);
  const ref = roomRefOf(roomId);
  const closed = await closeStoredRoom(tenant, ref, roomId, { now: now.toISOString(), expiresAt: roomExpiry(tenant, now) }, holder);
  if (!closed) throw roomNotFound();
  await deliverRoomEvent(tenant, closed, roomClosed(closed), { retryable: true });
  return closed;
};
