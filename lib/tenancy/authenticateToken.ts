import { tenantRegistry, type TenantRegistry } from './registry';
import { resolveTenant } from './resolveTenant';
import { toTenant, type Actor, type Tenant } from './tenant';
import { claimedClientId, verifyAccessToken } from './tokens';

/**
 * A bare token, with no request body naming the tenant (the WebSocket upgrade): the tenant is the
 * one the token claims, its record must be active, and the token must verify with its keys.
 * Throws the same AppErrors as the HTTP middleware (TOKEN_*, TENANT_*).
 */
export const authenticateToken = async (token: string, registry: TenantRegistry = tenantRegistry): Promise<{ tenant: Tenant; actor: Actor }> => {
  const clientId = claimedClientId(token);
  const record = resolveTenant({ client_id: clientId }, await registry.get(clientId));
  const actor = await verifyAccessToken(token, record);
  return { tenant: toTenant(record), actor };
};
