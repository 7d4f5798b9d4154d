import * as z from 'zod';

/** `limit` as a query-string value or a JSON number: a whole number in 1..max. */
export const limitParam = (max: number) =>
  z
    .union([z.number(), z.string().trim().regex(/^[0-9]+$/, 'must be a whole number').transform(Number)], {
      error: `must be a whole number from 1 to ${max}`,
    })
    .pipe(
      z
        .number()
        .int('must be a whole number')
        .min(1, `must be from 1 to ${max}`)
        .max(max, `must be from 1 to ${max}`),
    );

/** An opaque cursor from a previous page; its contents are checked when it is decoded. */
export const cursorParam = z
  .string({ error: 'must be a cursor from a previous page' })
  .min(1, 'must not be empty')
  .max(2048, 'must be a cursor from a previous page')
  .optional();
