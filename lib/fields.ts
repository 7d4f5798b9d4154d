import * as z from './zod';

/**
 * Clients send absent optional fields as missing, `null` or `""`; all three mean "not given". The
 * outer `optional` lets a missing field through at once: most optional fields of a request are.
 */
/** `null` and `""` as not given; named so the OpenAPI document can say these fields accept both. */
export const absentAsUndefined = (value: unknown): unknown => (value === null || value === '' ? undefined : value);

export const optionalField = <S extends z.ZodMiniType>(schema: S) =>
  z.optional(
    z.pipe(
      z.transform(absentAsUndefined) as z.ZodMiniTransform<z.input<S> | undefined, unknown>,
      z.optional(schema),
    ),
  );

/** A trimmed, non-empty name of at most `max` characters (domains, database names, …). */
export const nameField = (max: number) =>
  z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max, `must be at most ${max} characters`));
