import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type * as z from '../zod';
import { config } from '../config';
import { injectLambdaContext, logger } from '../log';
import { logMetrics, metrics } from '../metrics';
import { authenticate, tenantResolver, type TenantMiddlewareOptions } from '../tenancy/middleware';
import type { ApiEvent } from './apiEvent';
import { bodyLimit } from './bodyLimit';
import { httpErrors } from './httpErrors';
import { responseMetrics } from './responseMetrics';
import type { JsonResponse } from './responses';
import { securityHeaders } from './securityHeaders';
import { validateBody } from './validate';

export interface HttpApiOptions {
  /** The request body's schema; omit on routes without a body. */
  body?: z.ZodMiniType;
  tenantFrom: TenantMiddlewareOptions['from'];
  /**
   * What provides this function's secrets: `cursorSecretFromSsm()` on the routes that page. The
   * handler passes it in, so functions that never page do not bundle the SSM request.
   */
  secrets?: middy.MiddlewareObj[];
}

/**
 * The middleware stack every HTTP function shares, in the order a request meets it:
 * (secrets of paging functions, kept for their maximum age) → headers → size → JSON → schema → tenant → token. After/onError run in reverse, so
 * errors become JSON first, then the security headers go on every response, then the
 * response is counted and the metrics (with a cold-start metric) are published.
 */
export const httpApi = <Body = unknown>({ body, tenantFrom, secrets = [] }: HttpApiOptions) =>
  middy<ApiEvent<Body>, JsonResponse>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(responseMetrics({ metrics }))
    .use(securityHeaders())
    .use(httpErrors({ logger }))
    .use(secrets as middy.MiddlewareObj<ApiEvent<Body>, JsonResponse>[])
    .use(httpHeaderNormalizer())
    .use(body ? [bodyLimit({ maxBytes: config.maxBodyBytes }), httpJsonBodyParser(), validateBody(body)] : [])
    .use(tenantResolver({ from: tenantFrom }))
    .use(authenticate());

/**
 * The stack of a public route that serves no tenant (the API's own description): no body, no
 * tenant, no token; responses are still counted, carry the security headers and errors are JSON.
 */
export const httpPublic = () =>
  middy<APIGatewayProxyEventV2, JsonResponse>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(responseMetrics({ metrics }))
    .use(securityHeaders())
    .use(httpErrors({ logger }))
    .use(httpHeaderNormalizer());
