import { AppError } from '../errors';
import type { TenantRecord } from './tenant';

/** The identifiers a request names its tenant by; `client_id` always, the others when sent. */
export interface TenantIdentifiers {
  client_id: string;
  sub_domain?: string;
  db_name?: string;
}

/**
 * Decide whether the registry record found for `ids.client_id` is the tenant the request means.
 * All identifiers must belong to that one record; a suspended tenant serves nothing.
 */
export const resolveTenant = (ids: TenantIdentifiers, record: TenantRecord | undefined): TenantRecord => {
  if (!record) {
    throw new AppError('TENANT_NOT_FOUND', `No tenant with client_id ${ids.client_id}`);
  }
  // Domains are case-insensitive; database names are not.
  if (ids.sub_domain !== undefined && ids.sub_domain.toLowerCase() !== record.sub_domain.toLowerCase()) {
    throw new AppError('TENANT_MISMATCH', 'sub_domain does not belong to client_id', [
      { path: 'sub_domain', message: 'does not belong to the tenant named by client_id' },
    ]);
  }
  if (ids.db_name !== undefined && ids.db_name !== record.db_name) {
    throw new AppError('TENANT_MISMATCH', 'db_name does not belong to client_id', [
      { path: 'db_name', message: 'does not belong to the tenant named by client_id' },
    ]);
  }
  if (record.status !== 'active') {
    throw new AppError('TENANT_SUSPENDED', 'This tenant is suspended');
  }
  return record;
};
