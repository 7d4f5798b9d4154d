import { logger } from '../log';
import { metrics, MetricUnit } from '../metrics';
import { deletePendingDelivery, putFailedDelivery, putPendingDelivery, type DeliveryRecord, type FailedDelivery, type PendingDelivery } from '../store/webhooks';
import { getTenantRecord } from '../store/tenants';
import { tenantRegistry, type TenantRegistry } from '../tenancy/registry';
import type { TenantRecord } from '../tenancy/tenant';
import type { AddressRules } from './addressPolicy';
import { attemptDelivery, type AttemptOutcome } from './attempt';
import { signingSecrets, type WebhookEndpoint } from './endpoint';
import { disableIfFailing, noteFailure, noteSuccess } from './health';
import { deliveryIdOf, tenantOfDelivery, type WebhookJob } from './payload';
import { FAILED_RETENTION_MS, nextAttemptAt } from './schedule';
import { webhookHeaders } from './signing';
import { addressRules } from './webhookUrl';

export interface DeliveryDeps {
  /** The schedule's clock (epoch ms): when attempts are made and next due. Tests move it on. */
  now: () => number;
  registry: TenantRegistry;
  /**
   * The record read afresh, when `registry` is a cache: a job for which the cached record has no
   * subscribed endpoint may come from a request that saw an endpoint added a moment ago.
   */
  reload?: (clientId: string) => Promise<TenantRecord | undefined>;
  rules: AddressRules;
}

export const defaultDeliveryDeps = (): DeliveryDeps => ({ now: Date.now, registry: tenantRegistry, reload: getTenantRecord, rules: addressRules() });

export type AttemptResult = 'delivered' | 'retrying' | 'failed';

/** Health bookkeeping must never fail a delivery: what matters is the pending item. */
const advisory = async (what: string, work: () => Promise<unknown>): Promise<void> => {
  try {
    await work();
  } catch (error) {
    logger.warn(`Could not record webhook endpoint health (${what})`, { error });
  }
};

/** The endpoints of a tenant, as its registry record holds them now (a cache period old at most). */
const endpointsOf = async (deps: DeliveryDeps, clientId: string): Promise<WebhookEndpoint[]> =>
  (await deps.registry.get(clientId))?.webhooks ?? [];

/** One signed POST of a delivery to its endpoint; the signature's timestamp is the real time of sending. */
const attemptOnce = (deps: DeliveryDeps, endpoint: WebhookEndpoint, delivery: Pick<DeliveryRecord, 'webhook_id' | 'body'>): Promise<AttemptOutcome> =>
  attemptDelivery({
    url: endpoint.url,
    headers: webhookHeaders(signingSecrets(endpoint, deps.now()), delivery.webhook_id, new Date(), delivery.body),
    body: delivery.body,
    rules: deps.rules,
  });

/** The record with this attempt's outcome in place of the last one's. */
const withOutcome = <T extends DeliveryRecord>(record: T, outcome: AttemptOutcome): T => {
  const { last_status: _status, last_error: _error, last_response: _response, ...rest } = record;
  return {
    ...rest,
    ...(outcome.status !== undefined && { last_status: outcome.status }),
    ...(outcome.error !== undefined && { last_error: outcome.error }),
    ...(outcome.response !== undefined && { last_response: outcome.response }),
  } as T;
};

/** Give a delivery up: kept as failed for FAILED_RETENTION_MS, for `npm run webhooks -- failed` and replay. */
const giveUp = async (deps: DeliveryDeps, record: DeliveryRecord, reason: FailedDelivery['reason']): Promise<void> => {
  const now = deps.now();
  const { due_at: _due, ...kept } = record as DeliveryRecord & { due_at?: number };
  await putFailedDelivery(tenantOfDelivery(record.delivery_id), { ...kept, failed_at: now, reason }, now + FAILED_RETENTION_MS);
  metrics.addMetric('WebhookDeliveryFailed', MetricUnit.Count, 1);
  logger.warn('Webhook delivery failed for good', { delivery_id: record.delivery_id, reason, attempts: record.attempts, last_status: record.last_status });
};

/**
 * After attempt number `attempts` of a delivery failed: the pending item of its next attempt, or,
 * with none left, the failed record (and the endpoint disabled if it has been failing for days).
 * Returns the successor written, if any.
 */
const afterFailure = async (deps: DeliveryDeps, endpoint: WebhookEndpoint, record: DeliveryRecord): Promise<PendingDelivery | undefined> => {
  const tenant = tenantOfDelivery(record.delivery_id);
  const due = nextAttemptAt(record.attempts, record.last_attempt_at);
  await advisory('failure', () => noteFailure(tenant.clientId, endpoint, record.last_attempt_at));
  if (due === undefined) {
    await giveUp(deps, record, 'attempts_exhausted');
    await advisory('disable', () => disableIfFailing(tenant.clientId, endpoint.id, deps.now()));
    return undefined;
  }
  const successor: PendingDelivery = { ...record, due_at: due };
  await putPendingDelivery(tenant, successor);
  metrics.addMetric('WebhookAttemptFailed', MetricUnit.Count, 1);
  return successor;
};

/**
 * The first attempt of a job at each subscribed endpoint, all at once. A delivery the endpoint
 * accepts writes nothing; one it does not is stored pending, due after the first delay. Throws when
 * a pending item could not be written, after trying the others: the caller must not lose the job
 * (Lambda retries the invocation; the sweep keeps its queue item), and the endpoints that did
 * accept get it again with the same webhook-id.
 */
export const fanOut = async (deps: DeliveryDeps, job: WebhookJob): Promise<Record<AttemptResult, number>> => {
  const subscribed = (endpoints: readonly WebhookEndpoint[]) => endpoints.filter((endpoint) => endpoint.status === 'enabled' && endpoint.events.includes(job.type));
  let endpoints = subscribed(await endpointsOf(deps, job.client_id));
  if (endpoints.length === 0 && deps.reload) endpoints = subscribed((await deps.reload(job.client_id))?.webhooks ?? []);
  const counts: Record<AttemptResult, number> = { delivered: 0, retrying: 0, failed: 0 };
  const results = await Promise.allSettled(
    endpoints.map(async (endpoint) => {
      const at = deps.now();
      const outcome = await attemptOnce(deps, endpoint, job);
      if (outcome.ok) {
        metrics.addMetric('WebhookDelivered', MetricUnit.Count, 1);
        await advisory('success', () => noteSuccess(job.client_id, endpoint));
        counts.delivered++;
        return;
      }
      const record = withOutcome<DeliveryRecord>(
        {
          delivery_id: deliveryIdOf(job.client_id, endpoint.id, job.webhook_id),
          endpoint_id: endpoint.id,
          webhook_id: job.webhook_id,
          event_type: job.type,
          body: job.body,
          attempts: 1,
          first_attempt_at: at,
          last_attempt_at: at,
        },
        outcome,
      );
      counts[(await afterFailure(deps, endpoint, record)) ? 'retrying' : 'failed']++;
    }),
  );
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return counts;
};

/**
 * The attempt a pending item is due for. Delivered: the item goes. Failed: its successor is
 * written first, then the item is deleted only if still there; if another sweep already moved it
 * on, this successor is surplus and goes again. An endpoint removed or disabled meanwhile ends the
 * delivery as failed, to be replayed once it is back.
 */
export const attemptPending = async (deps: DeliveryDeps, pending: PendingDelivery): Promise<AttemptResult> => {
  const tenant = tenantOfDelivery(pending.delivery_id);
  const { clientId } = tenant;
  const endpoint = (await endpointsOf(deps, clientId)).find((candidate) => candidate.id === pending.endpoint_id);
  if (!endpoint || endpoint.status !== 'enabled') {
    await giveUp(deps, pending, endpoint ? 'endpoint_disabled' : 'endpoint_removed');
    await deletePendingDelivery(tenant, pending);
    return 'failed';
  }
  const at = deps.now();
  const outcome = await attemptOnce(deps, endpoint, pending);
  if (outcome.ok) {
    metrics.addMetric('WebhookDelivered', MetricUnit.Count, 1);
    await deletePendingDelivery(tenant, pending);
    await advisory('success', () => noteSuccess(clientId, endpoint));
    return 'delivered';
  }
  const { due_at: _due, ...record } = pending;
  const successor = await afterFailure(deps, endpoint, withOutcome({ ...record, attempts: pending.attempts + 1, last_attempt_at: at }, outcome));
  const moved = await deletePendingDelivery(tenant, pending, { ifPresent: true });
  if (!moved && successor) await deletePendingDelivery(tenant, successor);
  return successor ? 'retrying' : 'failed';
};
