import type { RequestAttachmentUploadResponse } from '../../lib/attachments/attachmentSchemas';
import { requestAttachmentUploadRequest, type RequestAttachmentUploadRequest } from '../../lib/attachments/attachmentRequest';
import { UPLOAD_FORM_SECONDS } from '../../lib/attachments/attachment';
import { requestAttachmentUpload } from '../../lib/attachments/requestUpload';
import { httpRoute } from '../../lib/http/params';
import { json } from '../../lib/http/responses';
import { roomPathParams } from '../../lib/rooms/roomParams';

/** POST /api/v1/chat/rooms/{_id}/attachments — a form to upload one file straight to S3, for a message to this room. */
export const handler = httpRoute<typeof roomPathParams, RequestAttachmentUploadRequest>({
  params: roomPathParams,
  body: requestAttachmentUploadRequest,
  tenantFrom: 'token',
}).handler(async (event) => {
  const { record, form } = await requestAttachmentUpload(event.tenant, event.actor, event.params._id, event.body);
  const { _id, name, content_type, size, room_id, upload_expires_at } = record;
  return json(201, {
    attachment: { _id, name, content_type, size, room_id, upload_expires_at },
    upload: form,
    expires_in: UPLOAD_FORM_SECONDS,
  } satisfies RequestAttachmentUploadResponse);
});
