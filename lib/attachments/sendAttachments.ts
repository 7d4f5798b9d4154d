import { AppError, type FieldError } from '../errors';
import { getAttachmentRecord } from '../store/attachments';
import { copyObject, headObject, readObjectStart, type StoredObject } from '../store/attachmentObjects';
import { pendingObjectKey, sentObjectKey } from '../store/keys';
import type { Actor, Tenant } from '../tenancy/tenant';
import { contentDisposition, type AttachmentRecord, type MessageAttachment } from './attachment';
import { attachmentPolicyOf, VERIFIABLE_TYPES } from './attachmentPolicy';
import { deleteAttachments } from './deleteAttachments';

/** How many first bytes the content detector is given: what file-type reads to tell these types apart. */
const SNIFF_BYTES = 4100;
/**
 * S3 checks a form's expiry when the upload starts and stamps the object when it is stored; a
 * slow upload through a form used at its last moment is stored this much later at most.
 */
const UPLOAD_GRACE_MS = 10 * 60 * 1000;

/** An upload that passed every check: its record and the version of its object that was checked. */
export interface CheckedAttachment {
  record: AttachmentRecord;
  etag: string;
}

type Verdict = CheckedAttachment | { problem: string };

const NOT_YOURS = 'is not an upload of yours in this room';

const verdictOnObject = async (tenant: Tenant, record: AttachmentRecord, key: string, object: StoredObject | undefined): Promise<Verdict> => {
  const policy = attachmentPolicyOf(tenant);
  if (!object) return { problem: 'has not been uploaded (or its upload was deleted after a day unsent)' };
  if (object.lastModified.getTime() > Date.parse(record.upload_expires_at) + UPLOAD_GRACE_MS) {
    return { problem: 'was uploaded after its form expired; request a new upload' };
  }
  if (object.size !== record.size) return { problem: `is ${object.size} bytes, not the ${record.size} requested` };
  if (object.size > policy.maxBytes) return { problem: `is larger than ${policy.maxBytes} bytes` };
  if (!(policy.types as readonly string[]).includes(record.content_type)) return { problem: `is a ${record.content_type}, which this tenant no longer allows` };
  if (object.contentType !== record.content_type) return { problem: `was uploaded as ${object.contentType ?? 'no type'}, not ${record.content_type}` };
  const start = await readObjectStart(tenant, key, object.etag, SNIFF_BYTES);
  if (!start) return { problem: 'changed while it was checked; send again' };
  // The detector is loaded by the first send with a file: a dynamic import keeps it off the
  // function's load (bundled, its modules share nothing with the rest, so only they wait).
  const { fileTypeFromBuffer } = await import('file-type/core');
  const detected = await fileTypeFromBuffer(start);
  if (!detected || !(VERIFIABLE_TYPES[record.content_type] as readonly string[]).includes(detected.mime)) {
    return { problem: `content is not ${record.content_type}` };
  }
  return { record, etag: object.etag };
};

const verdictOn = async (tenant: Tenant, actor: Actor, roomId: string, ref: string, id: string): Promise<Verdict> => {
  const record = await getAttachmentRecord(tenant, ref, id);
  // Another room's upload, another incarnation's, someone else's: one answer, which tells nothing of theirs.
  if (!record || record.room_id !== roomId || record.sender_type !== actor.role || record.sender_id !== actor.userId) {
    return { problem: NOT_YOURS };
  }
  const key = pendingObjectKey(tenant, roomId, id);
  return verdictOnObject(tenant, record, key, await headObject(tenant, key));
};

/**
 * The checks a send makes of its attachments before it writes anything: each id names an upload
 * this sender requested for this room, its object is there, stored through its form (in time,
 * with the declared type and exactly the declared size, within the tenant's limit), and its first
 * bytes are of the declared type by the content detector, so HTML or SVG labelled as an image,
 * or any file renamed, is refused. Every refusal is one VALIDATION_ERROR naming each
 * `attachments.<i>` at fault. Per attachment: one store read, a HEAD and a ranged GET, all in parallel.
 */
export const checkAttachments = async (tenant: Tenant, actor: Actor, roomId: string, ref: string, ids: readonly string[]): Promise<CheckedAttachment[]> => {
  const errors: FieldError[] = [];
  ids.forEach((id, index) => {
    if (ids.indexOf(id) !== index) errors.push({ path: `attachments.${index}`, message: 'is listed twice' });
  });
  if (errors.length === 0) {
    const verdicts = await Promise.all(ids.map((id) => verdictOn(tenant, actor, roomId, ref, id)));
    verdicts.forEach((verdict, index) => {
      if ('problem' in verdict) errors.push({ path: `attachments.${index}`, message: verdict.problem });
    });
    if (errors.length === 0) return verdicts as CheckedAttachment[];
  }
  throw new AppError('VALIDATION_ERROR', 'Invalid attachments', errors);
};

/**
 * Give the message its own copy of each checked upload, of the very version checked (a form still
 * valid could store another file under the pending key meanwhile). The copies are untagged, so the
 * lifecycle rule that deletes unsent uploads leaves them; they go with the message or the room.
 * Repeating it (a retry of the same message) copies the same bytes to the same keys again.
 */
export const copyAttachments = async (tenant: Tenant, roomId: string, messageId: string, checked: readonly CheckedAttachment[]): Promise<MessageAttachment[]> => {
  const copied = await Promise.all(
    checked.map(({ record, etag }) =>
      copyObject(tenant, pendingObjectKey(tenant, roomId, record._id), sentObjectKey(tenant, roomId, messageId, record._id), {
        etag,
        contentType: record.content_type,
        disposition: contentDisposition(record.content_type, record.name),
      }),
    ),
  );
  const changed = copied.flatMap((done, index) => (done ? [] : [{ path: `attachments.${index}`, message: 'changed while it was sent; send again' }]));
  if (changed.length > 0) {
    await deleteAttachments(tenant, roomId, messageId, checked.map(({ record }) => record));
    throw new AppError('VALIDATION_ERROR', 'Invalid attachments', changed);
  }
  return checked.map(({ record }) => ({ _id: record._id, name: record.name, content_type: record.content_type, size: record.size }));
};
