import * as z from '../zod';
import { roomIdParam } from '../rooms/roomParams';
import { messageText } from './sendMessageRequest';

/** A message `_id` in a path: a ULID, as a send returns it. */
const messageIdParam = z
  .string({ error: 'is required' })
  .check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a message _id (a 26-character ULID)'));

/** `PATCH|DELETE /api/v1/chat/rooms/{_id}/messages/{message_id}`. */
export const messagePathParams = z.object({ _id: roomIdParam, message_id: messageIdParam });

/** `PATCH /api/v1/chat/rooms/{_id}/messages/{message_id}`: the whole new text, by the same rules as a send's. */
export const editMessageRequest = z.object({ text: messageText });

export type EditMessageRequest = z.output<typeof editMessageRequest>;
