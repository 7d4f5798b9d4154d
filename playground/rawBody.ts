import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export type WithRawBody<Event> = Event & { rawBody?: string };

/**
 * middy middleware: keeps the body exactly as sent in `rawBody`, before the JSON parser replaces
 * it. A webhook signature covers those bytes; a parsed and reserialised body no longer verifies.
 */
export const keepRawBody = (): middy.MiddlewareObj<WithRawBody<APIGatewayProxyEventV2>> => ({
  before: (request) => {
    const { body, isBase64Encoded } = request.event;
    if (typeof body === 'string') request.event.rawBody = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  },
});
