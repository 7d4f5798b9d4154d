import { config } from '../../lib/config';
import { httpPublic } from '../../lib/http/httpApi';
import { cacheableJson } from '../../lib/http/responses';
import { asyncApiDocument } from '../../lib/openapi/asyncApiDocument';

/**
 * GET /api/v1/asyncapi.json — the WebSocket API's AsyncAPI document; public and cacheable for five
 * minutes. Its server is the configured WebSocket endpoint, never the request's Host.
 */
export const handler = httpPublic().handler(async () => cacheableJson(200, asyncApiDocument({ websocketEndpoint: config.websocketEndpoint }), 300));
