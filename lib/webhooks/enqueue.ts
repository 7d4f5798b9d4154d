import { invokeAsync } from '../aws/lambdaInvoke';
import { logger } from '../log';
import { metrics, MetricUnit } from '../metrics';
import type { RealtimeEvent } from '../realtime/events';
import type { DeliveryReport } from '../realtime/publisher';
import type { Room } from '../rooms/room';
import { functionTransport } from '../store/client';
import type { TenantKeyScope } from '../store/keys';
import { putPendingDelivery } from '../store/webhooks';
import type { WebhookEventType } from './events';
import { deliveryIdOf, webhookJob, type WebhookJob } from './payload';
import { webhookConfig } from './webhookConfig';

/** What the request path knows of a tenant's webhooks: from the tenant record it already loaded. */
export interface WebhookSubscriber extends TenantKeyScope {
  /** The events at least one enabled endpoint subscribes to; absent or empty: none. */
  readonly webhookEvents?: readonly WebhookEventType[];
}

export type EnqueueResult = 'none' | 'invoked' | 'queued';

/** A fan-out item of the store's queue names no endpoint yet: the sweep sends it to every subscriber. */
export const FAN_OUT_ENDPOINT = '*';

/**
 * The durable path when the asynchronous invocation cannot be made (or none is configured, as in
 * in-process tests): one pending item, due now, which the sweep fans out to the endpoints.
 */
export const queueJob = async (tenant: TenantKeyScope, job: WebhookJob, now = Date.now()): Promise<void> => {
  await putPendingDelivery(tenant, {
    delivery_id: deliveryIdOf(job.client_id, FAN_OUT_ENDPOINT, job.webhook_id),
    endpoint_id: FAN_OUT_ENDPOINT,
    webhook_id: job.webhook_id,
    event_type: job.type,
    body: job.body,
    attempts: 0,
    first_attempt_at: now,
    last_attempt_at: now,
    due_at: now,
  });
};

const invokeDelivery = (functionName: string, job: WebhookJob): Promise<void> => {
  const endpoint = webhookConfig.lambdaEndpointUrl;
  return invokeAsync({ ...functionTransport(), ...(endpoint && { endpoint: new URL(endpoint) }) }, functionName, JSON.stringify(job));
};

/**
 * Hand an event that has been written and published to the tenant's webhook endpoints, without
 * waiting for them: one asynchronous Lambda invocation, made only when the tenant has an endpoint
 * for this event (decided from the tenant record the request already loaded: a tenant without one
 * makes no call and spends no unit). The delivery function attempts each endpoint and keeps what
 * failed in the store for the sweep to retry.
 *
 * Nothing is lost: if the invocation fails after its retries, the job is written to the store's
 * queue instead (one item); only if that fails too does this throw, and the caller treats it as an
 * event not delivered (a retryable request answers 503, and its retry hands the event over again,
 * with the same webhook-id).
 */
export const enqueueWebhooks = async (
  tenant: WebhookSubscriber,
  room: Room,
  event: RealtimeEvent,
  report: Pick<DeliveryReport, 'reached'>,
): Promise<EnqueueResult> => {
  if (!tenant.webhookEvents?.includes(event.event as WebhookEventType)) return 'none';
  const job = webhookJob(tenant.clientId, room, event, report.reached);
  if (!job) return 'none';
  const functionName = webhookConfig.deliveryFunctionName;
  if (functionName) {
    try {
      await invokeDelivery(functionName, job);
      return 'invoked';
    } catch (error) {
      logger.warn('Could not invoke the webhook delivery; the job goes to the store queue', { event_id: event.event_id, error });
      metrics.addMetric('WebhookInvokeFailed', MetricUnit.Count, 1);
    }
  }
  await queueJob(tenant, job);
  return 'queued';
};

/**
 * `enqueueWebhooks` for deliverRoomEvent: false (logged, counted) when the event could not be
 * handed over at all, which the caller treats as an event not delivered.
 */
export const handOverToWebhooks = async (
  tenant: WebhookSubscriber,
  room: Room,
  event: RealtimeEvent,
  report: Pick<DeliveryReport, 'reached'>,
): Promise<boolean> => {
  try {
    await enqueueWebhooks(tenant, room, event, report);
    return true;
  } catch (error) {
    metrics.addMetric('WebhookEnqueueFailed', MetricUnit.Count, 1);
    logger.warn('Could not hand an event over to webhooks', { event: event.event, event_id: event.event_id, error });
    return false;
  }
};
