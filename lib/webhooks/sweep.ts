import { mapWithConcurrency } from '../cleanup/pool';
import { logger } from '../log';
import { metrics, MetricUnit } from '../metrics';
import { listTenantRecords } from '../store/tenants';
import { deletePendingDelivery, dueDeliveries, type PendingDelivery } from '../store/webhooks';
import type { TenantRecord } from '../tenancy/tenant';
import { attemptPending, fanOut, type AttemptResult, type DeliveryDeps } from './deliver';
import { FAN_OUT_ENDPOINT } from './enqueue';
import { isWebhookEventType } from './events';
import { tenantOfDelivery } from './payload';
import { addressRules } from './webhookUrl';

/** Due deliveries read per Query round, and attempted at once within a tenant. */
const BATCH = 25;
const ATTEMPTS_IN_FLIGHT = 10;
const TENANTS_IN_FLIGHT = 4;
/** At most this many deliveries per tenant per sweep, so one tenant's backlog cannot starve the others. */
const MAX_PER_TENANT = 500;
/** A batch is begun only with this much time left: an attempt may take 5 s, and its writes after it. */
const TIME_RESERVE_MS = 15_000;

export interface SweepOptions {
  /** The schedule's clock at the start (epoch ms); the real time by default. Tests move it forward. */
  now?: number;
  /** Time left in this invocation (ms). */
  remainingMs?: () => number;
  /** The registry's records; a Scan of the registry by default. */
  tenants?: readonly TenantRecord[];
}

export interface SweepSummary {
  tenants: number;
  delivered: number;
  retrying: number;
  failed: number;
  /** Deliveries whose attempt or bookkeeping threw; they stay due and the next sweep tries them. */
  errors: number;
  /** False when time ran out with deliveries still due. */
  complete: boolean;
}

/** A queue item naming no endpoint: a job the request path could not hand to the delivery function. */
const fanOutQueued = async (deps: DeliveryDeps, pending: PendingDelivery): Promise<Record<AttemptResult, number>> => {
  const tenant = tenantOfDelivery(pending.delivery_id);
  const counts = isWebhookEventType(pending.event_type)
    ? await fanOut(deps, { client_id: tenant.clientId, type: pending.event_type, webhook_id: pending.webhook_id, body: pending.body })
    : { delivered: 0, retrying: 0, failed: 0 };
  await deletePendingDelivery(tenant, pending);
  return counts;
};

/**
 * One pass over the tenants that have (or had) webhook endpoints: every delivery due is attempted
 * (lib/webhooks/deliver.ts attemptPending), and every queued job fanned out. Runs every minute;
 * it stops starting new work when its time runs short, and what is left is due for the next pass.
 * Reads: one Scan of the small registry, and one Query per queue shard of each such tenant.
 */
export const sweepWebhooks = async ({ now, remainingMs = () => Number.POSITIVE_INFINITY, tenants }: SweepOptions = {}): Promise<SweepSummary> => {
  const offset = now === undefined ? 0 : now - Date.now();
  const records = (tenants ?? (await listTenantRecords()).records).filter((record) => record.webhooks !== undefined);
  const byId = new Map(records.map((record) => [record.client_id, record]));
  const deps: DeliveryDeps = {
    now: () => Date.now() + offset,
    registry: { get: async (clientId) => byId.get(clientId) },
    rules: addressRules(),
  };
  const summary: SweepSummary = { tenants: records.length, delivered: 0, retrying: 0, failed: 0, errors: 0, complete: true };
  const attempt = async (pending: PendingDelivery): Promise<void> => {
    try {
      if (pending.endpoint_id !== FAN_OUT_ENDPOINT) {
        summary[await attemptPending(deps, pending)]++;
        return;
      }
      const counts = await fanOutQueued(deps, pending);
      for (const result of ['delivered', 'retrying', 'failed'] as const) summary[result] += counts[result];
    } catch (error) {
      summary.errors++;
      logger.warn('Webhook delivery could not be attempted; it stays due', { delivery_id: pending.delivery_id, error });
    }
  };
  await mapWithConcurrency(records, TENANTS_IN_FLIGHT, async (record) => {
    const tenant = { clientId: record.client_id };
    const seen = new Set<string>();
    try {
      while (seen.size < MAX_PER_TENANT) {
        if (remainingMs() < TIME_RESERVE_MS) {
          summary.complete = false;
          return;
        }
        // An item that threw stays due: skip it for the rest of this pass instead of trying it again at once.
        const read = await dueDeliveries(tenant, deps.now(), BATCH + seen.size);
        const due = read.filter((pending) => !seen.has(`${pending.due_at}#${pending.delivery_id}`));
        if (due.length === 0) return;
        const batch = due.slice(0, BATCH);
        batch.forEach((pending) => seen.add(`${pending.due_at}#${pending.delivery_id}`));
        await mapWithConcurrency(batch, ATTEMPTS_IN_FLIGHT, attempt);
        // Everything due was read: what this batch scheduled is due a delay later, in a later sweep.
        if (read.length < BATCH + seen.size - batch.length) return;
      }
      summary.complete = false;
    } catch (error) {
      summary.errors++;
      summary.complete = false;
      logger.warn('Webhook sweep could not read a tenant\'s queue', { client_id: record.client_id, error });
    }
  });
  metrics.addMetric('WebhookSweepErrors', MetricUnit.Count, summary.errors);
  return summary;
};
