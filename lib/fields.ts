import * as z from './zod';

/**
 * Clients send absent optional fields as missing, `null` or `""`; all three mean "not given". The
 * outer `optional` lets a missing field through at once: most optional fields of a request are.
 */
export const optionalField = <S extends z.ZodMiniType>(schema: S) =>
  z.optional(
    z.pipe(
      z.transform((value: unknown) => (value === null || value === '' ? undefined : value)) as z.ZodMiniTransform<z.input<S> | undefined, unknown>,
      z.optional(schema),
    ),
  );

/** A trimmed, non-empty name of at most `max` characters (domains, database names, …). */
export const nameField = (max: number) =>
  z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max, `must be at most ${max} characters`));
