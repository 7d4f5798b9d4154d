import { createHash } from 'node:crypto';
import { PARTICIPANT_ROLES, type ParticipantRole } from '../rooms/chatType';
import type { Room } from '../rooms/room';
import type { RealtimeEvent } from '../realtime/events';
import * as z from '../zod';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './events';

/** A participant the event did not reach on any live connection: the one a push notification is for. */
export interface OfflineParticipant {
  user_type: ParticipantRole;
  user_id: string;
}

/**
 * What is sent for one event, to every endpoint of the tenant subscribed to it: the job the
 * delivery function is handed, and what a pending delivery keeps.
 */
export interface WebhookJob {
  client_id: string;
  type: WebhookEventType;
  /** The `webhook-id` header: the same for every attempt and every copy of this event. */
  webhook_id: string;
  /** The exact JSON text that is signed and sent. */
  body: string;
}

/**
 * The `webhook-id` of an event: derived from its `event_id` only, so a request retried after a
 * lost answer, which tells the same event again, sends the same id, and a receiver that keeps the
 * ids it has processed drops the copy. A hash keeps the header short and free of user ids.
 */
export const webhookIdOf = (eventId: string): string =>
  `msg_${createHash('sha256').update(eventId).digest('base64url').slice(0, 27)}`;

/** A delivery's id, `<client_id>.<endpoint_id>.<webhook-id>`: one per event and endpoint, the same on every attempt. */
export const deliveryIdOf = (clientId: string, endpointId: string, webhookId: string): string => `${clientId}.${endpointId}.${webhookId}`;

/** The tenant a delivery belongs to: its id starts with the client id. */
export const tenantOfDelivery = (deliveryId: string) => ({ clientId: deliveryId.split('.')[0]! });

/** Participants of the room whose slot the publication reached on no connection. */
const offlineParticipants = (room: Room, reached: readonly ParticipantRole[]): OfflineParticipant[] =>
  PARTICIPANT_ROLES.flatMap((role) => {
    const userId = room.participants[role]?.user_id;
    return userId && !reached.includes(role) ? [{ user_type: role, user_id: userId }] : [];
  });

/** When the fact happened: a message's creation, a slot's change of hands, else the room's write that made the change. */
const occurredAt = (event: RealtimeEvent): string => {
  if (event.event === 'message.updated') return event.messageData.edited_date ?? event.messageData.created_date;
  if (event.event === 'message.deleted') return event.messageData.deleted_date ?? event.messageData.created_date;
  if ('messageData' in event) return event.messageData.created_date;
  if ('reassigned_date' in event) return event.reassigned_date;
  return event.roomData.updated_date;
};

/**
 * The Standard Webhooks body of an event: `type`, `timestamp` (when the fact happened) and
 * `data`, which is the WebSocket event's own content (the same `event_id`, `roomData`, …), and
 * for `message.created` the participants it reached on no live connection.
 */
export const webhookJob = (
  clientId: string,
  room: Room,
  event: RealtimeEvent,
  reached: readonly ParticipantRole[],
): WebhookJob | undefined => {
  const { event: type, ...content } = event;
  if (!isWebhookEventType(type)) return undefined;
  const data = type === 'message.created' ? { ...content, offline_participants: offlineParticipants(room, reached) } : content;
  return {
    client_id: clientId,
    type,
    webhook_id: webhookIdOf(event.event_id),
    body: JSON.stringify({ type, timestamp: occurredAt(event), data }),
  };
};

/** The delivery function's event: a job as enqueueWebhooks hands it over. */
export const webhookJobSchema = z.object({
  client_id: z.string().check(z.regex(/^[1-9][0-9]*$/)),
  type: z.enum(WEBHOOK_EVENT_TYPES),
  webhook_id: z.string().check(z.regex(/^msg_[A-Za-z0-9_-]{1,64}$/)),
  body: z.string().check(z.minLength(2)),
});
