import { randomBytes } from 'node:crypto';
import { platformId } from '../ids';
import { getTenantRecord, TenantNotFound, updateTenantRecord } from '../store/tenants';
import type { TenantRecord } from '../tenancy/tenant';
import { MAX_ENDPOINTS_PER_TENANT, type WebhookEndpoint } from './endpoint';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './events';
import { newWebhookSecret } from './signing';
import { checkWebhookUrl } from './webhookUrl';

/**
 * Operator actions on a tenant's webhook endpoints (`npm run tenant -- webhook …`). Endpoints live
 * on the tenant's registry record, written with its revision check; request functions see a change
 * once their cached copy of the record expires (TENANT_CACHE_TTL_SECONDS).
 */
export class WebhookAdminError extends Error {
  override readonly name = 'WebhookAdminError';
}

/** How long the previous secret keeps signing after a rotation, by default. */
const DEFAULT_ROTATION_OVERLAP_HOURS = 24;

/** What an operator sees of an endpoint: everything but its secrets. */
const endpointSummary = (endpoint: WebhookEndpoint) => {
  const { secrets, ...rest } = endpoint;
  const previous = secrets[1];
  return { ...rest, ...(previous?.expires_at !== undefined && { previous_secret_expires_at: new Date(previous.expires_at).toISOString() }) };
};

export type EndpointSummary = ReturnType<typeof endpointSummary>;

const parseEvents = (text: string | undefined): WebhookEventType[] => {
  const events = (text ?? '')
    .split(',')
    .map((event) => event.trim())
    .filter(Boolean);
  if (events.length === 0) throw new WebhookAdminError(`events: name at least one of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
  const unknown = events.filter((event) => !isWebhookEventType(event));
  if (unknown.length > 0) throw new WebhookAdminError(`events: ${unknown.join(', ')} is not one of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
  return [...new Set(events as WebhookEventType[])];
};

const newEndpointId = (): string => `ep_${randomBytes(8).toString('hex')}`;

const endpointIn = (record: TenantRecord, endpointId: string): WebhookEndpoint => {
  const endpoint = record.webhooks?.find((candidate) => candidate.id === endpointId);
  if (!endpoint) throw new WebhookAdminError(`tenant ${record.client_id} has no webhook endpoint ${endpointId}`);
  return endpoint;
};

/** Change one endpoint of a tenant; returns it as written. */
const changeEndpoint = async (clientId: string, endpointId: string, change: (endpoint: WebhookEndpoint) => WebhookEndpoint): Promise<WebhookEndpoint> => {
  const record = await updateTenantRecord(platformId.parse(clientId), (current) => {
    endpointIn(current, endpointId);
    return { ...current, webhooks: current.webhooks!.map((endpoint) => (endpoint.id === endpointId ? change(endpoint) : endpoint)) };
  });
  return endpointIn(record, endpointId);
};

export interface AddEndpointInput {
  url: string;
  events: string;
}

/** Register an endpoint: its URL checked (and resolved) by the stage's rules; its secret is returned this once. */
export const addEndpoint = async (clientId: string, { url, events }: AddEndpointInput): Promise<EndpointSummary & { client_id: string; secret: string }> => {
  const id = platformId.parse(clientId);
  const checked = await checkWebhookUrl(url);
  const endpoint: WebhookEndpoint = {
    id: newEndpointId(),
    url: checked.href,
    events: parseEvents(events),
    status: 'enabled',
    secrets: [{ secret: newWebhookSecret() }],
    created_at: new Date().toISOString(),
  };
  await updateTenantRecord(id, (record) => {
    if ((record.webhooks?.length ?? 0) >= MAX_ENDPOINTS_PER_TENANT) {
      throw new WebhookAdminError(`tenant ${id} already has ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints`);
    }
    return { ...record, webhooks: [...(record.webhooks ?? []), endpoint] };
  });
  return { client_id: id, ...endpointSummary(endpoint), secret: endpoint.secrets[0]!.secret };
};

export const listEndpoints = async (clientId: string): Promise<EndpointSummary[]> => {
  const id = platformId.parse(clientId);
  const record = await getTenantRecord(id);
  if (!record) throw new TenantNotFound(id);
  return (record.webhooks ?? []).map(endpointSummary);
};

/**
 * Remove an endpoint. The record keeps an (empty) list, so the sweep still visits the tenant and
 * ends its pending deliveries as failed (`endpoint_removed`) instead of leaving them behind.
 */
export const removeEndpoint = async (clientId: string, endpointId: string): Promise<{ client_id: string; removed: string }> => {
  const id = platformId.parse(clientId);
  await updateTenantRecord(id, (record) => {
    endpointIn(record, endpointId);
    return { ...record, webhooks: record.webhooks!.filter((endpoint) => endpoint.id !== endpointId) };
  });
  return { client_id: id, removed: endpointId };
};

/**
 * A new secret signs from now on; the previous one signs as well (a second signature) for
 * `overlapHours`, so the tenant's verifier accepts every delivery while it switches. Any older
 * secret is dropped. The new secret is returned this once.
 */
export const rotateEndpointSecret = async (
  clientId: string,
  endpointId: string,
  overlapHours = DEFAULT_ROTATION_OVERLAP_HOURS,
): Promise<EndpointSummary & { secret: string }> => {
  if (!Number.isFinite(overlapHours) || overlapHours < 0 || overlapHours > 24 * 7) {
    throw new WebhookAdminError('overlap-hours: must be a number of hours from 0 to 168');
  }
  const secret = newWebhookSecret();
  const expiresAt = Date.now() + Math.round(overlapHours * 3600_000);
  const endpoint = await changeEndpoint(clientId, endpointId, (current) => ({
    ...current,
    secrets: overlapHours > 0 ? [{ secret }, { secret: current.secrets[0]!.secret, expires_at: expiresAt }] : [{ secret }],
  }));
  return { ...endpointSummary(endpoint), secret };
};

/** Disable (nothing is sent; new events are not kept for it) or enable again (its health starts afresh). */
export const setEndpointEnabled = (clientId: string, endpointId: string, enabled: boolean): Promise<EndpointSummary> =>
  changeEndpoint(clientId, endpointId, ({ disabled_reason: _reason, failing_since: _since, ...current }) =>
    enabled ? { ...current, status: 'enabled' } : { ...current, status: 'disabled', disabled_reason: 'operator' },
  ).then(endpointSummary);
