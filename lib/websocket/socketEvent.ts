import type { APIGatewayEventWebsocketRequestContextV2, APIGatewayProxyWebsocketEventV2WithRequestContext } from 'aws-lambda';
import * as z from '../zod';
import { platformId } from '../ids';
import type { TenantKeyScope } from '../store/keys';
import { ROLES, type Actor } from '../tenancy/tenant';

/**
 * What the $connect authorizer hands on: API Gateway passes its `context` to every later route
 * of the connection ($connect, messages and $disconnect, which carries no token of its own).
 * `exp` is the token's expiry in epoch seconds; context values arrive as strings (API Gateway
 * and serverless-offline turn numbers into text), hence the coercion.
 */
export const socketIdentity = z.object({
  client_id: platformId,
  role: z.enum(ROLES),
  user_id: z.string().check(z.minLength(1)),
  exp: z.coerce.number().check(z.int(), z.positive()),
});

export type SocketIdentity = z.output<typeof socketIdentity>;

export type SocketEvent = APIGatewayProxyWebsocketEventV2WithRequestContext<
  APIGatewayEventWebsocketRequestContextV2 & { authorizer?: Record<string, unknown> }
>;

/**
 * The tenant and person a connection authenticated as, and when its token expires (epoch
 * seconds); a route without them is a wiring error.
 */
export const identityOf = (event: SocketEvent): { tenant: TenantKeyScope; actor: Actor; tokenExpiresAt: number } => {
  const identity = socketIdentity.parse(event.requestContext.authorizer);
  return { tenant: { clientId: identity.client_id }, actor: { role: identity.role, userId: identity.user_id }, tokenExpiresAt: identity.exp };
};
