import type middy from '@middy/core';
import type { Logger } from '../log';
import { AppError, isAppError, type ErrorCode } from '../errors';
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from '../store/faults';
import { errorResponse } from './responses';

/** middy's own HTTP errors (body parser, …) carry a status and `expose`; give them our codes. */
interface MiddyHttpError extends Error {
  statusCode: number;
  expose?: boolean;
  cause?: { package?: string };
}

const isMiddyHttpError = (error: unknown): error is MiddyHttpError =>
  error instanceof Error && typeof (error as MiddyHttpError).statusCode === 'number';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_ERROR',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Maps anything thrown to the shared error body; a client never sees a stack or a 5xx it caused.
 * A store fault (throttled, 5xx, timed out, after the client's own retries) is 503 with
 * `Retry-After`: the request may simply be sent again. 500 is left for our own bugs.
 */
export const toAppError = (error: unknown): AppError => {
  if (isAppError(error)) return error;
  if (isMiddyHttpError(error) && error.expose && error.statusCode < 500) {
    // @middy/http-json-body-parser reports unparsable JSON as 415; it is a bad request.
    if (error.cause?.package === '@middy/http-json-body-parser' && /malformed JSON/.test(error.message)) {
      return new AppError('INVALID_JSON', 'Request body must be valid JSON', [{ path: 'body', message: 'Invalid or malformed JSON' }]);
    }
    if (error.statusCode === 415) {
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
    }
    return new AppError(CODE_BY_STATUS[error.statusCode] ?? 'VALIDATION_ERROR', error.message);
  }
  if (isStoreUnavailable(error)) {
    return new AppError('SERVICE_UNAVAILABLE', 'Service temporarily unavailable; retry shortly', undefined, {
      retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
      cause: error,
    });
  }
  return new AppError('INTERNAL_ERROR', 'Internal server error');
};

export interface HttpErrorsOptions {
  logger: Logger;
}

const logError = (logger: Logger, appError: AppError, error: unknown): void => {
  if (appError.code === 'SERVICE_UNAVAILABLE') {
    logger.warn('Store unavailable', { error: error as Error });
  } else if (appError.status >= 500) {
    logger.error('Unhandled error', { error: error as Error });
  } else {
    logger.info('Request rejected', { code: appError.code, status: appError.status });
  }
};

/**
 * middy middleware: the last line of defence that turns every error into a JSON response. The
 * response is set before anything is logged, and a logger that throws is ignored: whatever the
 * error holds, the client gets its JSON answer.
 */
export const httpErrors = ({ logger }: HttpErrorsOptions): middy.MiddlewareObj => ({
  onError: async (request) => {
    let appError: AppError;
    try {
      appError = toAppError(request.error);
    } catch {
      appError = new AppError('INTERNAL_ERROR', 'Internal server error');
    }
    request.response = errorResponse(appError);
    try {
      logError(logger, appError, request.error);
    } catch {
      // The response matters more than its log line.
    }
  },
});
