/** The messages' response bodies as zod schemas (see lib/rooms/roomSchemas.ts for how they are used). */
import * as z from '../zod';
import { dateText, messageIdText, objectIdText } from '../rooms/roomSchemas';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../attachments/attachmentPolicy';
import { attachmentDataSchema } from '../attachments/attachmentSchemas';
import { ROLES } from '../tenancy/tenant';
import { MAX_MESSAGE_CHARACTERS } from './sendMessageRequest';

const maskedCount = z.optional(z.int().check(z.positive()));

/** What the tenant's masking took out of the text, by kind. */
const moderationSchema = z.object({ phone: maskedCount, email: maskedCount, url: maskedCount }).check(
  z.describe(
    'What the tenant\'s masking took out of the text, by kind (`{"phone": 1}`): each is replaced in `text` by a marker (`[phone removed]`, `[email removed]`, `[link removed]`) and the original is not stored. Absent when nothing was masked',
  ),
);

/** The published `messageData`. */
export const messageDataSchema = z.object({
  _id: messageIdText.check(z.describe('A ULID: message ids sort in sending order')),
  room_id: objectIdText.check(z.describe("The room's `_id`")),
  // Counted in code points, as the request's limit is (and as JSON Schema counts lengths).
  text: z.optional(
    z.string().check(
      z.meta({
        description:
          'As sent (or last edited), trimmed, with masked contact details replaced by markers; empty only when the message carries attachments; absent once the message is deleted',
        minLength: 0,
        maxLength: MAX_MESSAGE_CHARACTERS,
      }),
    ),
  ),
  sender_id: z.string().check(z.minLength(1)),
  sender_type: z.enum(ROLES),
  client_message_id: z.nullable(z.string()).check(z.describe("The sender's retry key; null when none was sent")),
  created_date: dateText,
  edited_date: z.optional(dateText.check(z.describe('When its sender last edited it; absent until then'))),
  moderation: z.optional(moderationSchema),
  deleted: z.optional(z.literal(true).check(z.describe('The message was deleted: this tombstone keeps its place, without its text'))),
  deleted_date: z.optional(dateText.check(z.describe('When it was deleted'))),
  attachments: z.optional(
    z.array(attachmentDataSchema).check(z.minLength(1), z.maxLength(MAX_ATTACHMENTS_PER_MESSAGE), z.describe('The files sent with the message; absent when none')),
  ),
});

export const sendMessageResponse = z.object({
  message: z.literal('Message sent successfully'),
  messageData: messageDataSchema,
  status: z.literal(201),
});

export const editMessageResponse = z.object({
  message: z.literal('Message updated'),
  messageData: messageDataSchema,
  status: z.literal(200),
});

export const deleteMessageResponse = z.object({
  message: z.literal('Message deleted'),
  messageData: messageDataSchema.check(z.describe('The tombstone: `deleted: true`, `deleted_date`, no text')),
  status: z.literal(200),
});

export const messagesPageResponse = z.object({
  messages: z.array(messageDataSchema).check(z.describe('Newest first')),
  next_cursor: z.nullable(z.string().check(z.minLength(1))).check(z.describe('Send as `cursor` for the next (older) page; null on the last page')),
});

export type MessageDataBody = z.output<typeof messageDataSchema>;
export type SendMessageResponse = z.output<typeof sendMessageResponse>;
export type EditMessageResponse = z.output<typeof editMessageResponse>;
export type DeleteMessageResponse = z.output<typeof deleteMessageResponse>;
export type MessagesPageResponse = z.output<typeof messagesPageResponse>;
