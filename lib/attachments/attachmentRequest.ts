import * as z from '../zod';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_MAX_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from './attachmentPolicy';

export const MAX_ATTACHMENT_NAME_CHARACTERS = 255;

/** An attachment id as the upload request returned it: a ULID. */
const attachmentIdText = z
  .string({ error: 'must be a string' })
  .check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an attachment _id from POST /api/v1/chat/rooms/{_id}/attachments'));

/**
 * `POST /api/v1/chat/rooms/{_id}/attachments`: the file about to be uploaded. The content type is
 * checked against the tenant's allowed types and the size against its limit by the use case,
 * which knows the tenant; here only what holds for every tenant.
 */
export const requestAttachmentUploadRequest = z.object({
  name: z
    .string({ error: 'must be a string' })
    .check(
      z.trim(),
      z.minLength(1, 'must not be empty'),
      z.maxLength(MAX_ATTACHMENT_NAME_CHARACTERS, `must be at most ${MAX_ATTACHMENT_NAME_CHARACTERS} characters`),
      // Shown to the other participants and put in a header: no control characters, no path.
      z.regex(/^[^\u0000-\u001f\u007f/\\]+$/, 'must not contain control characters, / or \\'),
    ),
  content_type: z.string({ error: 'must be a string' }).check(z.meta({ description: `One of the tenant's allowed types, among ${ATTACHMENT_TYPES.join(', ')}` })),
  size: z
    .number({ error: 'must be a number of bytes' })
    .check(z.int('must be a whole number of bytes'), z.positive('must be at least 1 byte'), z.maximum(MAX_ATTACHMENT_MAX_BYTES, `must be at most ${MAX_ATTACHMENT_MAX_BYTES} bytes`)),
});

export type RequestAttachmentUploadRequest = z.output<typeof requestAttachmentUploadRequest>;

/** The `attachments` of a send: ids of uploads requested for the room, at most MAX_ATTACHMENTS_PER_MESSAGE. */
export const messageAttachmentIds = z
  .array(attachmentIdText, { error: 'must be an array of attachment ids' })
  .check(z.maxLength(MAX_ATTACHMENTS_PER_MESSAGE, `must list at most ${MAX_ATTACHMENTS_PER_MESSAGE} attachments`));
