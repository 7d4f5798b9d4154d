import * as z from '../zod';
import { CHAT_TYPES, PARTICIPANT_ROLES } from '../rooms/chatType';
import { PERSON_EXPORT_FORMAT } from './person';

/**
 * The privacy routes' response bodies as zod schemas (the OpenAPI document is generated from them,
 * the handlers' outputs are typed by them; type-only imports, so no handler loads them).
 *
 * The documented format of a person's export (`npm run privacy -- export`, `POST
 * /api/v1/chat/privacy/exports`): what the service stores of one person of one tenant. Other
 * participants' messages and profiles are theirs, not this person's, and are not included.
 */


const text = (description: string) => z.string().check(z.describe(description));

const exportedMessage = z.object({
  _id: text('The message id (a ULID: it sorts in time order)'),
  room_id: text('The `_id` of the room it was sent in'),
  text: z.optional(text('What they wrote; absent once the message was deleted')),
  client_message_id: z.optional(text('The id their app sent it with, if any')),
  created_date: text('When it was sent (ISO 8601)'),
  deleted: z.optional(z.boolean().check(z.describe('The message was deleted: only this tombstone remains'))),
  deleted_date: z.optional(text('When it was deleted')),
});

const exportedProfile = z.object({
  username: z.optional(z.string()),
  email: z.optional(z.string()),
  phone_num: z.optional(z.string()),
  display_image: z.optional(z.string()),
});

const exportedRoom = z.object({
  _id: text('The room `_id`'),
  room_id: text('The room number'),
  type: z.enum(CHAT_TYPES),
  order_id: z.string(),
  order_vendor_id: z.string(),
  vendor_id: z.string(),
  agent_db: z.string(),
  status: z.boolean().check(z.describe('Open (true) or closed')),
  created_date: z.string(),
  updated_date: z.string(),
  participation: z
    .enum(['current', 'former'])
    .check(z.describe('current: they hold the slot of their role; former: the slot was given to someone else, their messages remain')),
  seat: z.nullable(
    z.object({ _id: z.string(), created_date: z.string() }).check(z.describe('Their seat in the room (current participants only)')),
  ),
  profile: z.nullable(exportedProfile.check(z.describe('The profile they gave this room, as stored (current participants only)'))),
  read_cursor: z.nullable(
    z
      .object({ message_id: z.string(), seen: z.int() })
      .check(z.describe('The last message they read and how many messages from others they had seen with it')),
  ),
  messages: z.array(exportedMessage).check(z.describe('The messages they sent in the room, oldest first')),
});

const exportedConnection = z.object({
  connected_at: z.optional(text('When the WebSocket connection was opened')),
  expires_at: z.optional(z.int().check(z.describe('Epoch seconds after which it is no longer served'))),
});

export const personExport = z.object({
  format: z.literal(PERSON_EXPORT_FORMAT),
  client_id: text('The tenant'),
  person: z.object({ role: z.enum(PARTICIPANT_ROLES), user_id: z.string() }),
  exported_date: z.string(),
  connections: z.array(exportedConnection).check(z.describe('Their open WebSocket connections (on the first page only)')),
  rooms: z.array(exportedRoom),
});

export type PersonExport = z.output<typeof personExport>;
export type ExportedRoom = z.output<typeof exportedRoom>;
export type ExportedMessage = z.output<typeof exportedMessage>;

export const exportPersonResponse = z.object({
  message: z.string(),
  exportData: personExport,
  next_cursor: z.nullable(z.string()).check(z.describe('Send it back (with role and user_id) for the next page of rooms; null on the last page')),
  status: z.literal(200),
});

const count = z.int().check(z.nonnegative());

export const erasureData = z.object({
  erasure_id: z.string().check(z.describe('Names the audit record of this erasure')),
  status: z
    .enum(['complete', 'in_progress'])
    .check(z.describe('in_progress: the time of one request ran out; send the same request again to continue')),
  role: z.enum(PARTICIPANT_ROLES),
  requested_by: z.object({ via: z.enum(['http', 'cli']), role: z.optional(z.string()), user_id: z.optional(z.string()) }),
  requested_date: z.string(),
  completed_date: z.nullable(z.string()),
  counts: z.object({ rooms: count, messages: count, client_message_ids: count, connections: count }),
});

export const erasePersonResponse = z.object({
  message: z.string(),
  erasureData,
  status: z.literal(200),
});

export type ErasureData = z.output<typeof erasureData>;
export type ExportPersonResponse = z.output<typeof exportPersonResponse>;
export type ErasePersonResponse = z.output<typeof erasePersonResponse>;
