import { DAY_SECONDS, epochSeconds } from '../time';
import type { Tenant } from '../tenancy/tenant';

/**
 * When a room touched at `at` expires, in epoch seconds (the form DynamoDB TTL reads).
 * Computed at each touch, so a retention change applies to rooms touched afterwards.
 */
export const roomExpiry = (tenant: Pick<Tenant, 'retentionDays'>, at: Date): number =>
  epochSeconds(at) + tenant.retentionDays * DAY_SECONDS;
