import { AppError } from '../errors';
import { tenantRegistry, type TenantRegistry } from './registry';
import { resolveTenant } from './resolveTenant';
import { toTenant, type Actor, type Tenant } from './tenant';
import { claimedClientId, verifyAccessToken } from './tokens';

/**
 * A bare token, with no request body naming the tenant (the WebSocket upgrade): the tenant is the
 * one the token claims, the token must verify with its keys, and its record must be active.
 * Throws the same AppErrors as the HTTP middleware: one TOKEN_INVALID for a token that does not
 * verify (the tenant unknown included), TENANT_* only to a verified caller.
 */
export const authenticateToken = async (token: string, registry: TenantRegistry = tenantRegistry): Promise<{ tenant: Tenant; actor: Actor }> => {
  const clientId = claimedClientId(token);
  const found = await registry.get(clientId);
  if (!found) throw new AppError('TOKEN_INVALID', 'Access token is invalid');
  const actor = await verifyAccessToken(token, found);
  const record = resolveTenant({ client_id: clientId }, found);
  return { tenant: toTenant(record), actor };
};
