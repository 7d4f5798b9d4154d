import { advanceCleanupCursor, getCleanupCursor } from '../store/cleanup';
import type { TenantKeyScope } from '../store/keys';
import { epochSeconds, utcDay } from '../time';
import type { TimeBudget } from './budget';
import { addDays, dayIsOver } from './clock';
import { noCounts, type PassCounts } from './passCounts';
import { mapWithConcurrency } from './pool';
import { removeCandidate, type RemovalOptions } from './removeCandidate';
import { selectExpiredPage } from './selectExpired';

export interface TenantPassOptions {
  now: Date;
  budget: TimeBudget;
  /** Count what is due, change nothing. */
  dryRun: boolean;
  /** Record progress; off for a pass at a simulated time, which must not move the real cursor. */
  persistCursor: boolean;
  /** Where a tenant without a cursor (new, or never cleaned) starts, in days before `now`. */
  lookbackDays: number;
  /** Index entries per Query page. */
  pageSize: number;
  /** Rooms deleted at once. */
  concurrency: number;
  removal: Omit<RemovalOptions, 'budget'>;
}

export interface TenantPassSummary extends PassCounts {
  clientId: string;
  /** First expiry day examined, and the first not yet fully cleaned after this pass. */
  fromDay: string;
  nextDay: string;
  /** False if the budget ran out before every due room was handled. */
  complete: boolean;
  durationMs: number;
}

/**
 * One tenant's share of a pass: walk its expiry-day buckets from the cursor up to today, delete
 * what is due, and move the cursor to the first day not yet fully cleaned. Buckets before the
 * cursor are never read again, so a pass reads what expired since the last one, not the table.
 */
export const cleanTenant = async (tenant: TenantKeyScope, options: TenantPassOptions): Promise<TenantPassSummary> => {
  const started = performance.now();
  const { now, budget } = options;
  const today = utcDay(epochSeconds(now));
  const cursor = await getCleanupCursor(tenant);
  const fromDay = cursor ?? addDays(today, -options.lookbackDays);
  const summary: TenantPassSummary = {
    clientId: tenant.clientId,
    fromDay,
    nextDay: fromDay,
    ...noCounts(),
    complete: true,
    durationMs: 0,
  };
  const removal = { ...options.removal, budget };

  days: for (let day = fromDay; day <= today; day = addDays(day, 1)) {
    let startKey: Record<string, unknown> | undefined;
    do {
      if (budget.exhausted()) {
        summary.complete = false;
        break days;
      }
      const page = await selectExpiredPage(tenant, day, now, { limit: options.pageSize, startKey });
      summary.scanned += page.candidates.length;
      if (!options.dryRun) {
        const outcomes = await mapWithConcurrency(page.candidates, options.concurrency, (candidate) =>
          budget.exhausted() ? Promise.resolve(undefined) : removeCandidate(tenant, candidate, removal),
        );
        for (const outcome of outcomes) {
          if (!outcome || !outcome.complete) summary.complete = false;
          if (!outcome) continue;
          if (outcome.result === 'deleted') summary.deleted++;
          if (outcome.result === 'skipped') summary.skipped++;
          if (outcome.result === 'resumed') summary.resumed++;
          summary.children += outcome.children;
          summary.retries += outcome.retries;
        }
        if (!summary.complete) break days;
      }
      startKey = page.next;
    } while (startKey);
    // Today's bucket still holds rooms that are not due yet: it is where the next pass starts.
    if (!dayIsOver(day, now)) break;
    summary.nextDay = addDays(day, 1);
  }

  if (options.persistCursor && !options.dryRun && summary.nextDay !== cursor) {
    await advanceCleanupCursor(tenant, summary.nextDay, now);
  }
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
};
