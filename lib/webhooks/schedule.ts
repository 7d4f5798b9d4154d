/**
 * When a delivery is tried again. The first attempt is made at once; each later one waits the
 * next delay after the attempt before it (exponential, as the specification's senders do), so the
 * last one comes about 27.6 hours after the first: a receiver down for a whole day still gets the
 * event. Attempts are made by the sweep, which runs every minute: a retry comes at its time or up
 * to one sweep later.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const RETRY_DELAYS_MS: readonly number[] = [5 * SECOND, 1 * MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

/** The first attempt and one per delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** A delivery that failed every attempt is kept this long, to be looked at and replayed. */
export const FAILED_RETENTION_MS = 7 * 24 * HOUR;

/**
 * An endpoint that has accepted nothing for this long is disabled when one of its deliveries runs
 * out of attempts; an operator enables it again once it is mended (and replays what failed).
 */
export const DISABLE_FAILING_ENDPOINT_AFTER_MS = 5 * 24 * HOUR;

/** When attempt `attempts + 1` is due after `attempts` failed ones, or undefined when none is left. */
export const nextAttemptAt = (attempts: number, lastAttemptAt: number): number | undefined => {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? undefined : lastAttemptAt + delay;
};
