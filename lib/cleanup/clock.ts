/**
 * Time as cleanup reads it. Expiry is stored in epoch seconds (the form DynamoDB TTL reads), and
 * the byExpiry index is partitioned by the UTC day (`YYYY-MM-DD`) of the hour at or after that
 * expiry (lib/store/keys.ts `expiryIndexAttributes`).
 *
 * A room is stale when `expires_at <= now`; a pass finds it once the hour its expiry falls in is
 * over, and deletes it only if it is still stale then.
 */
import { DAY_SECONDS, dayStart, epochSeconds, utcDay } from '../time';

export const isStale = (expiresAt: number, now: Date): boolean => expiresAt <= epochSeconds(now);

export const addDays = (day: string, days: number): string => utcDay(dayStart(day) + days * DAY_SECONDS);

/**
 * True once no room of `day`'s bucket can still be fresh at `now`: then, once emptied, the bucket
 * stays empty (a touch always moves a room at least a day ahead of the time it is touched).
 */
export const dayIsOver = (day: string, now: Date): boolean => dayStart(day) + DAY_SECONDS - 1 <= epochSeconds(now);
