import { AppError } from '../errors';
import { countsJustAfter, type ReadCounters } from '../rooms/readState';
import { roomExpiry } from '../rooms/retention';
import { isAccessibleRoom, roomNotFound, slotHolderOf } from '../rooms/roomAccess';
import type { LastMessage, Room } from '../rooms/room';
import { RECORDED_WINDOW } from '../store/roomItem';
import { getRoomByRef, touchRoomWithMessage } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import { knownTat, rememberPacing } from './knownPace';
import { previewText, type Message } from './message';
import { DEFAULT_SEND_RATE_LIMIT, paceSend, senderKey } from './sendRate';

/** A lost race re-reads the room and tries again; this many losses in a row is overload. */
const TOUCH_ATTEMPTS = 5;

export const roomClosed = () => new AppError('ROOM_CLOSED', 'Room is closed; start the chat again to reopen it');

export const rateLimited = (retryAfterMs: number) =>
  new AppError('RATE_LIMITED', 'Too many messages; slow down', undefined, { retryAfterSeconds: retryAfterMs / 1000 });

type Recording =
  /** The message is counted on the room: the room as read or written, and the counts just after the message. */
  | { room: Room; counts: ReadCounters }
  /**
   * The send is refused (404, 409, 429). `wroteNothing`: provably no attempt of this request
   * counted the message, so its claim may be withdrawn.
   */
  | { refused: AppError; wroteNothing: boolean };

const previewOf = (message: Message): LastMessage => ({
  _id: message._id,
  text: previewText(message.text ?? ''),
  sender_id: message.sender_id,
  sender_type: message.sender_type,
  created_date: message.created_date,
});

/**
 * Record `message` on its room: one conditional UpdateItem (preview, activity, expiry, counts,
 * pacing, the window of recorded messages), conditional on the message not being recorded yet, the
 * room being this open incarnation, the sender still holding their slot (unless an admin) and their
 * pacing step. No read comes first: the pacing step is picked from what this container last saw of
 * the sender (knownPace.ts), the preview assumed to be older. When the condition fails (or this
 * container expects a refusal) the room is read to tell why, in this order: the message is already
 * recorded (an earlier attempt of this send: an SDK retry of an applied update, a client's retry,
 * a concurrent copy), which is success with the counts just after it, whatever the room's state
 * since; gone or not (or no longer) the sender's (404); closed (409); the sender over the limit
 * (429); or a guess or a race lost, which is tried again from the state read. A send is paced at
 * the request's time, its `now`: a retry judged at the first attempt's time would find the
 * sender's later sends ahead of it.
 *
 * A refusal withdraws nothing by itself; it says whether this request provably counted nothing: no
 * update it sent may have applied unseen (each failed on its first attempt), or the room has
 * never dropped a message from its window, so one of ours would still be in it.
 */
export const recordOnRoom = async (tenant: Tenant, actor: Actor, ref: string, message: Message, now: Date): Promise<Recording> => {
  const sender = senderKey(actor);
  const touch = { now: now.toISOString(), expiresAt: roomExpiry(tenant, now), holder: slotHolderOf(actor), sender };
  const limit = tenant.sendRateLimit ?? DEFAULT_SEND_RATE_LIMIT;
  let read: Room | undefined;
  let ambiguous = false;
  const refuse = (refused: AppError): Recording => ({
    refused,
    wroteNothing: !ambiguous || read?._id !== message.room_id || (read.recorded?.length ?? 0) < RECORDED_WINDOW,
  });

  for (let attempt = 0; attempt < TOUCH_ATTEMPTS; attempt++) {
    const decision = paceSend(read ? read.send_rates?.[sender] : knownTat(message.room_id, sender), now.getTime(), limit);
    if (decision.allowed) {
      const preview = read?.last_message === undefined || read.last_message._id < message._id;
      const outcome = await touchRoomWithMessage(tenant, ref, message.room_id, previewOf(message), { ...touch, pace: decision.pace, preview });
      if (outcome.recorded) {
        rememberPacing(outcome.recorded);
        return { room: outcome.recorded, counts: outcome.recorded };
      }
      ambiguous ||= outcome.afterRetries;
    } else if (read) {
      return refuse(rateLimited(decision.retryAfterMs));
    }
    read = await getRoomByRef(tenant, ref);
    const counts = read?._id === message.room_id ? countsJustAfter(read, message._id) : undefined;
    if (counts) return { room: read!, counts };
    if (!isAccessibleRoom(read, message.room_id, actor)) return refuse(roomNotFound());
    if (!read.status) return refuse(roomClosed());
    rememberPacing(read);
  }
  throw new AppError('SERVICE_UNAVAILABLE', 'Room is busy; retry shortly', undefined, { retryAfterSeconds: 1 });
};
