import * as z from '../zod';

/** `POST /api/v1/chat/rooms/{_id}/read`: the newest message the caller has read. */
export const markRoomReadRequest = z.object({
  message_id: z
    .string({ error: 'is required' })
    .check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a message _id (a 26-character ULID)')),
});

export type MarkRoomReadRequest = z.output<typeof markRoomReadRequest>;
