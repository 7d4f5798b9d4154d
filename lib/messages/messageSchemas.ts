/** The messages' response bodies as zod schemas (see lib/rooms/roomSchemas.ts for how they are used). */
import * as z from '../zod';
import { dateText, messageIdText, objectIdText } from '../rooms/roomSchemas';
import { ROLES } from '../tenancy/tenant';
import { MAX_MESSAGE_CHARACTERS } from './sendMessageRequest';

/** The published `messageData`. */
export const messageDataSchema = z.object({
  _id: messageIdText.check(z.describe('A ULID: message ids sort in sending order')),
  room_id: objectIdText.check(z.describe("The room's `_id`")),
  // Counted in code points, as the request's limit is (and as JSON Schema counts lengths).
  text: z.string().check(z.meta({ description: 'As sent, trimmed', minLength: 1, maxLength: MAX_MESSAGE_CHARACTERS })),
  sender_id: z.string().check(z.minLength(1)),
  sender_type: z.enum(ROLES),
  client_message_id: z.nullable(z.string()).check(z.describe("The sender's retry key; null when none was sent")),
  created_date: dateText,
});

export const sendMessageResponse = z.object({
  message: z.literal('Message sent successfully'),
  messageData: messageDataSchema,
  status: z.literal(201),
});

export const messagesPageResponse = z.object({
  messages: z.array(messageDataSchema).check(z.describe('Newest first')),
  next_cursor: z.nullable(z.string().check(z.minLength(1))).check(z.describe('Send as `cursor` for the next (older) page; null on the last page')),
});

export type MessageDataBody = z.output<typeof messageDataSchema>;
export type SendMessageResponse = z.output<typeof sendMessageResponse>;
export type MessagesPageResponse = z.output<typeof messagesPageResponse>;
