import * as z from 'zod';

/** Clients send absent optional fields as missing, `null` or `""`; all three mean "not given". */
export const optionalField = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => (value === null || value === '' ? undefined : value), schema.optional());

/** A trimmed, non-empty name of at most `max` characters (domains, database names, …). */
export const nameField = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
