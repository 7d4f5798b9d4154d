import { config } from '../config';
import { logger } from '../log';
import { metrics, MetricUnit } from '../metrics';
import { updateTenantRecord } from '../store/tenants';
import type { TenantRecord } from '../tenancy/tenant';
import type { WebhookEndpoint } from './endpoint';
import { DISABLE_FAILING_ENDPOINT_AFTER_MS } from './schedule';

/**
 * An endpoint's health, kept on its registry entry as `failing_since`: set by the first failed
 * attempt after a success, cleared by the next success. The registry is written only when that
 * changes (the delivery functions see the record they loaded, at most a cache period old), so a
 * healthy endpoint costs no write per delivery.
 */
const changeEndpoint = (clientId: string, endpointId: string, change: (endpoint: WebhookEndpoint) => WebhookEndpoint) =>
  updateTenantRecord(clientId, (record: TenantRecord) => ({
    ...record,
    webhooks: record.webhooks?.map((endpoint) => (endpoint.id === endpointId ? change(endpoint) : endpoint)),
  }));

/**
 * What this container last wrote of each endpoint's health, trusted over the (cached) record it
 * has for as long as that cache may be older than the write: one write per change of state, not
 * one per attempt.
 */
const noted = new Map<string, { failing: boolean; until: number }>();

const isFailing = (clientId: string, endpoint: WebhookEndpoint): boolean => {
  const own = noted.get(`${clientId}/${endpoint.id}`);
  return own && own.until > Date.now() ? own.failing : endpoint.failing_since !== undefined;
};

const note = (clientId: string, endpoint: WebhookEndpoint, failing: boolean): void => {
  noted.set(`${clientId}/${endpoint.id}`, { failing, until: Date.now() + config.tenantCacheTtlMs });
};

export const noteFailure = async (clientId: string, endpoint: WebhookEndpoint, at: number): Promise<void> => {
  if (isFailing(clientId, endpoint)) return;
  note(clientId, endpoint, true);
  await changeEndpoint(clientId, endpoint.id, (current) => (current.failing_since ? current : { ...current, failing_since: new Date(at).toISOString() }));
};

export const noteSuccess = async (clientId: string, endpoint: WebhookEndpoint): Promise<void> => {
  if (!isFailing(clientId, endpoint)) return;
  note(clientId, endpoint, false);
  await changeEndpoint(clientId, endpoint.id, ({ failing_since: _cleared, ...current }) => current);
};

/**
 * A delivery ran out of attempts. If its endpoint has accepted nothing for
 * DISABLE_FAILING_ENDPOINT_AFTER_MS (read afresh), it is disabled: new events are no longer sent
 * to it, until an operator enables it again. True when this call disabled it.
 */
export const disableIfFailing = async (clientId: string, endpointId: string, now: number): Promise<boolean> => {
  let disabled = false;
  await changeEndpoint(clientId, endpointId, (endpoint) => {
    const since = endpoint.failing_since ? Date.parse(endpoint.failing_since) : Number.POSITIVE_INFINITY;
    if (endpoint.status !== 'enabled' || now - since < DISABLE_FAILING_ENDPOINT_AFTER_MS) return endpoint;
    disabled = true;
    return { ...endpoint, status: 'disabled', disabled_reason: 'failing' };
  });
  if (disabled) {
    metrics.addMetric('WebhookEndpointDisabled', MetricUnit.Count, 1);
    logger.warn('Webhook endpoint disabled: it has accepted nothing for days', { client_id: clientId, endpoint_id: endpointId });
  }
  return disabled;
};
