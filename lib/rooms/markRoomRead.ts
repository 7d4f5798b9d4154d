import { AppError } from '../errors';
import { deliverRoomEvent } from '../realtime/delivery';
import { roomRead } from '../realtime/events';
import { getMessage } from '../store/messages';
import { advanceReadCursor } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import type { ParticipantRole } from './chatType';
import type { MarkRoomReadRequest } from './markRoomReadRequest';
import { readCursorOf } from './readState';
import type { Room } from './room';
import { loadRoomFor, participantRoleOf, roomNotFound, roomRefOf } from './roomAccess';

export interface RoomRead {
  room: Room;
  /** The caller's participant role in the room: whose read state the answer shows. */
  role: ParticipantRole;
}

/**
 * `POST /api/v1/chat/rooms/{_id}/read`: a participant has read up to `message_id`. The cursor only
 * moves forward (an older id changes nothing and is still a success); the room's other
 * participants' connections hear `room.read` when it moves. Admins are not participants: 404.
 *
 * The message is read, then the cursor moved by one write whose condition is this incarnation and
 * the caller still holding their slot: a reader removed meanwhile writes nothing. The room is read
 * only when that write moves nothing, or the message is not this room's, to tell why: a room the
 * caller may not see is 404 before anything about its messages is said.
 */
export const markRoomRead = async (tenant: Tenant, actor: Actor, roomId: string, request: MarkRoomReadRequest): Promise<RoomRead> => {
  const role = participantRoleOf(actor);
  if (!role) throw roomNotFound();
  const ref = roomRefOf(roomId);

  const message = await getMessage(tenant, ref, request.message_id);
  if (!message || message.room_id !== roomId) {
    await loadRoomFor(tenant, actor, roomId);
    throw new AppError('VALIDATION_ERROR', 'Request body is invalid', [{ path: 'message_id', message: 'is not a message of this room' }]);
  }
  const reader = { user_type: role, user_id: actor.userId };
  const cursor = { message_id: message._id, seen: message.read_marks?.[role] ?? 0 };
  const moved = await advanceReadCursor(tenant, ref, roomId, { role, userId: actor.userId }, cursor);
  if (moved) {
    await deliverRoomEvent(tenant, moved, roomRead(moved, reader, message._id), { retryable: true });
    return { room: moved, role };
  }
  // Nothing moved: the cursor is already at or past this message, or the room or the caller's
  // seat went meanwhile. A cursor at this very message is this read, made by an earlier attempt
  // (a lost answer, an event not delivered): tell it again.
  const { room } = await loadRoomFor(tenant, actor, roomId);
  if (readCursorOf(room, role)?.message_id === message._id) {
    await deliverRoomEvent(tenant, room, roomRead(room, reader, message._id), { retryable: true });
  }
  return { room, role };
};
