import { deleteConnection, putConnection } from '../store/connections';
import type { TenantKeyScope } from '../store/keys';
import type { Actor } from '../tenancy/tenant';
import { epochSeconds } from '../time';

/** API Gateway closes every WebSocket connection after 2 hours; a record never outlives it. */
export const CONNECTION_LIFETIME_SECONDS = 2 * 3600;

/**
 * Remember an authenticated connection under the person it authenticated as, until its token
 * expires (`tokenExpiresAt`, the token's `exp`) or API Gateway's limit, whichever is first: past
 * that the publisher sends it nothing and closes it. Which rooms it hears is decided at each
 * publication from the rooms' participants, so nothing else is stored.
 */
export const openConnection = async (
  tenant: TenantKeyScope,
  actor: Actor,
  connectionId: string,
  tokenExpiresAt: number,
  now = new Date(),
): Promise<void> => {
  await putConnection(tenant, {
    connectionId,
    role: actor.role,
    userId: actor.userId,
    connectedAt: now.toISOString(),
    expiresAt: Math.min(tokenExpiresAt, epochSeconds(now) + CONNECTION_LIFETIME_SECONDS),
  });
};

export const closeConnection = (tenant: TenantKeyScope, actor: Actor, connectionId: string): Promise<void> =>
  deleteConnection(tenant, actor.role, actor.userId, connectionId);
