import { logger } from '../log';
import { metrics, MetricUnit } from '../metrics';
import type { Room } from '../rooms/room';
import { handOverToWebhooks, type WebhookSubscriber } from '../webhooks/enqueue';
import type { RealtimeEvent } from './events';
import { publishToRoom, undeliveredEvent } from './publisher';

interface DeliveryOptions {
  /**
   * The caller's client retries the request idempotently (README: same request on 503), and a
   * retry that finds the write done delivers the event again. False for a send without
   * `client_message_id`, whose retry would be a second message.
   */
  retryable: boolean;
}

/**
 * Tell a room's participants about a write that has been made: the one way every use case hands
 * over an event, called after its write, also by a retry that finds the write already done (with
 * the same `event_id`). Delivery is at least once to every connection that is open while the
 * event is published: the publisher retries lookups and pushes within the request's budget, and
 * what still failed is never dropped silently. A retryable caller answers 503 with Retry-After
 * (the client's retry delivers again); any other caller logs the event as undelivered and counts it
 * (metric `EventsUndelivered`), and its recipients catch up from the HTTP API. Webhooks follow
 * the same rule: the event is handed to the tenant's endpoints (lib/webhooks/enqueue.ts: one
 * asynchronous invocation, only when the tenant subscribes to it), and a hand-over that failed
 * counts as an event not delivered. No use case knows how events travel.
 */
export const deliverRoomEvent = async (tenant: WebhookSubscriber, room: Room, event: RealtimeEvent, { retryable }: DeliveryOptions): Promise<void> => {
  const report = await publishToRoom(tenant, room, event);
  // After the publication, whose report names who had no live connection (offline_participants).
  const handedOver = await handOverToWebhooks(tenant, room, event, report);
  if (report.failed === 0 && handedOver) return;
  metrics.addMetric('EventsUndelivered', MetricUnit.Count, 1);
  if (retryable) throw undeliveredEvent(report, event);
  logger.warn('Event not delivered to every connection; its recipients catch up from the HTTP API', {
    event: event.event,
    event_id: event.event_id,
    report,
  });
};
