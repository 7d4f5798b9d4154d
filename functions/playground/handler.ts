import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AppError } from '../../lib/errors';
import { httpErrors } from '../../lib/http/httpErrors';
import type { JsonResponse } from '../../lib/http/responses';
import { logger } from '../../lib/log';
import { keepRawBody, type WithRawBody } from '../../playground/rawBody';
import { playgroundRequestGuard } from '../../playground/requestGuard';
import { servePlayground } from '../../playground/routes';

/**
 * The playground page and its development tokens. serverless.yml defines this function for the
 * local stage only; refusing outside serverless-offline as well keeps a token mint with public
 * development keys off any deployed stage even if the function were ever deployed by mistake.
 */
const localOnly = (): middy.MiddlewareObj => ({
  before: async () => {
    if (process.env.IS_OFFLINE !== 'true') throw new AppError('NOT_FOUND', 'Not found');
  },
});

/**
 * GET /playground, GET /playground/{asset}, POST /playground/tokens, POST and GET
 * /playground/webhooks — local stage only.
 */
export const handler = middy<WithRawBody<APIGatewayProxyEventV2> & { body?: unknown }, JsonResponse>()
  .use(httpErrors({ logger }))
  .use(localOnly())
  .use(httpHeaderNormalizer())
  // Loopback Host, the page's own Origin, X-Playground on the page's calls, no browser at the receiver (the file says why).
  .use(playgroundRequestGuard())
  // The webhook receiver verifies the body as sent.
  .use(keepRawBody())
  // GETs carry no JSON body; only the token route reads one (and validates it).
  .use(httpJsonBodyParser({ disableContentTypeError: true }))
  .handler((event) =>
    servePlayground({
      routeKey: event.routeKey,
      asset: event.pathParameters?.asset,
      body: event.body,
      query: event.queryStringParameters,
      headers: event.headers ?? {},
      rawBody: event.rawBody,
    }),
  );
