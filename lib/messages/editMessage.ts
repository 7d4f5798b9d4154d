import { AppError } from '../errors';
import { withDownloadUrls } from '../attachments/downloadUrls';
import { deliverRoomEvent } from '../realtime/delivery';
import { messageUpdated } from '../realtime/events';
import { roomRefOf, slotHolderOf } from '../rooms/roomAccess';
import type { Room } from '../rooms/room';
import { changeRoomOfMessage, editStoredMessage } from '../store/messageChanges';
import type { Actor, Tenant } from '../tenancy/tenant';
import { rememberPacing } from './knownPace';
import { maskText, type MaskedText, type Moderation } from './masking';
import { previewText, type Message } from './message';
import type { EditMessageRequest } from './messageChangeRequest';
import { DEFAULT_EDIT_WINDOW_SECONDS } from './messagePolicy';
import { CHANGE_ATTEMPTS, isSenderOf, messageBusy, messageDeleted, previewShows, readMessageTarget } from './messageTarget';
import { roomClosed, rateLimited } from './recordMessage';
import { DEFAULT_SEND_RATE_LIMIT, paceSend, senderKey, type SendPace } from './sendRate';

const notTheSender = () => new AppError('FORBIDDEN', 'Only its sender may edit a message');

const windowClosed = (seconds: number) =>
  new AppError('EDIT_WINDOW_CLOSED', `The message can no longer be edited: edits are allowed for ${seconds} seconds after sending`);

const sameModeration = (a: Moderation | undefined, b: Moderation | undefined): boolean => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/** Already what the edit asks for: nothing to write. */
const isUnchanged = (message: Message, masked: MaskedText): boolean => message.text === masked.text && sameModeration(message.moderation, masked.moderation);

/**
 * The edit's time: now, or just after the message's (or its preview's) latest edit when that is
 * not older, so a message's edits are strictly ordered by `edited_date` even within a millisecond.
 */
const editTime = (now: Date, ...earlier: Array<string | undefined>): string => {
  let time = now.getTime();
  for (const date of earlier) if (date !== undefined) time = Math.max(time, Date.parse(date) + 1);
  return new Date(time).toISOString();
};

/**
 * `PATCH /api/v1/chat/rooms/{_id}/messages/{message_id}`: the sender replaces their message's
 * text within the tenant's edit window (409 EDIT_WINDOW_CLOSED after it), masked as a send is.
 * Only the latest text is kept, with `edited_date`. The same text again is a success that writes
 * nothing (and tells the last edit again, for a retry whose event was not delivered).
 *
 * The room and the message are read together, then two conditional writes, no transaction:
 * 1. the room (lib/store/messageChanges.ts changeRoomOfMessage): this incarnation, open, the
 *    sender still holding their slot, their pacing step (edits count on the flood limit) and,
 *    when the message is the room's preview, the preview's new text, on condition it holds no
 *    later edit and is not deleted. A participant removed before it writes nothing;
 * 2. the message: its text, conditional on being the sender's, not deleted, within the window and
 *    holding no later edit.
 * A write that fails reads both again and tells why, or tries again from what it reads: an edit
 * racing another ends with the later `edited_date` in both the message and the preview, and an
 * edit racing a delete ends deleted in both (a delete tombstones the preview before the message,
 * and an edit may not write a deleted preview). Then `message.updated`, named by its
 * `edited_date`, is told to the room's connections.
 */
export const editMessage = async (
  tenant: Tenant,
  actor: Actor,
  target: { roomId: string; messageId: string },
  request: EditMessageRequest,
  now = new Date(),
): Promise<Message> => {
  const { roomId, messageId } = target;
  const ref = roomRefOf(roomId);
  const holder = slotHolderOf(actor);
  const masked = await maskText(tenant.masking, request.text);
  const windowSeconds = tenant.editWindowSeconds ?? DEFAULT_EDIT_WINDOW_SECONDS;
  const windowStart = new Date(now.getTime() - windowSeconds * 1000).toISOString();
  const sender = senderKey(actor);
  // The flood limit counts the edit once, however many times its writes are tried.
  let paced = false;

  for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
    const { room, message } = await readMessageTarget(tenant, actor, ref, roomId, messageId);
    if (!isSenderOf(message, actor)) throw notTheSender();
    if (message.deleted) throw messageDeleted();
    if (isUnchanged(message, masked)) {
      const [withUrls] = await withDownloadUrls(tenant, [message]);
      if (message.edited_date) await deliverRoomEvent(tenant, room, messageUpdated(room, withUrls!), { retryable: true });
      return withUrls!;
    }
    if (windowSeconds === 0 || message.created_date < windowStart) throw windowClosed(windowSeconds);
    if (!room.status) throw roomClosed();
    let pace: SendPace | undefined;
    if (!paced) {
      const decision = paceSend(room.send_rates?.[sender], now.getTime(), tenant.sendRateLimit ?? DEFAULT_SEND_RATE_LIMIT);
      if (!decision.allowed) throw rateLimited(decision.retryAfterMs);
      pace = decision.pace;
    }
    const shown = previewShows(room, message);
    const editedDate = editTime(now, message.edited_date, shown ? room.last_message?.edited_date : undefined);

    let after: Room = room;
    if (holder || pace || shown) {
      const changed = await changeRoomOfMessage(tenant, ref, roomId, {
        holder,
        requireOpen: true,
        ...(pace && { pace: { sender, step: pace } }),
        ...(shown && { preview: { kind: 'edit', messageId, text: previewText(masked.text), editedDate } }),
      });
      if (!changed) continue;
      rememberPacing(changed);
      paced ||= pace !== undefined;
      after = changed;
    }
    const edited = await editStoredMessage(tenant, ref, {
      roomId,
      messageId,
      sender: { id: actor.userId, type: actor.role },
      text: masked.text,
      moderation: masked.moderation,
      editedDate,
      windowStart,
    });
    if (!edited) continue;
    // Its readers are the room's: each gets its files' download URLs.
    const [withUrls] = await withDownloadUrls(tenant, [edited]);
    await deliverRoomEvent(tenant, after, messageUpdated(after, withUrls!), { retryable: true });
    return withUrls!;
  }
  throw messageBusy();
};
