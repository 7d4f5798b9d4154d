import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import type { AppError } from '../errors';

export type JsonResponse = APIGatewayProxyResultV2 & { statusCode: number; headers: Record<string, string> };

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

/** The error body every endpoint shares: `{message, status, code, errors?}`. */
export const errorResponse = (error: AppError): JsonResponse =>
  json(error.status, {
    message: error.message,
    status: error.status,
    code: error.code,
    ...(error.errors && { errors: error.errors }),
  });
