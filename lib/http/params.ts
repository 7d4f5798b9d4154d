import type middy from '@middy/core';
import type * as z from '../zod';
import type { ApiEvent } from './apiEvent';
import { httpApi, type HttpApiOptions } from './httpApi';
import type { JsonResponse } from './responses';
import { parseOrThrow } from './validate';

/** An event whose path and query parameters have been validated into `params`. */
export type RouteEvent<Body, Params> = ApiEvent<Body> & { params: Params };

/**
 * middy middleware: validate path and query-string parameters with one zod schema. A path
 * parameter wins over a query parameter of the same name, so `?_id=` cannot redirect a route.
 */
export const validateParams = (schema: z.ZodMiniType): middy.MiddlewareObj<ApiEvent & { params?: unknown }> => ({
  before: async ({ event }) => {
    const raw = { ...event.queryStringParameters, ...event.pathParameters };
    event.params = parseOrThrow(schema, raw, 'Request parameters');
  },
});

/**
 * The shared stack (httpApi) plus parameter validation, for routes addressed by path or query.
 * Parameters are checked after authentication, so an anonymous caller learns nothing about them.
 */
export const httpRoute = <Params extends z.ZodMiniType, Body = unknown>({ params, ...options }: HttpApiOptions & { params: Params }) =>
  httpApi<Body>(options).use(validateParams(params) as middy.MiddlewareObj<ApiEvent<Body>>) as unknown as middy.MiddyfiedHandler<
    RouteEvent<Body, z.output<Params>>,
    JsonResponse
  >;
