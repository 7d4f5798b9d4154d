import { z } from 'zod';
import { platformId } from '../ids';

export const ROLES = ['agent', 'user', 'vendor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The host the tenant's platform runs on: a host name or an IP address. */
export const tenantSubDomain = z.union([z.ipv4(), z.ipv6(), z.hostname().max(253)], {
  error: 'must be a host name or an IP address',
});

/** The tenant's database: a plain identifier (letters, digits, underscores; not starting with a digit). */
export const tenantDbName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a plain identifier (letters, digits, _; at most 64 characters)');

/** A tenant registry record, as stored in the tenants table. */
export const tenantRecord = z.object({
  client_id: platformId,
  sub_domain: tenantSubDomain,
  db_name: tenantDbName,
  name: z.string().min(1),
  status: z.enum(['active', 'suspended']),
  /** HS256 keys; the first signs, all verify, so a key can be rotated without downtime. */
  jwt_secrets: z.array(z.string().min(32)).min(1),
  retention_days: z.number().int().positive().default(30),
});

export type TenantRecord = z.output<typeof tenantRecord>;

/** What domain code knows of a tenant: never its secrets. */
export interface Tenant {
  readonly clientId: string;
  readonly subDomain: string;
  readonly dbName: string;
  readonly name: string;
  readonly status: 'active' | 'suspended';
  readonly retentionDays: number;
}

export const toTenant = (record: TenantRecord): Tenant => ({
  clientId: record.client_id,
  subDomain: record.sub_domain,
  dbName: record.db_name,
  name: record.name,
  status: record.status,
  retentionDays: record.retention_days,
});

/** The authenticated caller, from a verified token. */
export interface Actor {
  readonly userId: string;
  readonly role: Role;
  /**
   * The orders the platform says this caller belongs to (the token's `order_ids` claim, as
   * decimal strings); undefined when the token carries no such claim.
   */
  readonly orderIds?: readonly string[];
}
