/**
 * Every error a client can see, with its stable code and HTTP status.
 * Domain code throws `AppError`s by code; only lib/http turns them into responses.
 */
export const ERROR_STATUS = {
  INVALID_JSON: 400,
  VALIDATION_ERROR: 400,
  INVALID_CURSOR: 400,
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  TENANT_MISMATCH: 403,
  TENANT_SUSPENDED: 403,
  TENANT_NOT_FOUND: 404,
  ROOM_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ROOM_CLOSED: 409,
  CONFLICT: 409,
  ORDER_NUMBER_TAKEN: 409,
  EDIT_WINDOW_CLOSED: 409,
  MESSAGE_DELETED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One offending field: `path` is dotted (`order_id`, `participant.email`), `body` for the whole body. */
export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  /** When the client may try again (429, 503): sent as `Retry-After`, in whole seconds. */
  retryAfterSeconds?: number;
  /** What went wrong underneath; logged, never shown. */
  cause?: unknown;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = Math.max(1, Math.ceil(options.retryAfterSeconds));
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
