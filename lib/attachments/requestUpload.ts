import { monotonicFactory } from 'ulid';
import { AppError } from '../errors';
import { roomClosed } from '../messages/recordMessage';
import { loadRoomFor, roomNotFound } from '../rooms/roomAccess';
import { markRoomHoldsFiles, putAttachmentRecord } from '../store/attachments';
import { presignUpload, type UploadForm } from '../store/attachmentObjects';
import { pendingObjectKey } from '../store/keys';
import type { Actor, Tenant } from '../tenancy/tenant';
import { epochSeconds } from '../time';
import { contentDisposition, PENDING_RECORD_SECONDS, UPLOAD_FORM_SECONDS, type AttachmentRecord } from './attachment';
import { attachmentPolicyOf, type AttachmentType } from './attachmentPolicy';
import type { RequestAttachmentUploadRequest } from './attachmentRequest';

const nextAttachmentId = monotonicFactory();

export interface RequestedUpload {
  record: AttachmentRecord;
  form: UploadForm;
}

const refused = (field: string, message: string) => new AppError('VALIDATION_ERROR', 'Invalid attachment', [{ path: field, message }]);

/**
 * `POST /api/v1/chat/rooms/{_id}/attachments`: a participant (or an admin) of an open room asks to
 * upload one file. Its type must be one the tenant allows and its size within the tenant's limit;
 * the record names the room, the sender and the file, and the form lets S3 take exactly that file
 * under the tenant's prefix for UPLOAD_FORM_SECONDS. One room read, one write (two for the room's
 * first upload, which marks the room), no S3 request (the form is signed here). Nothing is sent
 * yet: a message does that (lib/attachments/sendAttachments.ts).
 */
export const requestAttachmentUpload = async (
  tenant: Tenant,
  actor: Actor,
  roomId: string,
  request: RequestAttachmentUploadRequest,
  now = new Date(),
): Promise<RequestedUpload> => {
  const policy = attachmentPolicyOf(tenant);
  if (!(policy.types as readonly string[]).includes(request.content_type)) {
    throw refused('content_type', `must be one of ${policy.types.join(', ')}`);
  }
  if (request.size > policy.maxBytes) throw refused('size', `must be at most ${policy.maxBytes} bytes`);
  const { room, ref } = await loadRoomFor(tenant, actor, roomId);
  if (!room.status) throw roomClosed();
  // Before the form exists: the room's cleanup then knows to delete what may be uploaded and sent.
  if (!room.has_files && !(await markRoomHoldsFiles(tenant, ref, room._id))) throw roomNotFound();

  const record: AttachmentRecord = {
    _id: nextAttachmentId(now.getTime()),
    room_id: room._id,
    name: request.name,
    content_type: request.content_type as AttachmentType,
    size: request.size,
    sender_type: actor.role,
    sender_id: actor.userId,
    requested_at: now.toISOString(),
    upload_expires_at: new Date(now.getTime() + UPLOAD_FORM_SECONDS * 1000).toISOString(),
  };
  await putAttachmentRecord(tenant, ref, record, epochSeconds(now) + PENDING_RECORD_SECONDS);
  const form = await presignUpload(tenant, pendingObjectKey(tenant, room._id, record._id), {
    contentType: record.content_type,
    disposition: contentDisposition(record.content_type, record.name),
    size: record.size,
    expiresSeconds: UPLOAD_FORM_SECONDS,
  });
  return { record, form };
};
