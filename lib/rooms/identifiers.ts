import { createHash, randomFillSync, randomInt } from 'node:crypto';
import { epochSeconds } from '../time';

/**
 * A room's `_id` is 24 hex characters shaped like a Mongo ObjectId: 8 hex of creation time
 * (seconds) then 16 hex naming the conversation. The conversation part is the room's storage
 * reference, so a touch or a lookup by `_id` is a single keyed request; the time part makes a
 * room recreated after cleanup a different room.
 */
export const conversationRef = (clientId: string, conversationKey: string): string =>
  createHash('sha256').update(`${clientId}\u0000${conversationKey}`).digest('hex').slice(0, 16);

export const roomObjectId = (ref: string, createdAt: Date): string =>
  epochSeconds(createdAt).toString(16).padStart(8, '0') + ref;

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** The storage reference inside a room `_id`, or undefined if it is not a room id. */
export const refOfRoomId = (id: string): string | undefined => (OBJECT_ID.test(id) ? id.slice(8) : undefined);

/**
 * Random bytes for ids, drawn from the CSPRNG a few hundred at a time: each call into it costs
 * about ten times what eight bytes from a pool do (crypto.randomUUID pools the same way).
 */
const randomPool = Buffer.alloc(256);
let poolOffset = randomPool.length;

const randomHex = (bytes: number): string => {
  if (poolOffset + bytes > randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return randomPool.toString('hex', poolOffset - bytes, poolOffset);
};

/** A fresh 24-hex id for records that name nothing (participants, messages). */
export const objectId = (at: Date = new Date()): string => epochSeconds(at).toString(16).padStart(8, '0') + randomHex(8);

/** How many numbers a generated room number draws from: `0` and seven random digits. */
const GENERATED_ROOM_NUMBERS = 10_000_000;

/**
 * A generated room number: 8 digits with a leading zero. An order's number never starts with a
 * zero (startChatRequest's `order_number`, like the JSON number form, is 10000000–99999999), so
 * a generated number is never an order's; uniqueness among generated ones is a reservation's.
 */
export const randomRoomNumber = (): string => `0${String(randomInt(0, GENERATED_ROOM_NUMBERS)).padStart(7, '0')}`;
