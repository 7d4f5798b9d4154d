import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lib/store/client';
import { tenantRecord, type TenantRecord } from '../../lib/tenancy/tenant';

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

/** Write the local tenants; a plain put, so seeding again simply restores them. */
export const seedTenants = async ({ endpoint, tenantsTable }: SeedOptions): Promise<void> => {
  const client = createDocumentClient({ endpoint });
  try {
    for (const tenant of LOCAL_TENANTS) {
      // Parsed like putTenantRecord does, so a seed can never hold a record the app would reject.
      await client.send(new PutCommand({ TableName: tenantsTable, Item: tenantRecord.parse(tenant) }));
    }
  } finally {
    client.destroy();
  }
};
