/**
 * The rooms' response bodies as zod schemas: the OpenAPI and AsyncAPI documents are generated from
 * them, the handlers' outputs are typed by them (type-only imports: no handler loads them), and
 * the contract tests validate every response against what they generate. Objects are closed: a
 * field the code sends without declaring it here fails those tests.
 */
import * as z from '../zod';
import { ROLES } from '../tenancy/tenant';
import { CHAT_TYPES, PARTICIPANT_ROLES } from './chatType';

const text = <S extends z.ZodMiniType>(schema: S, description: string): S => schema.check(z.describe(description)) as S;

/** A 24-hex object id (`_id` of rooms and participants), Mongo-style. */
export const objectIdText = z.string().check(z.regex(/^[0-9a-f]{24}$/));

/** A platform id as every response spells it: its decimal string. */
export const platformIdText = z.string().check(z.regex(/^[1-9][0-9]*$/));

/** A message `_id`: a ULID (26 characters of Crockford's base 32), so ids sort in time order. */
export const messageIdText = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/));

/** ISO-8601 UTC with milliseconds, as the published page shows dates. */
export const dateText = z.iso.datetime({ precision: 3 });

/** The id an erased person's slot and messages carry in one room (lib/privacy/eraseRoom.ts). */
const ERASED_ID = 'erased-[0-9a-f]{16}';

/** A participant's id: a platform id, or the anonymous id their erasure left. */
const participantIdText = text(
  z.string().check(z.regex(new RegExp(`^(?:[1-9][0-9]*|${ERASED_ID})$`))),
  'A platform id, or `erased-` and 16 hex digits once the person was erased',
);

/** A slot's holder, `""` while nobody holds it (the platform's clients expect strings). */
const slotText = text(
  z.string().check(z.regex(new RegExp(`^(?:[1-9][0-9]*|${ERASED_ID})?$`))),
  'A platform id, `erased-` and 16 hex digits once its holder was erased, or "" while the slot is empty',
);

const nameText = z.string().check(z.minLength(1));

const roomName = text(
  z.string().check(z.regex(new RegExp(`^OrderNo-[0-9]{8}-orderId-[1-9][0-9]*-oderVendor-[1-9][0-9]*-agentId-(?:[1-9][0-9]*|${ERASED_ID})?$`))),
  'OrderNo-<room_id>-orderId-<order_id>-oderVendor-<vendor_id>-agentId-<agent_id> (`oderVendor` as the platform spells it)',
);

/** The published `roomData`: exactly these 18 fields, in this order. */
export const roomDataSchema = z.object({
  _id: text(objectIdText, "The room's id: 8 hex of its creation time, then 16 naming the conversation"),
  status: text(z.boolean(), 'false while the room is closed (startChat reopens it)'),
  type: text(z.enum(CHAT_TYPES), 'The conversation type in canonical form (`agent-to-user` comes back as `agent_to_user`)'),
  room_id: text(z.string().check(z.regex(/^[0-9]{8}$/)), "The room's 8-digit number (the request's order_number when given)"),
  room_name: roomName,
  order_vendor_id: platformIdText,
  order_id: platformIdText,
  agent_db: nameText,
  vendor_id: platformIdText,
  sub_domain: nameText,
  vendor_user_id: slotText,
  order_user_id: slotText,
  agent_id: slotText,
  db_name: nameText,
  client_id: platformIdText,
  created_date: dateText,
  updated_date: text(dateText, 'Moved by every startChat that touches the room and every message'),
  __v: z.int().check(z.nonnegative()),
});

const readCursor = z.nullable(messageIdText);

/** A participant as the platform's `user_Data` lists them, with their read cursor. */
export const participantSchema = z.object({
  _id: objectIdText,
  status: z.boolean(),
  room_id: text(objectIdText, "The room's `_id`"),
  user_type: z.enum(PARTICIPANT_ROLES),
  user_id: participantIdText,
  email: z.string(),
  username: z.string(),
  phone_num: z.string(),
  display_image: z.string(),
  room_name: roomName,
  vendor_id: platformIdText,
  vendor_user_id: slotText,
  order_user_id: slotText,
  order_vendor_id: platformIdText,
  auth_user_id: participantIdText,
  created_date: dateText,
  updated_date: dateText,
  __v: z.int().check(z.nonnegative()),
  last_read_message_id: text(readCursor, 'The last message this participant has read; null before their first read'),
});

/** The platform's listing shape: `roomData`, the caller's read state, the participants. */
export const roomWithUsersSchema = z.extend(roomDataSchema, {
  unread_count: text(
    z.nullable(z.int().check(z.nonnegative())),
    "Messages from the room's other participants after the caller's read cursor; null for an admin",
  ),
  last_read_message_id: text(readCursor, "The caller's read cursor; null before the first read and for an admin"),
  user_Data: text(z.array(participantSchema), 'The participants, each with their read cursor (read receipts)'),
});

/** The newest message, shortened to a preview. */
export const lastMessageSchema = z.object({
  _id: messageIdText,
  text: z.optional(text(z.string(), 'The first 200 characters (as last edited); absent once the message is deleted')),
  sender_id: z.string().check(z.minLength(1)),
  sender_type: z.enum(ROLES),
  created_date: dateText,
  edited_date: z.optional(text(dateText, 'When its sender last edited it; absent until then')),
  deleted: z.optional(text(z.literal(true), 'The message was deleted')),
  deleted_date: z.optional(text(dateText, 'When it was deleted')),
});

/** A room as the v1 endpoints show it: the listing shape plus the last-message preview. */
export const roomViewSchema = z.extend(roomWithUsersSchema, {
  last_message: text(z.nullable(lastMessageSchema), 'null until the first message'),
});

const nextCursor = text(z.nullable(z.string().check(z.minLength(1))), 'Send as `cursor` for the next page; null on the last page');

export const startChatResponse = z.object({
  message: z.literal('Room created successfully !!!'),
  roomData: roomDataSchema,
  status: z.literal(200),
});

export const fetchRoomByUserAgentResponse = z.object({ roomData: z.array(roomWithUsersSchema), next_cursor: nextCursor });

export const roomsPageResponse = z.object({ rooms: z.array(roomViewSchema), next_cursor: nextCursor });

export const roomResponse = z.object({ roomData: roomViewSchema, status: z.literal(200) });

export const closeRoomResponse = z.object({ message: z.literal('Room closed successfully'), roomData: roomViewSchema, status: z.literal(200) });

export const markRoomReadResponse = z.object({
  roomData: roomViewSchema,
  last_read_message_id: text(readCursor, "The caller's read cursor after this call (it never moves back); null for an admin"),
});

export const reassignParticipantResponse = z.object({
  message: z.literal('Participant reassigned'),
  roomData: roomViewSchema,
  status: z.literal(200),
});

export type RoomDataBody = z.output<typeof roomDataSchema>;
export type ParticipantBody = z.output<typeof participantSchema>;
export type RoomWithUsersBody = z.output<typeof roomWithUsersSchema>;
export type RoomViewBody = z.output<typeof roomViewSchema>;
export type StartChatResponse = z.output<typeof startChatResponse>;
export type FetchRoomByUserAgentResponse = z.output<typeof fetchRoomByUserAgentResponse>;
export type RoomsPageResponse = z.output<typeof roomsPageResponse>;
export type RoomResponse = z.output<typeof roomResponse>;
export type CloseRoomResponse = z.output<typeof closeRoomResponse>;
export type MarkRoomReadResponse = z.output<typeof markRoomReadResponse>;
export type ReassignParticipantResponse = z.output<typeof reassignParticipantResponse>;
