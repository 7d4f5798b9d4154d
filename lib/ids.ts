import * as z from './zod';

/**
 * A platform id: a positive integer up to 2^53−1, sent as a JSON number or a numeric string.
 * Normalised to its decimal string, the form every response and key uses.
 */
export const platformId = z.union([
  z.pipe(
    z.number({ error: 'must be a positive integer or a numeric string' }).check(
      z.int('must be an integer'),
      z.positive('must be a positive integer'),
      z.maximum(Number.MAX_SAFE_INTEGER, 'must be at most 9007199254740991'),
    ),
    z.transform(String),
  ),
  z.string().check(
    z.trim(),
    // `abort`: a string that is not a number gets one error, not two.
    z.regex(/^[1-9][0-9]*$/, { error: 'must be a positive integer or a numeric string', abort: true }),
    z.refine((value) => Number.isSafeInteger(Number(value)), 'must be at most 9007199254740991'),
  ),
], { error: 'must be a positive integer or a numeric string' });
