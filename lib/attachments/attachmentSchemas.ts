/** The attachments' response bodies as zod schemas (see lib/rooms/roomSchemas.ts for how they are used). */
import * as z from '../zod';
import { dateText, messageIdText, objectIdText } from '../rooms/roomSchemas';
import { DOWNLOAD_URL_SECONDS, UPLOAD_FORM_SECONDS } from './attachment';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_MAX_BYTES } from './attachmentPolicy';
import { MAX_ATTACHMENT_NAME_CHARACTERS } from './attachmentRequest';

const attachmentFields = {
  _id: messageIdText.check(z.describe('A ULID; send it in `attachments` of a message')),
  name: z.string().check(z.meta({ description: 'The file name as the sender gave it, trimmed', minLength: 1, maxLength: MAX_ATTACHMENT_NAME_CHARACTERS })),
  content_type: z.enum(ATTACHMENT_TYPES).check(z.describe('Declared at the request and verified from the first bytes when sent')),
  size: z.number().check(z.int(), z.gte(1), z.lte(MAX_ATTACHMENT_MAX_BYTES), z.describe('Bytes')),
};

/** An attachment of a message, as every reader of the message gets it. */
export const attachmentDataSchema = z.object({
  ...attachmentFields,
  url: z.string().check(
    z.meta({
      description: `A presigned GET of the file, valid ${DOWNLOAD_URL_SECONDS / 60} minutes, issued only to the room's participants and the tenant's admins. Images are served inline, other files as a download (\`Content-Disposition: attachment\`), always with the verified content type.`,
      format: 'uri',
    }),
  ),
});

export const requestAttachmentUploadResponse = z.object({
  attachment: z.object({
    ...attachmentFields,
    room_id: objectIdText.check(z.describe("The room's `_id`: only a message to this room may carry it")),
    upload_expires_at: dateText.check(z.describe('The form is refused by S3 after this time; request another')),
  }),
  upload: z.object({
    url: z.string().check(z.meta({ description: "The bucket's URL: POST the form there as multipart/form-data", format: 'uri' })),
    fields: z
      .record(z.string(), z.string())
      .check(
        z.describe(
          'Every field goes into the form as it is, in any order before the file, which comes last as the field `file`. The signed policy fixes the key, the content type, the size (exactly `size` bytes) and the expiry.',
        ),
      ),
  }),
  expires_in: z.literal(UPLOAD_FORM_SECONDS).check(z.describe('Seconds the form stays valid')),
});

export type AttachmentDataBody = z.output<typeof attachmentDataSchema>;
export type RequestAttachmentUploadResponse = z.output<typeof requestAttachmentUploadResponse>;
