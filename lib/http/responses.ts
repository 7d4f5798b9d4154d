import type { AppError } from '../errors';

/** An API Gateway (payload 2.0) result whose body is JSON. */
export interface JsonResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Chat data is personal: nothing we return may be stored by a browser or proxy. */
const JSON_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
} as const;

export const json = (statusCode: number, body: unknown): JsonResponse => ({
  statusCode,
  headers: { ...JSON_HEADERS },
  body: JSON.stringify(body),
});

/** Public, non-personal JSON (the API's own description) that browsers and proxies may keep. */
export const cacheableJson = (statusCode: number, body: unknown, maxAgeSeconds: number): JsonResponse => ({
  statusCode,
  headers: { ...JSON_HEADERS, 'Cache-Control': `public, max-age=${maxAgeSeconds}` },
  body: JSON.stringify(body),
});

/** The error body every endpoint shares: `{message, status, code, errors?}`; `Retry-After` when it may be retried. */
export const errorResponse = (error: AppError): JsonResponse => {
  const response = json(error.status, {
    message: error.message,
    status: error.status,
    code: error.code,
    ...(error.errors && { errors: error.errors }),
  });
  if (error.retryAfterSeconds !== undefined) response.headers['Retry-After'] = String(error.retryAfterSeconds);
  return response;
};
