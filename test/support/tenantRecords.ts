import type { TenantRecord } from '../../lib/tenancy/tenant';

/** The registry record of an active tenant (client 1 unless `fields` say otherwise) whose tokens are HS256 with `secret`. */
export const hs256TenantRecord = (secret: string, fields: Partial<TenantRecord> = {}): TenantRecord => ({
  client_id: '1',
  sub_domain: 'shop.test',
  db_name: 'shop',
  name: 'Shop',
  status: 'active',
  jwt_secrets: [secret],
  retention_days: 30,
  ...fields,
});
