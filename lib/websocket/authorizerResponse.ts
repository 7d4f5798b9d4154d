import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { config } from '../config';
import { AppError } from '../errors';
import { bearerToken } from '../tenancy/tokens';
import type { Actor, Tenant } from '../tenancy/tenant';
import type { SocketIdentity } from './socketEvent';

/** `?token=` (browsers cannot set headers on a WebSocket) or the `Authorization` header. */
export const socketToken = (event: APIGatewayRequestAuthorizerEvent): string | undefined => {
  const query = event.queryStringParameters?.token?.trim();
  if (query) return query;
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  return bearerToken(header ?? undefined);
};

const policy = (principalId: string, effect: 'Allow' | 'Deny', methodArn: string) => ({
  principalId,
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: methodArn }] },
});

/**
 * The `exp` of a token that has just been verified (so the claim read is the signed one, and
 * verification required it): the connection must end when the token does.
 */
export const verifiedTokenExpiry = (token: string): number => {
  const { exp } = decodeJwt(token);
  if (typeof exp !== 'number' || !Number.isInteger(exp)) throw new AppError('TOKEN_INVALID', 'Access token has no valid exp');
  return exp;
};

/**
 * Let the upgrade through, handing the connection's identity and its token's expiry to every
 * later route ($connect stores the connection until then).
 */
export const allow = (methodArn: string, tenant: Tenant, actor: Actor, tokenExpiresAt: number): APIGatewayAuthorizerResult => {
  const context: SocketIdentity = { client_id: tenant.clientId, role: actor.role, user_id: actor.userId, exp: tokenExpiresAt };
  return { ...policy(`${tenant.clientId}#${actor.role}#${actor.userId}`, 'Allow', methodArn), context };
};

/** 403 at the upgrade. */
export const deny = (methodArn: string): APIGatewayAuthorizerResult => policy('refused', 'Deny', methodArn);

/**
 * 401 at the upgrade. API Gateway takes a thrown `Unauthorized`; serverless-offline 14 turns a
 * thrown error into 500 and instead reads a returned `"Unauthorized"` as 401.
 */
export const unauthorized = (): 'Unauthorized' => {
  if (config.isOffline) return 'Unauthorized';
  throw new Error('Unauthorized');
};
