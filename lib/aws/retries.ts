import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';

/**
 * What the SDK's standard retry strategy tries again: throttling (by error code or 429), server
 * errors, timeouts and broken connections. Anything else is an answer, not a fault.
 */
export const isRetryableFault = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  return isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError);
};

/** Attempts per call, as the SDK's standard retry strategy makes them. */
export const ATTEMPTS = 3;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Full-jitter backoff before attempt `attempt + 1`: 0..min(1 s, 100 ms · 2^attempt). */
export const retryBackoffMs = (attempt: number): number => Math.floor(Math.random() * Math.min(1000, 100 * 2 ** attempt));

/** `call`, tried again after a retryable fault with full-jitter backoff, at most `attempts` times in all. */
export const retryingFaults = async <T>(call: () => Promise<T>, attempts = ATTEMPTS): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isRetryableFault(error)) throw error;
      await pause(retryBackoffMs(attempt));
    }
  }
};
