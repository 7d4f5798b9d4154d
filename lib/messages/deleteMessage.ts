import { deleteAttachments } from '../attachments/deleteAttachments';
import { AppError } from '../errors';
import { deliverRoomEvent } from '../realtime/delivery';
import { messageDeleted } from '../realtime/events';
import { roomRefOf, slotHolderOf } from '../rooms/roomAccess';
import type { Room } from '../rooms/room';
import { changeRoomOfMessage, tombstoneStoredMessage } from '../store/messageChanges';
import type { Actor, Tenant } from '../tenancy/tenant';
import type { Message } from './message';
import { CHANGE_ATTEMPTS, isSenderOf, messageBusy, previewShows, readMessageTarget } from './messageTarget';

const notTheSender = () => new AppError('FORBIDDEN', 'Only its sender or an admin may delete a message');

/**
 * `DELETE /api/v1/chat/rooms/{_id}/messages/{message_id}`: its sender (at any time, the room open
 * or closed) or an admin of the tenant takes a message back. Its text (what masking noted of it,
 * its edit, its attachments) is removed from the store, not hidden; the message stays as a
 * tombstone (`deleted: true`, `deleted_date`, no text) in its place, so pages, read cursors and
 * unread counts are unchanged, and a send retried with its `client_message_id` finds the tombstone
 * instead of storing the message again. Deleting a deleted message is a success that writes
 * nothing (and tells `message.deleted` again, for a retry whose event was not delivered).
 *
 * The room and the message are read together, then two conditional writes, no transaction:
 * 1. the room (lib/store/messageChanges.ts changeRoomOfMessage), when the message is its preview
 *    (which becomes the tombstone) or the caller is a participant (whose slot must still be
 *    theirs: a participant removed before it writes nothing); an admin deleting an older message
 *    writes only 2;
 * 2. the message, conditional on existing in this incarnation, not being deleted yet and (for a
 *    participant) being theirs.
 * The preview goes before the message, so an edit, which may not write a deleted preview, cannot
 * put text back into it. A delete racing the room's cleanup writes nothing into a room or message
 * already gone (no write creates an item). A preview left showing a deleted message (an attempt
 * that stopped between its writes) is tombstoned by the next delete of it. Then `message.deleted`
 * is told to the room's connections.
 */
export const deleteMessage = async (tenant: Tenant, actor: Actor, target: { roomId: string; messageId: string }, now = new Date()): Promise<Message> => {
  const { roomId, messageId } = target;
  const ref = roomRefOf(roomId);
  const holder = slotHolderOf(actor);
  const deletedDate = now.toISOString();

  for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
    const { room, message } = await readMessageTarget(tenant, actor, ref, roomId, messageId);
    if (actor.role !== 'admin' && !isSenderOf(message, actor)) throw notTheSender();
    const shown = previewShows(room, message);
    let after: Room = room;
    if (shown || (holder && !message.deleted)) {
      const changed = await changeRoomOfMessage(tenant, ref, roomId, {
        holder,
        ...(shown && { preview: { kind: 'delete', messageId, deletedDate: message.deleted_date ?? deletedDate } }),
      });
      if (!changed) continue;
      after = changed;
    }
    if (message.deleted) {
      await deliverRoomEvent(tenant, after, messageDeleted(after, message), { retryable: true });
      return message;
    }
    // Its files go first: a delete that stops here is completed by its retry, never leaves them behind.
    await deleteAttachments(tenant, roomId, messageId, message.attachments ?? []);
    const tombstone = await tombstoneStoredMessage(tenant, ref, {
      roomId,
      messageId,
      sender: actor.role === 'admin' ? undefined : { id: actor.userId, type: actor.role },
      deletedDate,
    });
    if (!tombstone) continue;
    await deliverRoomEvent(tenant, after, messageDeleted(after, tombstone), { retryable: true });
    return tombstone;
  }
  throw messageBusy();
};
