import { platformId } from '../ids';
import { listTenantRecords } from '../store/tenants';
import { deleteFailedDelivery, getFailedDelivery, listFailedDeliveries, putPendingDelivery, type FailedDelivery } from '../store/webhooks';
import { tenantOfDelivery } from './payload';

/**
 * Operator actions on deliveries that ran out of attempts (`npm run webhooks`): see them, and
 * send one again.
 */
export class DeliveryNotFound extends Error {
  override readonly name = 'DeliveryNotFound';
}

/** A failed delivery as an operator reads it: times as ISO text, the body as sent. */
const failedSummary = (failed: FailedDelivery) => ({
  delivery_id: failed.delivery_id,
  client_id: tenantOfDelivery(failed.delivery_id).clientId,
  endpoint_id: failed.endpoint_id,
  webhook_id: failed.webhook_id,
  event_type: failed.event_type,
  reason: failed.reason,
  attempts: failed.attempts,
  first_attempt_at: new Date(failed.first_attempt_at).toISOString(),
  last_attempt_at: new Date(failed.last_attempt_at).toISOString(),
  failed_at: new Date(failed.failed_at).toISOString(),
  ...(failed.last_status !== undefined && { last_status: failed.last_status }),
  ...(failed.last_error !== undefined && { last_error: failed.last_error }),
  ...(failed.last_response !== undefined && { last_response: failed.last_response }),
});

export type FailedSummary = ReturnType<typeof failedSummary>;

/** The failed deliveries of one tenant, or of every tenant with webhooks, oldest failure first. */
export const failedDeliveries = async (clientId?: string, now = Date.now()): Promise<FailedSummary[]> => {
  const tenants =
    clientId === undefined
      ? (await listTenantRecords()).records.filter((record) => record.webhooks !== undefined).map((record) => record.client_id)
      : [platformId.parse(clientId)];
  const failed = (await Promise.all(tenants.map((id) => listFailedDeliveries({ clientId: id }, now)))).flat();
  return failed.sort((a, b) => a.failed_at - b.failed_at).map(failedSummary);
};

/**
 * Send a failed delivery again: a pending delivery due at once, with the same webhook-id and body
 * and a fresh schedule, which the next sweep attempts (within a minute). The failed record goes
 * once the pending one is written; a replay interrupted between the two is simply replayed again.
 */
export const replayDelivery = async (deliveryId: string, now = Date.now()): Promise<{ delivery_id: string; due_at: string }> => {
  const tenant = tenantOfDelivery(deliveryId);
  platformId.parse(tenant.clientId);
  const failed = await getFailedDelivery(tenant, deliveryId);
  if (!failed) throw new DeliveryNotFound(`no failed delivery ${deliveryId}`);
  const { failed_at: _failedAt, reason: _reason, ...record } = failed;
  await putPendingDelivery(tenant, { ...record, attempts: 0, first_attempt_at: now, last_attempt_at: now, due_at: now });
  await deleteFailedDelivery(tenant, deliveryId);
  return { delivery_id: deliveryId, due_at: new Date(now).toISOString() };
};
