import type { Tenant } from '../tenancy/tenant';

const DAY_SECONDS = 86_400;

/**
 * When a room touched at `at` expires, in epoch seconds (the form DynamoDB TTL reads).
 * Computed at each touch, so a retention change applies to rooms touched afterwards.
 */
export const roomExpiry = (tenant: Pick<Tenant, 'retentionDays'>, at: Date): number =>
  Math.floor(at.getTime() / 1000) + tenant.retentionDays * DAY_SECONDS;
