/** Tiny HTTP helpers for tests against the serverless-offline that globalSetup started. */
import { signLocalToken } from '../../scripts/local/tokens';
import { assertHttpContract } from './contract';

export { SEED_BODY, SEED_PATH, seedHeaders } from '../../scripts/local/seedRequest';

export interface ApiResponse<T = any> {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** The parsed body; undefined when it is not JSON. */
  json: T;
  text: string;
}

const apiUrl = (): string => {
  const url = process.env.API_URL;
  if (!url) throw new Error('API_URL is not set: run through jest, whose globalSetup starts serverless-offline (not with NO_OFFLINE=1)');
  return url;
};

/** A string body is sent as is (for malformed-JSON cases); anything else as JSON. */
export const request = async <T = any>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> => {
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  const response = await fetch(apiUrl() + path, {
    method,
    headers: body === undefined || hasContentType ? headers : { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const headersReceived = Object.fromEntries(response.headers);
  // Every response any test receives must keep to the OpenAPI document (test/support/contract.ts).
  assertHttpContract({ method, path, status: response.status, headers: headersReceived, text });
  return { status: response.status, headers: headersReceived, json, text };
};

export const post = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
  request<T>('POST', path, body, headers);

export const get = <T = any>(path: string, headers?: Record<string, string>) => request<T>('GET', path, undefined, headers);

/** A token for a local tenant; a negative ttl gives an already-expired one. */
export const tokenFor = (clientId: string | number, userId: string | number, role: string, ttlSeconds?: number) =>
  signLocalToken(clientId, userId, role, ttlSeconds);
