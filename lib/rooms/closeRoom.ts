import { AppError } from '../errors';
import { roomClosed } from '../realtime/events';
import { publishToRoom } from '../realtime/publisher';
import { closeStoredRoom } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import { roomExpiry } from './retention';
import type { Room } from './room';
import { loadRoomFor } from './roomAccess';

/**
 * `POST /api/v1/chat/rooms/{_id}/close`: the room stops taking messages (409 ROOM_CLOSED) until
 * startChat reopens the same conversation. Closing an already closed room is a no-op success.
 * Closing is activity: the room's retention starts again from now.
 */
export const closeRoom = async (tenant: Tenant, actor: Actor, roomId: string, now = new Date()): Promise<Room> => {
  const { ref } = await loadRoomFor(tenant, actor, roomId);
  const closed = await closeStoredRoom(tenant, ref, roomId, { now: now.toISOString(), expiresAt: roomExpiry(tenant, now) });
  // Deleted (or recreated) between the read and the write: for the caller it is gone.
  if (!closed) throw new AppError('ROOM_NOT_FOUND', 'Room not found');
  await publishToRoom(tenant, closed, roomClosed(closed));
  return closed;
};
