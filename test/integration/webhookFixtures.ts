/** Tenants with webhook endpoints, for the webhook tests (not a test file itself). */
import { randomBytes, randomInt } from 'node:crypto';
import { createTenantRecord, getTenantRecord, updateTenantRecord } from '../../lib/store/tenants';
import { dueDeliveries, type PendingDelivery } from '../../lib/store/webhooks';
import { toTenant, type Tenant, type TenantRecord } from '../../lib/tenancy/tenant';
import type { DeliveryDeps } from '../../lib/webhooks/deliver';
import { addEndpoint } from '../../lib/webhooks/endpointAdmin';
import { sweepWebhooks } from '../../lib/webhooks/sweep';

/** A fresh active tenant in the registry, with no endpoint yet. */
export const newTenantRecord = async (): Promise<TenantRecord> => {
  const id = String(randomInt(100_000, 2 ** 40));
  const record: TenantRecord = {
    client_id: id,
    sub_domain: `w${id}.example.com`,
    db_name: `wh_${id}`,
    name: `Webhooks ${id}`,
    status: 'active',
    jwt_secrets: [randomBytes(32).toString('base64url')],
    retention_days: 30,
  };
  await createTenantRecord(record);
  return record;
};

export const recordOf = async (clientId: string): Promise<TenantRecord> => (await getTenantRecord(clientId))!;

/** The tenant as a request would see it: what its record says now (webhookEvents included). */
export const tenantOf = async (clientId: string): Promise<Tenant> => toTenant(await recordOf(clientId));

/** A tenant with one endpoint at `url` for `events`; its id and the endpoint's secret. */
export const tenantWithEndpoint = async (url: string, events = 'message.created,room.closed') => {
  const record = await newTenantRecord();
  const endpoint = await addEndpoint(record.client_id, { url, events });
  return { clientId: record.client_id, endpointId: endpoint.id, secret: endpoint.secret };
};

/** A sweep of these tenants only (other test files' tenants are theirs), at the schedule's `now`. */
export const sweepAt = async (now: number, ...clientIds: string[]) =>
  sweepWebhooks({ now, tenants: await Promise.all(clientIds.map(recordOf)) });

/** Every pending delivery of a tenant, whenever due. */
export const pendingOf = (clientId: string): Promise<PendingDelivery[]> => dueDeliveries({ clientId }, Number.MAX_SAFE_INTEGER / 2, 1000);

/** Delivery dependencies that read the registry afresh (no container cache), at the real time. */
export const freshDeps = (): DeliveryDeps => ({ now: Date.now, registry: { get: getTenantRecord }, rules: 'local' });

export const setFailingSince = (clientId: string, endpointId: string, at: Date) =>
  updateTenantRecord(clientId, (record) => ({
    ...record,
    webhooks: record.webhooks!.map((endpoint) => (endpoint.id === endpointId ? { ...endpoint, failing_since: at.toISOString() } : endpoint)),
  }));
