import { monotonicFactory } from 'ulid';
import { deleteAttachments } from '../attachments/deleteAttachments';
import { withDownloadUrls } from '../attachments/downloadUrls';
import { checkAttachments, copyAttachments } from '../attachments/sendAttachments';
import { deliverRoomEvent } from '../realtime/delivery';
import { messageCreated } from '../realtime/events';
import { readMarksOf } from '../rooms/readState';
import { roomRefOf } from '../rooms/roomAccess';
import { isClientMessageIdClaimed, putMessage, releaseClientMessageId } from '../store/messages';
import type { Actor, Tenant } from '../tenancy/tenant';
import { knownTat } from './knownPace';
import { maskText } from './masking';
import type { Message } from './message';
import { claimFor } from './messageClaim';
import { rateLimited, recordOnRoom } from './recordMessage';
import type { SendMessageRequest } from './sendMessageRequest';
import { DEFAULT_SEND_RATE_LIMIT, paceSend, senderKey } from './sendRate';

/** Monotonic per container: messages sent within one millisecond still sort in sending order. */
const nextMessageId = monotonicFactory();

export interface SentMessage {
  message: Message;
  /** False when a retry (same client_message_id) returned the original. */
  created: boolean;
}

/**
 * Send a message. Write order, with single-item conditional writes only (no transactions):
 * 0. a refusal this container is already sure of (the sender over the flood limit by the pacing
 *    state it last saw, 429) costs no write and claims nothing; with a `client_message_id` the
 *    claim is read first, since a retry of a send already made is not a new send;
 * 1. claim `client_message_id` (if any): a retry gets the first attempt's message back, or
 *    completes it (lib/messages/messageClaim.ts);
 * 2. record it on the room (lib/messages/recordMessage.ts): this write decides the send. Its
 *    condition is the message not being recorded yet, the room being this open incarnation, the
 *    sender still holding their slot and within the limit, so a participant removed a moment
 *    before writes nothing from here on and a repeat of the write counts nothing. It moves the
 *    room's expiry forward, so a cleanup that deletes only still-expired rooms cannot delete it
 *    before 3;
 * 3. put the message, carrying `room` = the room's `_id` for the cleanup cascade and its read
 *    marks, from the counts just after it was recorded (the same, whichever attempt stores it).
 *    Once: a put that finds it stored (maybe edited or deleted since) changes nothing;
 * 4. deliver `message.created` (lib/realtime/delivery.ts). With a `client_message_id` a
 *    delivery that fails is a 503: the client's retry finds the message stored and delivers it
 *    again, with the same event id.
 * A retry whose first attempt stopped anywhere (a 503, a lost answer, a crash) finishes with the
 * original message, stored and counted once. A send refused at 2 (404, 409, 429) withdraws its
 * claim only if it provably counted nothing, so a later retry is a new message. Sequential store
 * requests: 2 without a `client_message_id`, 3 with one, one read more when the pacing guess or a
 * race is lost.
 */
export const sendMessage = async (
  tenant: Tenant,
  actor: Actor,
  roomId: string,
  request: SendMessageRequest,
  now = new Date(),
): Promise<SentMessage> => {
  const ref = roomRefOf(roomId);
  // Masked before anything is written: the original text is never stored (off unless the tenant sets it).
  const masked = await maskText(tenant.masking, request.text);
  let message: Message = {
    _id: nextMessageId(now.getTime()),
    room_id: roomId,
    text: masked.text,
    ...(masked.moderation && { moderation: masked.moderation }),
    sender_id: actor.userId,
    sender_type: actor.role,
    ...(request.client_message_id && { client_message_id: request.client_message_id }),
    created_date: now.toISOString(),
  };
  const foreseen = paceSend(knownTat(roomId, senderKey(actor)), now.getTime(), tenant.sendRateLimit ?? DEFAULT_SEND_RATE_LIMIT);
  if (!foreseen.allowed && !(request.client_message_id && (await isClientMessageIdClaimed(tenant, ref, message)))) {
    throw rateLimited(foreseen.retryAfterMs);
  }
  // Its files are checked before anything is written (lib/attachments/sendAttachments.ts).
  const checked = request.attachments?.length ? await checkAttachments(tenant, actor, roomId, ref, request.attachments) : [];

  let ours = true;
  if (request.client_message_id) {
    const claim = await claimFor(tenant, actor, ref, message, now);
    if ('stored' in claim) {
      const [stored] = await withDownloadUrls(tenant, [claim.stored]);
      await deliverRoomEvent(tenant, claim.room, messageCreated(claim.room, stored!), { retryable: true });
      return { message: stored!, created: false };
    }
    message = claim.write;
    ours = claim.ours;
  }
  // The message's own copies, in place before anything names them.
  if (checked.length > 0) message = { ...message, attachments: await copyAttachments(tenant, roomId, message._id, checked) };

  const recording = await recordOnRoom(tenant, actor, ref, message, now);
  if ('refused' in recording) {
    if (ours && recording.wroteNothing) {
      await deleteAttachments(tenant, roomId, message._id, message.attachments ?? []);
      if (request.client_message_id) await releaseClientMessageId(tenant, ref, message);
    }
    throw recording.refused;
  }

  message = { ...message, read_marks: readMarksOf(recording.counts) };
  await putMessage(tenant, ref, message);
  // Each reader of the answer and the event is one the room lets in: each gets download URLs.
  const [shown] = await withDownloadUrls(tenant, [message]);
  await deliverRoomEvent(tenant, recording.room, messageCreated(recording.room, shown!), { retryable: request.client_message_id !== undefined });
  return { message: shown!, created: true };
};
