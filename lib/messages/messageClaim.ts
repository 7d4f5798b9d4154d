import { AppError } from '../errors';
import { loadRoomFor } from '../rooms/roomAccess';
import type { Room } from '../rooms/room';
import { claimClientMessageId, getMessage, takeOverClientMessageId } from '../store/messages';
import { getRoomByRef } from '../store/rooms';
import type { Actor, Tenant } from '../tenancy/tenant';
import type { Message } from './message';

/**
 * How old a claimed `client_message_id` whose message was never written must be before a retry
 * takes it over. No attempt outlives this (the Lambda timeout is 10 s, API Gateway's 30 s), so an
 * older claim's attempt is over; a younger one may still be writing, and the retry completes that
 * same message instead of writing a second one.
 */
export const ABANDONED_CLAIM_MS = 60_000;

/** Claims lost to a concurrent claim, take-over or withdrawal in a row before the send gives up (503). */
const CLAIM_ATTEMPTS = 5;

export type Claim =
  /** The send was done before: its stored message, and the room as it is now (to tell it again). */
  | { stored: Message; room: Room }
  /**
   * Record and store `write`: this send's own message when `ours` (this request claimed it), or
   * the message of an earlier attempt of the same send, which this one completes.
   */
  | { write: Message; ours: boolean };

const isRecordedOn = (room: Room | undefined, roomId: string, messageId: string): boolean =>
  room?._id === roomId && (room.recorded ?? []).some((entry) => entry._id === messageId);

/**
 * Claim the message's `client_message_id`. Already claimed: the stored original comes back (to a
 * caller who may still see the room); an original not stored yet is completed, since its attempt
 * may still be running or may have counted it on the room already. Only a claim that is abandoned
 * (ABANDONED_CLAIM_MS) and whose message the room has not counted is taken over, and the retry is
 * stored as itself. A claim withdrawn meanwhile (its send refused) is claimed again.
 */
export const claimFor = async (tenant: Tenant, actor: Actor, ref: string, message: Message, now: Date): Promise<Claim> => {
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const claim = await claimClientMessageId(tenant, ref, message);
    if (claim.claimed) return { write: message, ours: true };
    const original = claim.original;
    if (!original) continue;
    const stored = await getMessage(tenant, ref, original._id);
    if (stored) {
      const { room } = await loadRoomFor(tenant, actor, message.room_id);
      return { stored, room };
    }
    if (now.getTime() - Date.parse(original.created_date) < ABANDONED_CLAIM_MS) return { write: original, ours: false };
    // The abandoned attempt may have died between counting its message and storing it.
    if (isRecordedOn(await getRoomByRef(tenant, ref), message.room_id, original._id)) return { write: original, ours: false };
    if (await takeOverClientMessageId(tenant, ref, original, message)) return { write: message, ours: true };
  }
  throw new AppError('SERVICE_UNAVAILABLE', 'Message is being sent concurrently; retry shortly', undefined, { retryAfterSeconds: 1 });
};
