import { authenticate, tenantResolver } from '../../lib/tenancy/middleware';
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

/**
 * A request with `body` and `authorization` through the HTTP stack's tenant resolution (from the
 * body) and authentication, against `registry`: 'ok', or the error code it was refused with.
 */
export const throughTenantMiddlewares = async (
  registry: { get: (clientId: string) => Promise<TenantRecord | undefined> },
  body: Record<string, unknown>,
  authorization?: string,
): Promise<string | undefined> => {
  const request = { event: { body, headers: authorization === undefined ? {} : { authorization } }, internal: {} } as never;
  try {
    await tenantResolver({ from: 'body', registry }).before!(request);
    await authenticate().before!(request);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};
