import { presignDownload } from '../store/attachmentObjects';
import { sentObjectKey, type TenantKeyScope } from '../store/keys';
import { contentDisposition, DOWNLOAD_URL_SECONDS, type MessageAttachment } from './attachment';

interface WithAttachments {
  _id: string;
  room_id: string;
  attachments?: MessageAttachment[];
}

/**
 * The messages with a presigned GET (DOWNLOAD_URL_SECONDS) on each attachment, for a reader the
 * caller has let into the room: the send's answer and event go to the room's participants, a
 * listing to a participant or an admin (lib/rooms/roomAccess.ts). Signing is local (no request);
 * each URL makes S3 answer with the verified type and the disposition, whatever is asked.
 */
export const withDownloadUrls = async <M extends WithAttachments>(tenant: TenantKeyScope, messages: readonly M[]): Promise<M[]> =>
  Promise.all(
    messages.map(async (message) => {
      if (!message.attachments?.length) return message;
      const attachments = await Promise.all(
        message.attachments.map(async ({ url: _stale, ...attachment }) => ({
          ...attachment,
          url: await presignDownload(tenant, sentObjectKey(tenant, message.room_id, message._id, attachment._id), {
            contentType: attachment.content_type,
            disposition: contentDisposition(attachment.content_type, attachment.name),
            expiresSeconds: DOWNLOAD_URL_SECONDS,
          }),
        })),
      );
      return { ...message, attachments };
    }),
  );
