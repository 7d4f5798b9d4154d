import { AppError } from '../errors';
import { isAccessibleRoom, roomNotFound } from '../rooms/roomAccess';
import type { Room } from '../rooms/room';
import { getMessage } from '../store/messages';
import { getRoomByRef } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import type { Message } from './message';

const messageNotFound = () => new AppError('MESSAGE_NOT_FOUND', 'Message not found');

export const messageDeleted = () => new AppError('MESSAGE_DELETED', 'The message was deleted; it cannot be edited');

/** A store that keeps changing under a change of a message: overload, answered as such. */
export const messageBusy = () => new AppError('SERVICE_UNAVAILABLE', 'The message is changing right now; retry shortly', undefined, { retryAfterSeconds: 1 });

/** A change lost to a concurrent write reads both items again and tries again; this many losses in a row is overload. */
export const CHANGE_ATTEMPTS = 5;

interface MessageTarget {
  room: Room;
  message: Message;
}

/**
 * The room and the message a change is about, read at once (both strongly). A room the caller may
 * not see answers 404 ROOM_NOT_FOUND before anything about its messages is said; a message of
 * another incarnation of the room, or none, is 404 MESSAGE_NOT_FOUND. What is read only guides the
 * writes: each write states in its condition what it relies on.
 */
export const readMessageTarget = async (tenant: Tenant, actor: Actor, ref: string, roomId: string, messageId: string): Promise<MessageTarget> => {
  const [room, message] = await Promise.all([getRoomByRef(tenant, ref), getMessage(tenant, ref, messageId)]);
  if (!isAccessibleRoom(room, roomId, actor)) throw roomNotFound();
  if (!message || message.room_id !== roomId) throw messageNotFound();
  return { room, message };
};

/** Whether `actor` sent `message` (same role, same id: an erased sender is no one). */
export const isSenderOf = (message: Message, actor: Actor): boolean => message.sender_id === actor.userId && message.sender_type === actor.role;

/** The room's preview is `message` and still shows its text. */
export const previewShows = (room: Room, message: Message): boolean =>
  room.last_message?._id === message._id && room.last_message.deleted !== true;
