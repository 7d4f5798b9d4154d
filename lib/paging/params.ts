import * as z from '../zod';

/** `limit` as a query-string value or a JSON number: a whole number in 1..max. */
export const limitParam = (max: number) =>
  z.pipe(
    z.union([z.number(), z.pipe(z.string().check(z.trim(), z.regex(/^[0-9]+$/, 'must be a whole number')), z.transform(Number))], {
      error: `must be a whole number from 1 to ${max}`,
    }),
    z.number().check(z.int('must be a whole number'), z.minimum(1, `must be from 1 to ${max}`), z.maximum(max, `must be from 1 to ${max}`)),
  );

/** An opaque cursor from a previous page; its contents are checked when it is decoded. */
export const cursorParam = z.optional(
  z
    .string({ error: 'must be a cursor from a previous page' })
    .check(z.minLength(1, 'must not be empty'), z.maxLength(2048, 'must be a cursor from a previous page')),
);
