import { monotonicFactory } from 'ulid';
import { AppError, isAppError } from '../errors';
import { messageCreated } from '../realtime/events';
import { publishToRoom } from '../realtime/publisher';
import { readMarksOf } from '../rooms/readState';
import { roomExpiry } from '../rooms/retention';
import { loadRoomFor } from '../rooms/roomAccess';
import type { LastMessage, Room } from '../rooms/room';
import { claimClientMessageId, getMessage, putMessage, releaseClientMessageId, takeOverClientMessageId } from '../store/messages';
import { getRoomByRef, touchRoomWithMessage } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import { PREVIEW_CHARACTERS, type Message } from './message';
import type { SendMessageRequest } from './sendMessageRequest';
import { DEFAULT_SEND_RATE_LIMIT, paceSend, senderKey, type SendPace } from './sendRate';

/** Monotonic per container: messages sent within one millisecond still sort in sending order. */
const nextMessageId = monotonicFactory();

/**
 * How old a claimed `client_message_id` whose message was never written must be before a retry
 * takes it over. No attempt outlives this (the Lambda timeout is 10 s, API Gateway's 30 s), so an
 * older claim's attempt is over; a younger one may still be writing, and the retry completes that
 * same message instead of writing a second one.
 */
export const ABANDONED_CLAIM_MS = 60_000;

/** A lost race re-reads the room and tries again; this many losses in a row is overload. */
const TOUCH_ATTEMPTS = 5;

export interface SentMessage {
  message: Message;
  /** False when a retry (same client_message_id) returned the original. */
  created: boolean;
}

const roomClosed = () => new AppError('ROOM_CLOSED', 'Room is closed; start the chat again to reopen it');
const roomGone = () => new AppError('ROOM_NOT_FOUND', 'Room not found');

/** The sender's next pacing step in `room`, or 429 RATE_LIMITED with when to try again. */
const paceIn = (tenant: Tenant, room: Room, sender: string, now: Date): SendPace => {
  const decision = paceSend(room.send_rates?.[sender], now.getTime(), tenant.sendRateLimit ?? DEFAULT_SEND_RATE_LIMIT);
  if (decision.allowed) return decision.pace;
  throw new AppError('RATE_LIMITED', 'Too many messages; slow down', undefined, { retryAfterSeconds: decision.retryAfterMs / 1000 });
};

const previewOf = (message: Message): LastMessage => ({
  _id: message._id,
  text: [...message.text].slice(0, PREVIEW_CHARACTERS).join(''),
  sender_id: message.sender_id,
  sender_type: message.sender_type,
  created_date: message.created_date,
});

type Claim = { stored: Message } | { write: Message; ours: boolean };

/**
 * Claim the message's `client_message_id`. Already claimed: the stored original comes back; an
 * original not written yet is completed (its attempt may still be running) unless its claim is
 * abandoned, which the retry then takes over and is stored as itself.
 */
const claimFor = async (tenant: Tenant, ref: string, message: Message, now: Date): Promise<Claim> => {
  for (let attempt = 0; attempt < TOUCH_ATTEMPTS; attempt++) {
    const claim = await claimClientMessageId(tenant, ref, message);
    if (claim.claimed) return { write: message, ours: true };
    const stored = await getMessage(tenant, ref, claim.original._id);
    if (stored) return { stored };
    if (now.getTime() - Date.parse(claim.original.created_date) < ABANDONED_CLAIM_MS) return { write: claim.original, ours: false };
    if (await takeOverClientMessageId(tenant, ref, claim.original, message)) return { write: message, ours: true };
  }
  throw new AppError('SERVICE_UNAVAILABLE', 'Message is being sent concurrently; retry shortly', undefined, { retryAfterSeconds: 1 });
};

/**
 * Record `message` on its room: one conditional UpdateItem (preview, activity, expiry, counts,
 * pacing); the room as it is afterwards. When it fails, the room is read again to tell why: gone
 * (404), closed (409), the sender over the limit (429), or a race lost to another send, which is
 * tried again from the new state (without the preview when a newer message already holds it).
 * A room whose preview is this very message was recorded by an earlier attempt of this send.
 */
const recordOnRoom = async (tenant: Tenant, ref: string, room: Room, sender: string, message: Message, now: Date): Promise<Room> => {
  const touch = { now: now.toISOString(), expiresAt: roomExpiry(tenant, now), sender };
  let current = room;
  for (let attempt = 0; attempt < TOUCH_ATTEMPTS; attempt++) {
    if (current.last_message?._id === message._id) return current;
    const pace = paceIn(tenant, current, sender, now);
    const preview = current.last_message === undefined || current.last_message._id < message._id;
    const touched = await touchRoomWithMessage(tenant, ref, room._id, previewOf(message), { ...touch, pace, preview });
    if (touched) return touched;
    const reread = await getRoomByRef(tenant, ref);
    if (!reread || reread._id !== room._id) throw roomGone();
    if (!reread.status) throw roomClosed();
    current = reread;
  }
  throw new AppError('SERVICE_UNAVAILABLE', 'Room is busy; retry shortly', undefined, { retryAfterSeconds: 1 });
};

/**
 * Send a message. Write order, with single-item conditional writes only (no transactions):
 * 0. refuse from the read that authorizes (closed → 409, over the flood limit → 429): nothing is
 *    written and no `client_message_id` is claimed;
 * 1. claim `client_message_id` (if any): a retry gets the first attempt's message back;
 * 2. record it on the room (see recordOnRoom), conditional on the room being this open
 *    incarnation and the sender within the limit; this moves the room's expiry forward, so a
 *    cleanup that deletes only still-expired rooms cannot delete it before step 3;
 * 3. put the message (idempotent), carrying `room` = the room's `_id` for the cleanup cascade.
 * A retry whose first attempt stopped after 1 or 2 (a 503) finishes with the original message,
 * stored once. A send refused at 2 withdraws its claim, so a later retry is a new message.
 */
export const sendMessage = async (
  tenant: Tenant,
  actor: Actor,
  roomId: string,
  request: SendMessageRequest,
  now = new Date(),
): Promise<SentMessage> => {
  const { room, ref } = await loadRoomFor(tenant, actor, roomId);
  const sender = senderKey(actor);
  if (!room.status) throw roomClosed();
  paceIn(tenant, room, sender, now);

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
    const claim = await claimFor(tenant, ref, message, now);
    if ('stored' in claim) return { message: claim.stored, created: false };
    message = claim.write;
    claimed = claim.ours;
  }

  let recorded: Room;
  try {
    recorded = await recordOnRoom(tenant, ref, room, sender, message, now);
  } catch (error) {
    if (claimed && isAppError(error) && error.status < 500) await releaseClientMessageId(tenant, ref, message);
    throw error;
  }

  // The counts just after this message: what a reader of it has seen (unread counts).
  message = { ...message, read_marks: readMarksOf(recorded) };
  await putMessage(tenant, ref, message);
  await publishToRoom(tenant, recorded, messageCreated(recorded, message));
  return { message, created: true };
};
