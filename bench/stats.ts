/**
 * The statistics every part of the benchmark uses: medians and quartiles of interleaved rounds, so
 * a noisy neighbour slows both sides of a comparison alike instead of one block of it.
 */

/** The p-th percentile (0..100) by linear interpolation. */
export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
};

export interface Spread {
  median: number;
  p25: number;
  p75: number;
  n: number;
}

export const spread = (samples: readonly number[]): Spread => ({
  median: percentile(samples, 50),
  p25: percentile(samples, 25),
  p75: percentile(samples, 75),
  n: samples.length,
});

/** A fresh random order of `items` (Fisher–Yates), so no contestant always runs first or last. */
export const shuffled = <T>(items: readonly T[]): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** Milliseconds since `start` (from `process.hrtime.bigint()`). */
export const msSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
