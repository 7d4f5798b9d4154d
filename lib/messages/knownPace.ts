import type { Room } from '../rooms/room';

/*
 * What this container last saw of each sender's pacing state (their theoretical arrival time,
 * lib/messages/sendRate.ts) in each room incarnation, from the rooms its sends wrote and read. A
 * send picks its one conditional update from it instead of reading the room first. It is only a
 * hint: the store's condition decides every send. A sender's TAT only ever moves forward, so what
 * is seen here is at most what is stored: when even it is past the burst, the refusal (429) is
 * certain and costs no request.
 */

/** Senders remembered at most (a few dozen bytes each); the oldest go first. */
const MAX_ENTRIES = 10_000;

const seen = new Map<string, number>();

const keyOf = (roomId: string, sender: string) => `${roomId} ${sender}`;

/** The latest TAT seen for `sender` in the room incarnation `roomId`, if any. */
export const knownTat = (roomId: string, sender: string): number | undefined => seen.get(keyOf(roomId, sender));

/** Remember the pacing state `room` holds (as a write returned it or a read found it). */
export const rememberPacing = (room: Room): void => {
  for (const [sender, tat] of Object.entries(room.send_rates ?? {})) {
    const key = keyOf(room._id, sender);
    const previous = seen.get(key);
    if (previous !== undefined && previous >= tat) continue;
    seen.delete(key);
    while (seen.size >= MAX_ENTRIES) seen.delete(seen.keys().next().value!);
    seen.set(key, tat);
  }
};
