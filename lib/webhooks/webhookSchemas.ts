/**
 * The webhook bodies as zod schemas: the OpenAPI document's `webhooks` section is generated from
 * them (lib/openapi/document.ts), and the tests check every delivery they receive against them.
 * `data` carries the WebSocket event's own content (lib/realtime/eventSchemas.ts), without `event`.
 */
import * as z from '../zod';
import { PARTICIPANT_ROLES } from '../rooms/chatType';
import {
  messageCreatedEvent,
  messageDeletedEvent,
  messageUpdatedEvent,
  participantReassignedEvent,
  roomClosedEvent,
  roomOpenedEvent,
} from '../realtime/eventSchemas';
import { dateText, platformIdText } from '../rooms/roomSchemas';
import type { WebhookEventType } from './events';

const offlineParticipant = z
  .object({ user_type: z.enum(PARTICIPANT_ROLES), user_id: platformIdText })
  .check(z.describe('A participant who had no live WebSocket connection when the message was published: the one to send a push notification to'));

const envelope = <Type extends WebhookEventType, Data extends z.ZodMiniType>(type: Type, data: Data, description: string) =>
  z
    .object({
      type: z.literal(type),
      timestamp: dateText.check(z.describe('When the fact happened: the message created, edited or deleted, the slot reassigned, the room written')),
      data,
    })
    .check(z.describe(description));

const { event: _messageEvent, ...messageCreatedData } = messageCreatedEvent.shape;
const { event: _updatedEvent, ...messageUpdatedData } = messageUpdatedEvent.shape;
const { event: _deletedEvent, ...messageDeletedData } = messageDeletedEvent.shape;
const { event: _closedEvent, ...roomClosedData } = roomClosedEvent.shape;
const { event: _openedEvent, ...roomOpenedData } = roomOpenedEvent.shape;
const { event: _reassignedEvent, ...participantReassignedData } = participantReassignedEvent.shape;

const messageCreatedWebhook = envelope(
  'message.created',
  z.object({ ...messageCreatedData, offline_participants: z.array(offlineParticipant) }),
  'A participant sent a message. `offline_participants` lists who the WebSocket did not reach.',
);

const messageUpdatedWebhook = envelope('message.updated', z.object(messageUpdatedData), 'The sender edited a message: its new text and `edited_date`.');

const messageDeletedWebhook = envelope(
  'message.deleted',
  z.object(messageDeletedData),
  'A message was deleted by its sender or an admin: the tombstone (`deleted: true`, `deleted_date`, no text). Delete your copies of its text and files.',
);

const roomClosedWebhook = envelope('room.closed', z.object(roomClosedData), 'The room was closed.');

const roomOpenedWebhook = envelope('room.opened', z.object(roomOpenedData), 'startChat reopened a closed room.');

const participantReassignedWebhook = envelope(
  'participant.reassigned',
  z.object(participantReassignedData),
  'An admin gave a slot to someone else: `participant` is the new holder. The previous holder has lost the room (their WebSocket hears nothing of it).',
);

/** The schema of each event a tenant's endpoint can receive, by its type. */
export const WEBHOOK_PAYLOADS = {
  'message.created': messageCreatedWebhook,
  'message.updated': messageUpdatedWebhook,
  'message.deleted': messageDeletedWebhook,
  'room.closed': roomClosedWebhook,
  'room.opened': roomOpenedWebhook,
  'participant.reassigned': participantReassignedWebhook,
} as const satisfies Record<WebhookEventType, z.ZodMiniType>;

/** The three headers of every delivery, as the Standard Webhooks specification names them. */
export const WEBHOOK_HEADERS = [
  {
    name: 'webhook-id',
    description: 'The delivery\'s id: the same on every attempt and for every copy of the event, so a receiver drops ids it has processed',
    schema: { type: 'string', pattern: '^msg_[A-Za-z0-9_-]+$' },
  },
  { name: 'webhook-timestamp', description: 'When this attempt was signed, in epoch seconds; reject ones far from now', schema: { type: 'string', pattern: '^[0-9]+$' } },
  {
    name: 'webhook-signature',
    description:
      "`v1,<base64 HMAC-SHA256 of \"<webhook-id>.<webhook-timestamp>.<body>\">` keyed with the endpoint's secret; during a secret rotation one per secret, space-separated. Verify with any Standard Webhooks library",
    schema: { type: 'string', pattern: '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$' },
  },
].map((header) => ({ ...header, in: 'header', required: true }));
