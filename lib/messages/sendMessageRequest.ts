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

/**
 * `POST /api/v1/chat/rooms/{_id}/messages`. `client_message_id` is the sender's retry key: the
 * same id sent again returns the first message and stores nothing new.
 */
export const sendMessageRequest = z.object({
  text: messageText,
  client_message_id: z.optional(
    z.string({ error: 'must be a string' }).check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1 to 128 letters, digits or . _ : -')),
  ),
});

export type SendMessageRequest = z.output<typeof sendMessageRequest>;
