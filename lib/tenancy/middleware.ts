import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError } from '../errors';
import type { ApiEvent } from '../http/apiEvent';
import { tenantRegistry, type TenantRegistry } from './registry';
import { resolveTenant, type TenantIdentifiers } from './resolveTenant';
import { toTenant, type TenantRecord } from './tenant';
import { bearerToken, claimedClientId, verifyAccessToken } from './tokens';

type Request = middy.Request<ApiEvent, unknown, Error, Context, { tenantRecord?: TenantRecord }>;

const requireToken = (event: ApiEvent): string => {
  const token = bearerToken(event.headers?.authorization);
  if (!token) throw new AppError('TOKEN_MISSING', 'Authorization header with a bearer token is required');
  return token;
};

export interface TenantMiddlewareOptions {
  /**
   * Where the request names its tenant: the validated body's `client_id`/`sub_domain`/`db_name`,
   * or, on routes without a body, the token's `client_id` claim.
   */
  from: 'body' | 'token';
  registry?: TenantRegistry;
}

/** middy middleware: resolve the tenant against the registry before the handler runs. */
export const tenantResolver = ({ from, registry = tenantRegistry }: TenantMiddlewareOptions): middy.MiddlewareObj<ApiEvent> => ({
  before: async (request: Request) => {
    const ids: TenantIdentifiers =
      from === 'body'
        ? (request.event.body as TenantIdentifiers)
        : { client_id: claimedClientId(requireToken(request.event)) };
    const record = resolveTenant(ids, await registry.get(ids.client_id));
    request.internal.tenantRecord = record;
    request.event.tenant = toTenant(record);
  },
});

/** middy middleware: verify the bearer token with the resolved tenant's keys; sets `event.actor`. */
export const authenticate = (): middy.MiddlewareObj<ApiEvent> => ({
  before: async (request: Request) => {
    const token = requireToken(request.event);
    const record = request.internal.tenantRecord;
    if (!record) throw new Error('authenticate() must run after tenantResolver()');
    request.event.actor = await verifyAccessToken(token, record);
  },
});
