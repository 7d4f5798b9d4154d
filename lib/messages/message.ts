import type { MessageAttachment } from '../attachments/attachment';
import type { AttachmentDataBody } from '../attachments/attachmentSchemas';
import type { ReadMarks } from '../rooms/readState';
import type { Role } from '../tenancy/tenant';
import type { Moderation } from './masking';
import type { MessageDataBody } from './messageSchemas';

/**
 * A chat message as stored and returned. `_id` is a ULID: it sorts in time order. A deleted (or
 * erased) message stays as a tombstone: `deleted`, `deleted_date`, and no text, in its place, so
 * pages, counts and read cursors stay as they were.
 */
export interface Message {
  _id: string;
  /** The room's `_id`. */
  room_id: string;
  /** As sent (masked by the tenant's policy) or last edited; absent on a tombstone. */
  text?: string;
  sender_id: string;
  sender_type: Role;
  client_message_id?: string;
  created_date: string;
  /** When the sender last edited it; absent until then. */
  edited_date?: string;
  /** What masking took out of the text now stored (lib/messages/masking.ts); absent when nothing was. */
  moderation?: Moderation;
  deleted?: true;
  deleted_date?: string;
  /** Files sent with it (lib/attachments); each reader gets its `url` (lib/attachments/downloadUrls.ts). */
  attachments?: MessageAttachment[];
  /** Stored, never shown: per role, the messages from others a reader of this one has seen. */
  read_marks?: ReadMarks;
}

/**
 * The published `messageData`: fixed field order, absent `client_message_id` as null; the fields
 * an edit, masking or a deletion adds only where they apply.
 */
export const toMessageData = (message: Message): MessageDataBody => ({
  _id: message._id,
  room_id: message.room_id,
  ...(message.text !== undefined && { text: message.text }),
  sender_id: message.sender_id,
  sender_type: message.sender_type,
  client_message_id: message.client_message_id ?? null,
  created_date: message.created_date,
  ...(message.edited_date !== undefined && { edited_date: message.edited_date }),
  ...(message.moderation !== undefined && { moderation: message.moderation }),
  ...(message.deleted && { deleted: true as const, ...(message.deleted_date !== undefined && { deleted_date: message.deleted_date }) }),
  // A tombstone's files are deleted with it.
  ...(!message.deleted && message.attachments?.length && { attachments: message.attachments.map(toAttachmentData) }),
});

/** A URL is issued per reader, never stored: a message shown without one is a bug, not a file without a link. */
const toAttachmentData = ({ _id, name, content_type, size, url }: MessageAttachment): AttachmentDataBody => {
  if (!url) throw new Error(`Attachment ${_id} is shown without a download URL (lib/attachments/downloadUrls.ts)`);
  return { _id, name, content_type, size, url };
};

export type MessageData = MessageDataBody;

/** Room previews carry a short text: a list of rooms must not ship whole conversations. */
export const PREVIEW_CHARACTERS = 200;

/** The preview of `text`: its first PREVIEW_CHARACTERS characters (code points). */
export const previewText = (text: string): string => [...text].slice(0, PREVIEW_CHARACTERS).join('');
