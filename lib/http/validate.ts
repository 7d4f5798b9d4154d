import type middy from '@middy/core';
import type * as z from '../zod';
import { AppError, type FieldError } from '../errors';

/** zod issues as `{path, message}` with dotted paths; `body` when the body itself is wrong. */
export const fieldErrors = (error: z.core.$ZodError): FieldError[] =>
  error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : 'body',
    message: issue.message,
  }));

/** Parse `value` with `schema` or throw a 400 naming every offending field. */
export const parseOrThrow = <S extends z.ZodMiniType>(schema: S, value: unknown, what = 'Request body'): z.output<S> => {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError('VALIDATION_ERROR', `${what} is invalid`, fieldErrors(result.error));
  }
  return result.data;
};

/** middy middleware: replaces the parsed JSON body by its validated, normalised form. */
export const validateBody = (schema: z.ZodMiniType): middy.MiddlewareObj<{ body: unknown }> => ({
  before: async (request) => {
    // API Gateway omits an empty body; serverless-offline sends null. Either way nothing was sent.
    if (request.event.body === undefined || request.event.body === null) {
      throw new AppError('INVALID_JSON', 'Request body is required', [{ path: 'body', message: 'Required' }]);
    }
    request.event.body = parseOrThrow(schema, request.event.body);
  },
});
