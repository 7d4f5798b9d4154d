import type { BatchDeleteOptions } from '../store/cleanup';
import { getTenantRecord, listTenantRecords } from '../store/tenants';
import { toTenant, type TenantRecord } from '../tenancy/tenant';
import { epochSeconds } from '../time';
import { timeBudget } from './budget';
import { cleanTenant, type TenantPassOptions } from './cleanTenant';
import { logReporter, type CleanupReporter } from './report';
import { addCounts, noCounts, type CleanupSummary } from './passCounts';

export interface CleanupOptions {
  /** The time rooms are judged stale at (`expires_at <= now`). */
  now: Date;
  /** The invocation's remaining time; unbounded when omitted (on-demand runs). */
  remainingMs?: () => number;
  /** Stop this long before the remaining time runs out. */
  safetyMarginMs?: number;
  /** Only these tenants (client_ids); every tenant in the registry when omitted. */
  tenants?: readonly string[];
  dryRun?: boolean;
  persistCursor?: boolean;
  lookbackDays?: number;
  pageSize?: number;
  concurrency?: number;
  childPageSize?: number;
  batch?: BatchDeleteOptions;
  reporter?: CleanupReporter;
}

export class CleanupFailed extends Error {
  override readonly name = 'CleanupFailed';
  constructor(readonly summary: CleanupSummary, readonly causes: unknown[]) {
    super(`Cleanup failed for tenant(s) ${summary.failedTenants.join(', ')}`);
  }
}

/** Enough for the longest step begun before a check: one page of deletes and a cursor write. */
export const DEFAULT_SAFETY_MARGIN_MS = 15_000;
/** A tenant without a cursor starts this far back; a cursor exists after its first pass. */
export const DEFAULT_LOOKBACK_DAYS = 90;

const tenantsOf = async (clientIds: readonly string[] | undefined): Promise<TenantRecord[]> => {
  if (!clientIds) return (await listTenantRecords()).records;
  return Promise.all(
    clientIds.map(async (clientId) => {
      const record = await getTenantRecord(clientId);
      if (!record) throw new Error(`No tenant ${clientId} in the registry`);
      return record;
    }),
  );
};

/**
 * Start at a different tenant each hour, so when passes keep running out of time the same
 * tenants are not always the ones left for later.
 */
const rotate = <T>(items: T[], now: Date): T[] => {
  if (items.length === 0) return items;
  const start = Math.floor(epochSeconds(now) / 3600) % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
};

/**
 * One cleanup pass: every tenant (suspended ones too: their data still expires) cleaned up to
 * `now`, within the time budget. Safe to run concurrently with another pass and with traffic.
 */
export const runCleanup = async (options: CleanupOptions): Promise<CleanupSummary> => {
  const started = performance.now();
  const reporter = options.reporter ?? logReporter;
  const budget = timeBudget(options.remainingMs ?? (() => Number.POSITIVE_INFINITY), options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS);
  const tenantOptions: TenantPassOptions = {
    now: options.now,
    budget,
    dryRun: options.dryRun ?? false,
    persistCursor: options.persistCursor ?? true,
    lookbackDays: options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS,
    pageSize: options.pageSize ?? 100,
    concurrency: options.concurrency ?? 8,
    removal: { childPageSize: options.childPageSize ?? 200, batch: options.batch },
  };
  const summary: CleanupSummary = {
    ...noCounts(),
    tenants: 0,
    failedTenants: [],
    complete: true,
    durationMs: 0,
  };
  const causes: unknown[] = [];

  const records = await tenantsOf(options.tenants);
  const ordered = options.tenants ? records : rotate(records.sort((a, b) => Number(a.client_id) - Number(b.client_id)), options.now);
  for (const record of ordered) {
    if (budget.exhausted()) {
      summary.complete = false;
      break;
    }
    summary.tenants++;
    try {
      const tenant = await cleanTenant(toTenant(record), tenantOptions);
      reporter.tenant(tenant);
      addCounts(summary, tenant);
      if (!tenant.complete) summary.complete = false;
    } catch (error) {
      // One tenant's failure must not hold back the others; the pass reports it at the end.
      summary.failedTenants.push(record.client_id);
      causes.push(error);
      reporter.tenantFailed(record.client_id, error);
    }
  }

  summary.durationMs = Math.round(performance.now() - started);
  reporter.pass(summary);
  if (summary.failedTenants.length > 0) throw new CleanupFailed(summary, causes);
  return summary;
};
