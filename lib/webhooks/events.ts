/**
 * The events a tenant's backend can subscribe to. Each is a fact the chat service has already
 * written; its webhook is sent after the write, never instead of it.
 */
export const WEBHOOK_EVENT_TYPES = [
  'message.created',
  'message.updated',
  'message.deleted',
  'room.opened',
  'room.closed',
  'participant.reassigned',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (value: string): value is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
