/** What a pass counts, per tenant and in total. */
export interface PassCounts {
  /** Due index entries read (rooms, and tombstones of cascades left unfinished). */
  scanned: number;
  deleted: number;
  /** Selected but not deleted by this pass: touched since, or deleted by a concurrent pass. */
  skipped: number;
  resumed: number;
  children: number;
  retries: number;
}

/** What a whole pass reports, across tenants. */
export interface CleanupSummary extends PassCounts {
  /** Tenants this pass worked on. */
  tenants: number;
  failedTenants: string[];
  /** False if the budget ran out first; the next pass continues from the cursors. */
  complete: boolean;
  durationMs: number;
}

const COUNTS = ['scanned', 'deleted', 'skipped', 'resumed', 'children', 'retries'] as const satisfies readonly (keyof PassCounts)[];

export const noCounts = (): PassCounts => ({ scanned: 0, deleted: 0, skipped: 0, resumed: 0, children: 0, retries: 0 });

/** Add `from`'s counts into `into`. */
export const addCounts = (into: PassCounts, from: PassCounts): void => {
  for (const count of COUNTS) into[count] += from[count];
};
