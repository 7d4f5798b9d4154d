import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError } from '../errors';
import type { ApiEvent } from '../http/apiEvent';
import { tenantRegistry, type TenantRegistry } from './registry';
import { resolveTenant, type TenantIdentifiers } from './resolveTenant';
import { toTenant, type TenantRecord } from './tenant';
import { bearerToken, claimedClientId, verifyAccessToken } from './tokens';

interface TenantLookup {
  token: string;
  ids: TenantIdentifiers;
  record: TenantRecord | undefined;
}

type Request = middy.Request<ApiEvent, unknown, Error, Context, { tenantLookup?: TenantLookup }>;

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

/**
 * middy middleware: look up the tenant the request names. Nothing is looked up for a request
 * without a well-formed token, and what was found is not yet told to anyone: authenticate()
 * decides what the caller may learn.
 */
export const tenantResolver = ({ from, registry = tenantRegistry }: TenantMiddlewareOptions): middy.MiddlewareObj<ApiEvent> => ({
  before: async (request: Request) => {
    const token = requireToken(request.event);
    const claimed = claimedClientId(token);
    const ids: TenantIdentifiers = from === 'body' ? (request.event.body as TenantIdentifiers) : { client_id: claimed };
    request.internal.tenantLookup = { token, ids, record: await registry.get(ids.client_id) };
  },
});

/**
 * middy middleware: verify the bearer token with the named tenant's keys, then check the tenant;
 * sets `event.actor` and `event.tenant`. A caller whose token does not verify gets one 401 whether
 * the tenant is unknown, suspended or named with the wrong domain, so tenants cannot be enumerated;
 * only verified callers hear the specific tenant error.
 */
export const authenticate = (): middy.MiddlewareObj<ApiEvent> => ({
  before: async (request: Request) => {
    const lookup = request.internal.tenantLookup;
    if (!lookup) throw new Error('authenticate() must run after tenantResolver()');
    if (!lookup.record) throw new AppError('TOKEN_INVALID', 'Access token is invalid');
    const actor = await verifyAccessToken(lookup.token, lookup.record);
    const record = resolveTenant(lookup.ids, lookup.record);
    request.event.actor = actor;
    request.event.tenant = toTenant(record);
  },
});
