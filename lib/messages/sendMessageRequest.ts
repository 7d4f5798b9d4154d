import { messageAttachmentIds } from '../attachments/attachmentRequest';
import * as z from '../zod';

export const MAX_MESSAGE_CHARACTERS = 4000;

/** Counted in characters as people see them (code points), not UTF-16 units. */
const characters = (text: string) => [...text].length;

/** A message's text as a send or an edit takes it: trimmed, 1 to MAX_MESSAGE_CHARACTERS characters. */
export const messageText = z
  .string({ error: 'must be a string' })
  .check(
    z.trim(),
    z.refine((text) => characters(text) >= 1, 'must not be empty'),
    z.refine((text) => characters(text) <= MAX_MESSAGE_CHARACTERS, `must be at most ${MAX_MESSAGE_CHARACTERS} characters`),
    // The refinements above for the OpenAPI document, whose lengths count code points too.
    z.meta({ minLength: 1, maxLength: MAX_MESSAGE_CHARACTERS }),
  );

/** A send's text, which may be empty (or absent) when the message carries attachments. */
const sendText = z
  .string({ error: 'must be a string' })
  .check(
    z.trim(),
    z.refine((text) => characters(text) <= MAX_MESSAGE_CHARACTERS, `must be at most ${MAX_MESSAGE_CHARACTERS} characters`),
    z.meta({ maxLength: MAX_MESSAGE_CHARACTERS, description: 'May be empty or absent only when `attachments` lists at least one file' }),
  );

/**
 * `POST /api/v1/chat/rooms/{_id}/messages`. `client_message_id` is the sender's retry key: the
 * same id sent again returns the first message and stores nothing new. `attachments` names uploads
 * of the sender's for this room (POST /api/v1/chat/rooms/{_id}/attachments), checked before
 * anything is written.
 */
export const sendMessageRequest = z
  .object({
    text: z._default(sendText, ''),
    client_message_id: z.optional(
      z.string({ error: 'must be a string' }).check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1 to 128 letters, digits or . _ : -')),
    ),
    attachments: z.optional(messageAttachmentIds),
  })
  .check(
    z.superRefine((request, ctx) => {
      if (request.text === '' && !request.attachments?.length) ctx.addIssue({ code: 'custom', path: ['text'], message: 'must not be empty' });
    }),
    // The rule above for the OpenAPI document: some text (a character that trimming keeps), or a file.
    z.meta({
      anyOf: [
        { required: ['text'], properties: { text: { pattern: '\\S' } } },
        { required: ['attachments'], properties: { attachments: { minItems: 1 } } },
      ],
    }),
  );

export type SendMessageRequest = z.output<typeof sendMessageRequest>;
