import { httpPublic } from '../../lib/http/httpApi';
import { cacheableJson } from '../../lib/http/responses';
import { openApiDocument } from '../../lib/openapi/document';

/** Where this request reached the API: API Gateway says https; serverless-offline says nothing. */
const serverUrl = (headers: Record<string, string | undefined>) =>
  `${headers['x-forwarded-proto'] ?? 'http'}://${headers.host ?? '127.0.0.1:3000'}`;

/** GET /api/v1/openapi.json — the OpenAPI document; public and cacheable for five minutes. */
export const handler = httpPublic().handler(async (event) => cacheableJson(200, openApiDocument({ serverUrl: serverUrl(event.headers) }), 300));
