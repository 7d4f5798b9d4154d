import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lib/store/client';
import { tenantRecordItems } from '../../lib/store/tenants';
import type { TenantRecord } from '../../lib/tenancy/tenant';

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

export interface SeedOptions {
  endpoint: string;
  tenantsTable: string;
}

/** Write the local tenants; plain puts, so seeding again simply restores them. */
export const seedTenants = async ({ endpoint, tenantsTable }: SeedOptions): Promise<void> => {
  const client = createDocumentClient({ endpoint });
  try {
    for (const tenant of LOCAL_TENANTS) {
      // The items putTenantRecord writes: the parsed record (never one the app would reject) and
      // the claims on its sub_domain and db_name that `npm run tenant -- add` respects.
      for (const item of tenantRecordItems(tenant)) await client.send(new PutCommand({ TableName: tenantsTable, Item: item }));
    }
  } finally {
    client.destroy();
  }
};
