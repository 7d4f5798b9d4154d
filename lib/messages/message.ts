import type { ReadMarks } from '../rooms/readState';
import type { Role } from '../tenancy/tenant';
import type { MessageDataBody } from './messageSchemas';

/** A chat message as stored and returned. `_id` is a ULID: it sorts in time order. */
export interface Message {
  _id: string;
  /** The room's `_id`. */
  room_id: string;
  text: string;
  sender_id: string;
  sender_type: Role;
  client_message_id?: string;
  created_date: string;
  /** Stored, never shown: per role, the messages from others a reader of this one has seen. */
  read_marks?: ReadMarks;
}

/** The published `messageData`: fixed field order, absent `client_message_id` as null. */
export const toMessageData = (message: Message): MessageDataBody => ({
  _id: message._id,
  room_id: message.room_id,
  text: message.text,
  sender_id: message.sender_id,
  sender_type: message.sender_type,
  client_message_id: message.client_message_id ?? null,
  created_date: message.created_date,
});

export type MessageData = MessageDataBody;

/** Room previews carry a short text: a list of rooms must not ship whole conversations. */
export const PREVIEW_CHARACTERS = 200;
