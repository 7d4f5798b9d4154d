import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AppError } from '../errors';

export interface BodyLimitOptions {
  maxBytes: number;
}

const decodedLength = (event: APIGatewayProxyEventV2): number => {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').byteLength : Buffer.byteLength(body);
};

/** middy middleware: refuse oversized bodies before anything parses them. */
export const bodyLimit = ({ maxBytes }: BodyLimitOptions): middy.MiddlewareObj<APIGatewayProxyEventV2> => ({
  before: async ({ event }) => {
    if (decodedLength(event) > maxBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `Request body must be at most ${maxBytes} bytes`);
    }
  },
});
