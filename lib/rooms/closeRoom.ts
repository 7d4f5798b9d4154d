import { roomClosed } from '../realtime/events';
import { publishToRoom } from '../realtime/publisher';
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
 */
export const closeRoom = async (tenant: Tenant, actor: Actor, roomId: string, now = new Date()): Promise<Room> => {
  const holder = slotHolderOf(actor);
  const ref = roomRefOf(roomId);
  const closed = await closeStoredRoom(tenant, ref, roomId, { now: now.toISOString(), expiresAt: roomExpiry(tenant, now) }, holder);
  if (!closed) throw roomNotFound();
  await publishToRoom(tenant, closed, roomClosed(closed));
  return closed;
};
