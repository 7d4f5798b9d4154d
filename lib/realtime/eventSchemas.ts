/**
 * The WebSocket's frames as zod schemas: the AsyncAPI document is generated from them, and the
 * contract tests validate every frame a test receives against what they generate.
 */
import * as z from '../zod';
import type { ErrorCode } from '../errors';
import { messageDataSchema } from '../messages/messageSchemas';
import { PARTICIPANT_ROLES } from '../rooms/chatType';
import { dateText, messageIdText, platformIdText, roomDataSchema } from '../rooms/roomSchemas';

const eventId = z
  .string()
  .check(
    z.minLength(1),
    z.describe(
      'Names the fact the event reports, not its delivery. Events are delivered at least once to every connection open while they are published (a retried request publishes again), always with the same id: a client drops ids it has seen. message.created:<message _id>, room.read:<room _id>:<role>:<user_id>:<message_id>, room.closed:<room _id>:<time of the close>, room.opened:<room _id>:<time of the reopen>, participant.reassigned:<room _id>:<role>:<new holder\'s user_id>:<time of the reassignment>',
    ),
  );

/** The room as it is after the change: the published roomData. */
const roomData = roomDataSchema;

export const messageCreatedEvent = z.object({
  event: z.literal('message.created'),
  event_id: eventId,
  roomData,
  messageData: messageDataSchema,
});

export const messageUpdatedEvent = z.object({
  event: z.literal('message.updated'),
  event_id: eventId,
  roomData,
  messageData: messageDataSchema.check(z.describe('The message as edited: its new text and `edited_date`')),
});

export const messageDeletedEvent = z.object({
  event: z.literal('message.deleted'),
  event_id: eventId,
  roomData,
  messageData: messageDataSchema.check(z.describe('The tombstone: `deleted: true`, `deleted_date`, no text')),
});

export const roomReadEvent = z.object({
  event: z.literal('room.read'),
  event_id: eventId,
  roomData,
  reader: z.object({ user_type: z.enum(PARTICIPANT_ROLES), user_id: platformIdText }).check(z.describe('The participant who read')),
  message_id: messageIdText.check(z.describe('The newest message the reader has read')),
});

export const roomClosedEvent = z.object({ event: z.literal('room.closed'), event_id: eventId, roomData });

export const roomOpenedEvent = z.object({ event: z.literal('room.opened'), event_id: eventId, roomData });

export const participantReassignedEvent = z.object({
  event: z.literal('participant.reassigned'),
  event_id: eventId,
  roomData,
  participant: z
    .object({ user_type: z.enum(PARTICIPANT_ROLES), user_id: platformIdText })
    .check(z.describe('The slot that changed hands and its new holder, who from now on reads the whole history')),
  reassigned_date: dateText.check(z.describe('When the slot changed hands')),
});

export const pongEvent = z.object({ event: z.literal('pong') });

const FRAME_ERRORS = ['INVALID_JSON', 'VALIDATION_ERROR', 'TOKEN_EXPIRED'] as const satisfies readonly ErrorCode[];

export const errorFrame = z.object({
  event: z.literal('error'),
  code: z
    .enum(FRAME_ERRORS)
    .check(z.describe('INVALID_JSON: the frame is not JSON; VALIDATION_ERROR: not a known action; TOKEN_EXPIRED: reconnect with a new token')),
  message: z.string(),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});

/** What a client may send: only a keep-alive (the route key is `action`). */
export const pingAction = z.object({ action: z.literal('ping') });

export type RealtimeEventBody = z.output<
  | typeof messageCreatedEvent
  | typeof messageUpdatedEvent
  | typeof messageDeletedEvent
  | typeof roomReadEvent
  | typeof roomClosedEvent
  | typeof roomOpenedEvent
  | typeof participantReassignedEvent
>;
