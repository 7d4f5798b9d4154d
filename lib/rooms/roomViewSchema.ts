import * as z from '../zod';

/**
 * The read-state fields of the room views, for the OpenAPI document (responses are built by
 * roomView.ts; these describe what it adds). Loose: the room's other fields are the published ones.
 */
const readReceipt = z.nullable(z.string()).check(z.describe('The last message this participant has read; null before their first read'));

const participantView = z.looseObject({
  user_type: z.enum(['agent', 'user', 'vendor']),
  user_id: z.string(),
  last_read_message_id: readReceipt,
});

export const roomViewSchema = z.looseObject({
  _id: z.string(),
  unread_count: z
    .nullable(z.int().check(z.nonnegative()))
    .check(z.describe("Messages from the room's other participants after the caller's read cursor; null for an admin")),
  last_read_message_id: z.nullable(z.string()).check(z.describe("The caller's read cursor; null before the first read and for an admin")),
  user_Data: z.array(participantView).check(z.describe('The participants, each with their read cursor (read receipts)')),
});

const nextCursor = z.nullable(z.string());

export const roomResponse = z.looseObject({ roomData: roomViewSchema });
export const roomsResponse = z.looseObject({ rooms: z.array(roomViewSchema), next_cursor: nextCursor });
export const fetchRoomByUserAgentResponse = z.looseObject({ roomData: z.array(roomViewSchema), next_cursor: nextCursor });
export const markRoomReadResponse = z.object({ roomData: roomViewSchema, last_read_message_id: z.nullable(z.string()) });
