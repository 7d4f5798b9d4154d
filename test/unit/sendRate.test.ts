import fc from 'fast-check';
import { DEFAULT_SEND_RATE_LIMIT, paceSend, type SendRateLimit } from '../../lib/messages/sendRate';

/** Apply a decision the way the store's conditional update does. */
const record = (tat: number | undefined, now: number, limit: SendRateLimit): { allowed: boolean; tat: number | undefined; retryAfterMs?: number } => {
  const decision = paceSend(tat, now, limit);
  if (!decision.allowed) return { allowed: false, tat, retryAfterMs: decision.retryAfterMs };
  const { pace } = decision;
  return { allowed: true, tat: pace.kind === 'fresh' ? pace.tat : tat! + pace.intervalMs };
};

const sendsAt = (times: number[], limit: SendRateLimit) => {
  let tat: number | undefined;
  return times.map((now) => {
    const outcome = record(tat, now, limit);
    tat = outcome.tat;
    return outcome;
  });
};

describe('paceSend (GCRA)', () => {
  it('lets a burst of 20 through at once, then refuses with the wait until the next slot', () => {
    const outcomes = sendsAt(Array(25).fill(1_000_000), DEFAULT_SEND_RATE_LIMIT);
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(20);
    expect(outcomes.slice(20).every((outcome) => !outcome.allowed && outcome.retryAfterMs === 200)).toBe(true);
  });

  it('sustains 5 per second after the burst, and earns the burst back after a pause', () => {
    const t0 = 1_000_000;
    const burst = Array(20).fill(t0);
    const oneSecondOfFlood = Array.from({ length: 50 }, (_, i) => t0 + (i + 1) * 20); // 50 within the next second
    const outcomes = sendsAt([...burst, ...oneSecondOfFlood, ...Array(20).fill(t0 + 60_000)], DEFAULT_SEND_RATE_LIMIT);
    expect(outcomes.slice(20, 70).filter((outcome) => outcome.allowed).length).toBe(5);
    expect(outcomes.slice(70).every((outcome) => outcome.allowed)).toBe(true);
  });

  it('never allows more than burst + rate × elapsed, and never refuses a sender within it', () => {
    fc.assert(
      fc.property(
        fc.record({ burst: fc.integer({ min: 1, max: 50 }), perSecond: fc.integer({ min: 1, max: 50 }) }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }),
        (limit, gaps) => {
          let now = 5_000_000;
          const times = gaps.map((gap) => (now += gap));
          const outcomes = sendsAt(times, limit);
          const interval = Math.ceil(1000 / limit.perSecond);
          for (let i = 0; i < times.length; i++) {
            // Any window [times[j], times[i]] holds at most burst + floor(elapsed / interval) allowed sends.
            for (let j = 0; j <= i; j += Math.max(1, Math.floor(i / 8))) {
              const allowed = outcomes.slice(j, i + 1).filter((outcome) => outcome.allowed).length;
              expect(allowed).toBeLessThanOrEqual(limit.burst + Math.floor((times[i]! - times[j]!) / interval));
            }
            if (!outcomes[i]!.allowed) expect(outcomes[i]!.retryAfterMs).toBeGreaterThan(0);
          }
          // Spaced at least one interval apart, nobody is ever refused.
          expect(sendsAt(times.map((_, k) => 5_000_000 + k * interval), limit).every((outcome) => outcome.allowed)).toBe(true);
        },
      ),
    );
  });
});
