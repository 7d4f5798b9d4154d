import type { Role } from '../tenancy/tenant';
import type { AttachmentType } from './attachmentPolicy';

/** How long an upload form is valid. */
export const UPLOAD_FORM_SECONDS = 5 * 60;
/** How long a download URL is valid. */
export const DOWNLOAD_URL_SECONDS = 15 * 60;
/**
 * An upload never sent is deleted by the bucket's lifecycle rule after a day (its `pending` tag);
 * its record goes by TTL a day after that, once it can stand for nothing.
 */
export const PENDING_RECORD_SECONDS = 2 * 24 * 3600;

/** Images are shown inline; anything else is downloaded (`Content-Disposition: attachment`). */
const isInline = (contentType: string): boolean => contentType.startsWith('image/');

/** An upload requested for a room, as stored until it is sent (lib/store/attachments.ts). */
export interface AttachmentRecord {
  _id: string;
  /** The room's `_id`. */
  room_id: string;
  name: string;
  content_type: AttachmentType;
  size: number;
  sender_type: Role;
  sender_id: string;
  requested_at: string;
  /** When the upload form stops being valid: an object stored later did not come through it. */
  upload_expires_at: string;
}

/** An attachment as a message keeps it; `url` (a presigned GET) is added for each reader, never stored. */
export interface MessageAttachment {
  _id: string;
  name: string;
  content_type: AttachmentType;
  size: number;
  url?: string;
}

/**
 * `Content-Disposition` for a file name a person chose: an ASCII fallback in quotes and the name
 * itself in RFC 5987 form, so no character of it can end the header or add a parameter.
 */
export const contentDisposition = (contentType: string, name: string): string => {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${isInline(contentType) ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
};
