import { monotonicFactory } from 'ulid';
import { AppError, isAppError } from '../errors';
import { messageCreated } from '../realtime/events';
import { publishToRoom } from '../realtime/publisher';
import { readMarksOf } from '../rooms/readState';
import { roomExpiry } from '../rooms/retention';
import { isAccessibleRoom, roomNotFound, roomRefOf, slotHolderOf } from '../rooms/roomAccess';
import type { LastMessage, Room } from '../rooms/room';
import { claimClientMessageId, getMessage, putMessage, releaseClientMessageId, takeOverClientMessageId } from '../store/messages';
import { getRoomByRef, touchRoomWithMessage } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import { knownTat, rememberPacing } from './knownPace';
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

/** The sender's next pacing step from their TAT, or 429 RATE_LIMITED with when to try again. */
const paceIn = (tenant: Tenant, tat: number | undefined, now: Date): SendPace => {
  const decision = paceSend(tat, now.getTime(), tenant.sendRateLimit ?? DEFAULT_SEND_RATE_LIMIT);
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
 * Claim the message's `client_message_id`. Already claimed: the stored original comes back (to a
 * caller who may still see the room); an original not written yet is completed (its attempt may
 * still be running) unless its claim is abandoned, which the retry then takes over and is stored
 * as itself.
 */
const claimFor = async (tenant: Tenant, actor: Actor, ref: string, message: Message, now: Date): Promise<Claim> => {
  for (let attempt = 0; attempt < TOUCH_ATTEMPTS; attempt++) {
    const claim = await claimClientMessageId(tenant, ref, message);
    if (claim.claimed) return { write: message, ours: true };
    const stored = await getMessage(tenant, ref, claim.original._id);
    if (stored) {
      if (!isAccessibleRoom(await getRoomByRef(tenant, ref), message.room_id, actor)) throw roomNotFound();
      return { stored };
    }
    if (now.getTime() - Date.parse(claim.original.created_date) < ABANDONED_CLAIM_MS) return { write: claim.original, ours: false };
    if (await takeOverClientMessageId(tenant, ref, claim.original, message)) return { write: message, ours: true };
  }
  throw new AppError('SERVICE_UNAVAILABLE', 'Message is being sent concurrently; retry shortly', undefined, { retryAfterSeconds: 1 });
};

/**
 * Record `message` on its room: one conditional UpdateItem (preview, activity, expiry, counts,
 * pacing), conditional on the room being this open incarnation, the sender still holding their
 * slot (unless an admin) and their pacing step; the room as written. No read comes first: the
 * pacing step is picked from what this container last saw of the sender (knownPace.ts), the
 * preview assumed to be older. When the condition fails, the room is read to tell why: gone or
 * not (or no longer) the sender's (404), closed (409), the sender over the limit (429), or a guess
 * or a race lost, which is tried again from the state read (without the preview when a newer
 * message already holds it). A room whose preview is this very message was recorded by an
 * earlier attempt of this send.
 */
const recordOnRoom = async (tenant: Tenant, actor: Actor, ref: string, message: Message, now: Date): Promise<Room> => {
  const sender = senderKey(actor);
  const touch = { now: now.toISOString(), expiresAt: roomExpiry(tenant, now), holder: slotHolderOf(actor), sender };
  let read: Room | undefined;
  for (let attempt = 0; attempt < TOUCH_ATTEMPTS; attempt++) {
    const pace = paceIn(tenant, read ? read.send_rates?.[sender] : knownTat(message.room_id, sender), now);
    const preview = read?.last_message === undefined || read.last_message._id < message._id;
    const touched = await touchRoomWithMessage(tenant, ref, message.room_id, previewOf(message), { ...touch, pace, preview });
    if (touched) {
      rememberPacing(touched);
      return touched;
    }
    const reread = await getRoomByRef(tenant, ref);
    if (!isAccessibleRoom(reread, message.room_id, actor)) throw roomNotFound();
    if (!reread.status) throw roomClosed();
    rememberPacing(reread);
    if (reread.last_message?._id === message._id) return reread;
    read = reread;
  }
  throw new AppError('SERVICE_UNAVAILABLE', 'Room is busy; retry shortly', undefined, { retryAfterSeconds: 1 });
};

/**
 * Send a message. Write order, with single-item conditional writes only (no transactions):
 * 0. a refusal this container is already sure of (the sender over the flood limit by the pacing
 *    state it last saw, 429) costs no request and claims nothing;
 * 1. claim `client_message_id` (if any): a retry gets the first attempt's message back;
 * 2. record it on the room (see recordOnRoom): this write decides the send. Its condition is the
 *    room being this open incarnation, the sender still holding their slot and within the limit,
 *    so a participant removed a moment before writes nothing from here on. It moves the room's
 *    expiry forward, so a cleanup that deletes only still-expired rooms cannot delete it before 3;
 * 3. put the message (idempotent), carrying `room` = the room's `_id` for the cleanup cascade.
 * A retry whose first attempt stopped after 1 or 2 (a 503) finishes with the original message,
 * stored once. A send refused at 2 (404, 409, 429) withdraws its claim, so nothing of it stays
 * and a later retry is a new message. Sequential store requests: 2 without a
 * `client_message_id`, 3 with one, one read more when the pacing guess or a race is lost.
 */
export const sendMessage = async (
  tenant: Tenant,
  actor: Actor,
  roomId: string,
  request: SendMessageRequest,
  now = new Date(),
): Promise<SentMessage> => {
  const ref = roomRefOf(roomId);
  paceIn(tenant, knownTat(roomId, senderKey(actor)), now);

  let message: Message = {
    _id: nextMessageId(now.getTime()),
    room_id: roomId,
    text: request.text,
    sender_id: actor.userId,
    sender_type: actor.role,
    ...(request.client_message_id && { client_message_id: request.client_message_id }),
    created_date: now.toISOString(),
  };
  let claimed = false;
  if (request.client_message_id) {
    const claim = await claimFor(tenant, actor, ref, message, now);
    if ('stored' in claim) return { message: claim.stored, created: false };
    message = claim.write;
    claimed = claim.ours;
  }

  let recorded: Room;
  try {
    recorded = await recordOnRoom(tenant, actor, ref, message, now);
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
