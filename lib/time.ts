/**
 * Time as the store keeps it: epoch seconds (the form DynamoDB TTL and the expiry index read) and
 * UTC days (`YYYY-MM-DD`, the byExpiry partitions).
 */
export const DAY_SECONDS = 86_400;

export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** The UTC day an epoch second falls on. */
export const utcDay = (epochSecondsValue: number): string => new Date(epochSecondsValue * 1000).toISOString().slice(0, 10);

/** The epoch second a UTC day (`YYYY-MM-DD`) starts at. */
export const dayStart = (day: string): number => Date.parse(`${day}T00:00:00.000Z`) / 1000;
