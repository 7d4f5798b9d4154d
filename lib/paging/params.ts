import * as z from '../zod';

/**
 * The numerals of 1..max (leading zeros allowed, as `Number` reads them), so the range is in the
 * pattern itself and the OpenAPI document states it for the string form too.
 */
const numeralsUpTo = (max: number): RegExp => {
  const digits = String(max);
  const last = digits.length - 1;
  const below = [...digits].flatMap((digit, i) => {
    const low = i === 0 ? 1 : 0;
    const high = Number(digit) - 1;
    if (high < low) return [];
    const rest = i < last ? `[0-9]{${last - i}}` : '';
    return [`${digits.slice(0, i)}${low === high ? low : `[${low}-${high}]`}${rest}`];
  });
  const shorter = last > 0 ? [`[1-9][0-9]{0,${last - 1}}`] : [];
  return new RegExp(`^0*(?:${[digits, ...below, ...shorter].join('|')})$`);
};

/** `limit` as a query-string value or a JSON number: a whole number in 1..max. */
export const limitParam = (max: number) =>
  z.union(
    [
      z.number().check(z.int('must be a whole number'), z.minimum(1, `must be from 1 to ${max}`), z.maximum(max, `must be from 1 to ${max}`)),
      z.pipe(z.string().check(z.trim(), z.regex(numeralsUpTo(max), `must be a whole number from 1 to ${max}`)), z.transform(Number)),
    ],
    { error: `must be a whole number from 1 to ${max}` },
  );

/** An opaque cursor from a previous page; its contents are checked when it is decoded. */
export const cursorParam = z.optional(
  z
    .string({ error: 'must be a cursor from a previous page' })
    .check(z.minLength(1, 'must not be empty'), z.maxLength(2048, 'must be a cursor from a previous page')),
);
