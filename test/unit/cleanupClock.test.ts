import { timeBudget } from '../../lib/cleanup/budget';
import { addDays, dayIsOver, isStale } from '../../lib/cleanup/clock';
import { utcDay } from '../../lib/time';
import { mapWithConcurrency } from '../../lib/cleanup/pool';
import { cleanupCursorKey, expiryBucketOfDay, expiryBucket, roomTombstoneKey } from '../../lib/store/keys';

const tenant = { clientId: '7' };

describe('cleanup clock', () => {
  it('is stale at the expiry second, not before', () => {
    expect(isStale(1_000, new Date(999_999))).toBe(false);
    expect(isStale(1_000, new Date(1_000_000))).toBe(true);
  });

  it('walks UTC days across month and year ends', () => {
    expect(utcDay(Date.UTC(2030, 11, 31, 23, 59, 59) / 1000)).toBe('2030-12-31');
    expect(addDays('2030-12-31', 1)).toBe('2031-01-01');
    expect(addDays('2031-03-01', -1)).toBe('2031-02-28');
    expect(addDays('2031-03-10', -90)).toBe('2030-12-10');
  });

  it('a day\'s bucket is over once its last second is due', () => {
    expect(dayIsOver('2031-01-01', new Date('2031-01-01T23:59:58Z'))).toBe(false);
    expect(dayIsOver('2031-01-01', new Date('2031-01-01T23:59:59Z'))).toBe(true);
  });
});

describe('cleanup budget', () => {
  it('is exhausted once the remaining time is down to the margin', () => {
    let remaining = 20_000;
    const budget = timeBudget(() => remaining, 10_000);
    expect(budget.exhausted()).toBe(false);
    remaining = 10_000;
    expect(budget.exhausted()).toBe(true);
  });
});

describe('cleanup pool', () => {
  it('keeps input order and never runs more than asked at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (value) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

describe('cleanup keys', () => {
  it('begin with the tenant', () => {
    expect(cleanupCursorKey(tenant)).toEqual({ pk: 'T#7#CLEANUP', sk: 'CURSOR' });
    expect(roomTombstoneKey(tenant, 'abc', '0123456789abcdef01234567')).toEqual({ pk: 'T#7#ROOM#abc', sk: 'GONE#0123456789abcdef01234567' });
    expect(expiryBucketOfDay(tenant, '2031-01-02')).toBe(expiryBucket(tenant, Date.UTC(2031, 0, 2, 12) / 1000));
    expect(() => cleanupCursorKey({ clientId: '' })).toThrow('A resolved tenant is required');
    expect(() => expiryBucketOfDay(tenant, '2031-1-2')).toThrow();
  });
});
