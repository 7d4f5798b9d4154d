/** Stops a pass cleanly before its invocation would be cut off. */
export interface TimeBudget {
  exhausted(): boolean;
}

/**
 * `remainingMs` is the Lambda context's `getRemainingTimeInMillis`. The margin must cover the
 * longest single step begun just before the check (one page of deletes and the cursor write).
 */
export const timeBudget = (remainingMs: () => number, safetyMarginMs: number): TimeBudget => ({
  exhausted: () => remainingMs() <= safetyMarginMs,
});

export const unlimitedBudget: TimeBudget = { exhausted: () => false };
