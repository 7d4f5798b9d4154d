import { monotonicFactory } from 'ulid';
import { AppError } from '../errors';
import { messageCreated } from '../realtime/events';
import { publishToRoom } from '../realtime/publisher';
import { readMarksOf } from '../rooms/readState';
import { roomExpiry } from '../rooms/retention';
import { loadRoomFor } from '../rooms/roomAccess';
import { claimClientMessageId, getMessage, putMessage, releaseClientMessageId } from '../store/messages';
import { countMessageOnRoom } from '../store/roomReadState';
import { getRoomByRef, touchRoomWithMessage } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import { PREVIEW_CHARACTERS, type Message } from './message';
import type { SendMessageRequest } from './sendMessageRequest';

/** Monotonic per container: messages sent within one millisecond still sort in sending order. */
const nextMessageId = monotonicFactory();

export interface SentMessage {
  message: Message;
  /** False when a retry (same client_message_id) returned the original. */
  created: boolean;
}

const roomClosed = () => new AppError('ROOM_CLOSED', 'Room is closed; start the chat again to reopen it');

/**
 * After a failed touch: tell a closed room (409) from a deleted or recreated one (404). If the room
 * is still this open incarnation, the touch lost only to a newer message's touch, which already
 * moved the activity forward; the message can be written.
 */
const explainFailedTouch = async (tenant: Tenant, ref: string, roomId: string): Promise<'gone' | 'closed' | 'open'> => {
  const room = await getRoomByRef(tenant, ref);
  if (!room || room._id !== roomId) return 'gone';
  return room.status ? 'open' : 'closed';
};

/**
 * Send a message. Write order, with single-item conditional writes only (no transactions):
 * 1. claim `client_message_id` (if any): a retry gets the first attempt's message back;
 * 2. touch the room, conditional on it being this open incarnation: this is the step that can
 *    fail (closed → 409, deleted → 404) and it moves the room's expiry forward, so a cleanup that
 *    deletes only still-expired rooms cannot delete it before step 3;
 * 3. put the message (idempotent), carrying `room` = the room's `_id` for the cleanup cascade.
 * A retry whose first attempt stopped after 1 finishes 2 and 3 with the original message.
 * If the room was deleted between 1 and 2, the claim is withdrawn so it cannot outlive the room.
 */
export const sendMessage = async (
  tenant: Tenant,
  actor: Actor,
  roomId: string,
  request: SendMessageRequest,
  now = new Date(),
): Promise<SentMessage> => {
  const { room, ref } = await loadRoomFor(tenant, actor, roomId);
  if (!room.status) throw roomClosed();

  let message: Message = {
    _id: nextMessageId(now.getTime()),
    room_id: room._id,
    text: request.text,
    sender_id: actor.userId,
    sender_type: actor.role,
    ...(request.client_message_id && { client_message_id: request.client_message_id }),
    created_date: now.toISOString(),
  };
  let claimed = false;
  if (request.client_message_id) {
    const claim = await claimClientMessageId(tenant, ref, message);
    claimed = claim.claimed;
    if (!claim.claimed) {
      const stored = await getMessage(tenant, ref, claim.original._id);
      if (stored) return { message: stored, created: false };
      message = claim.original;
    }
  }

  const preview = {
    _id: message._id,
    text: [...message.text].slice(0, PREVIEW_CHARACTERS).join(''),
    sender_id: message.sender_id,
    sender_type: message.sender_type,
    created_date: message.created_date,
  };
  let touched = await touchRoomWithMessage(tenant, ref, room._id, preview, { now: now.toISOString(), expiresAt: roomExpiry(tenant, now) });
  if (!touched) {
    const state = await explainFailedTouch(tenant, ref, room._id);
    if (state === 'closed') throw roomClosed();
    if (state === 'gone') {
      if (claimed) await releaseClientMessageId(tenant, ref, message);
      throw new AppError('ROOM_NOT_FOUND', 'Room not found');
    }
    touched = await countMessageOnRoom(tenant, ref, room._id, message);
  }

  // The counts just after this message: what a reader of it has seen (unread counts).
  const current = touched ?? room;
  message = { ...message, read_marks: readMarksOf(current) };
  await putMessage(tenant, ref, message);
  await publishToRoom(tenant, current, messageCreated(current, message));
  return { message, created: true };
};
