import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lib/store/client';
import { tenantRecordItems } from '../../lib/store/tenants';
import type { TenantRecord } from '../../lib/tenancy/tenant';
import type { WebhookEndpoint } from '../../lib/webhooks/endpoint';
import { WEBHOOK_EVENT_TYPES } from '../../lib/webhooks/events';

/**
 * The local stack's tenants. The `jwt_secrets` are DEVELOPMENT-ONLY keys: they are public (in
 * this repository), exist only in the local store, and must never be used for any deployed stage.
 */
export const LOCAL_TENANTS: readonly TenantRecord[] = [
  {
    client_id: '1',
    db_name: 'salesdemo',
    sub_domain: '192.168.101.88',
    name: 'Sales Demo',
    status: 'active',
    jwt_secrets: ['local-dev-only-secret-tenant-1-not-for-production'],
    retention_days: 30,
  },
  {
    client_id: '2',
    db_name: 'ace',
    sub_domain: 'ace.localhost',
    name: 'Ace',
    status: 'active',
    jwt_secrets: ['local-dev-only-secret-tenant-2-not-for-production'],
    retention_days: 30,
  },
  {
    client_id: '3',
    db_name: 'closedshop',
    sub_domain: 'closed.localhost',
    name: 'Closed Shop',
    status: 'suspended',
    jwt_secrets: ['local-dev-only-secret-tenant-3-not-for-production'],
    retention_days: 30,
  },
];

/** Where the local stack receives webhooks (the playground's receiver, local stage only). */
export const LOCAL_WEBHOOK_PATH = '/playground/webhooks';

/** The receiver's address for one tenant's deliveries: the tenant is named in the query. */
export const localWebhookUrl = (publicApiUrl: string, clientId: string): string =>
  `${publicApiUrl.replace(/\/+$/, '')}${LOCAL_WEBHOOK_PATH}?client_id=${clientId}`;

/**
 * The signing secret of a local tenant's endpoint at the local receiver: a DEVELOPMENT-ONLY key,
 * public (it is derived from this text), in the local store only, never for a deployed stage.
 */
export const localWebhookSecret = (clientId: string): string =>
  `whsec_${Buffer.from(`local-dev-only-webhook-key-tenant-${clientId}`).toString('base64')}`;

/** The local receiver as a tenant's endpoint: every event, signed with the development secret. */
export const localWebhookEndpoint = (publicApiUrl: string, clientId: string): WebhookEndpoint => ({
  id: 'ep_localplayground',
  url: localWebhookUrl(publicApiUrl, clientId),
  events: [...WEBHOOK_EVENT_TYPES],
  status: 'enabled',
  secrets: [{ secret: localWebhookSecret(clientId) }],
  created_at: '2024-01-01T00:00:00.000Z',
});

export interface SeedOptions {
  endpoint: string;
  tenantsTable: string;
  /**
   * Register the local receiver (the playground's Webhooks panel) as an endpoint of the tenants
   * `clientIds` (default: every active local tenant), at the stack's own address.
   */
  webhookReceiver?: { publicApiUrl: string; clientIds?: readonly string[] };
}

const withReceiver = (tenant: TenantRecord, receiver: SeedOptions['webhookReceiver']): TenantRecord => {
  const registered = receiver && (receiver.clientIds ? receiver.clientIds.includes(tenant.client_id) : tenant.status === 'active');
  return registered ? { ...tenant, webhooks: [localWebhookEndpoint(receiver.publicApiUrl, tenant.client_id)] } : tenant;
};

/** Write the local tenants; plain puts, so seeding again simply restores them. */
export const seedTenants = async ({ endpoint, tenantsTable, webhookReceiver }: SeedOptions): Promise<void> => {
  const client = createDocumentClient({ endpoint });
  try {
    for (const tenant of LOCAL_TENANTS.map((record) => withReceiver(record, webhookReceiver))) {
      // The items putTenantRecord writes: the parsed record (never one the app would reject) and
      // the claims on its sub_domain and db_name that `npm run tenant -- add` respects.
      for (const item of tenantRecordItems(tenant)) await client.send(new PutCommand({ TableName: tenantsTable, Item: item }));
    }
  } finally {
    client.destroy();
  }
};

/** What `npm start` prints about the local receiver the active tenants are registered to. */
export const webhookBanner = (publicApiUrl: string): string =>
  [
    'Webhooks: every event of the active local tenants is signed and delivered to the local receiver, listed in the playground\'s Webhooks panel:',
    ...LOCAL_TENANTS.filter((tenant) => tenant.status === 'active').map(
      (tenant) => `  tenant ${tenant.client_id}: ${localWebhookUrl(publicApiUrl, tenant.client_id)}  (secret ${localWebhookSecret(tenant.client_id)}, development only)`,
    ),
  ].join('\n');
