import { config } from '../../lib/config';
import { httpPublic } from '../../lib/http/httpApi';
import { cacheableJson } from '../../lib/http/responses';
import { openApiDocument } from '../../lib/openapi/document';
import { serverUrlOf } from '../../lib/openapi/serverUrl';

/**
 * GET /api/v1/openapi.json — the OpenAPI document; public and cacheable for five minutes. Its server
 * is the configured public URL, never the request's Host or X-Forwarded-Proto: a shared cache
 * would hand a forged one to every reader (and Swagger UI's "Try it out" sends tokens there).
 */
export const handler = httpPublic().handler(async () => cacheableJson(200, openApiDocument({ serverUrl: serverUrlOf(config.publicApiUrl) }), 300));
