import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { AppError, isAppError } from '../../lib/errors';
import { authenticateToken } from '../../lib/tenancy/authenticateToken';
import { allow, deny, socketToken, unauthorized, verifiedTokenExpiry } from '../../lib/websocket/authorizerResponse';
import { socketRoute } from '../../lib/websocket/socketRoute';

/**
 * The WebSocket $connect authorizer: the tenant's JWT (`?token=` or `Authorization`) or no
 * connection. A missing, forged or expired token is 401, a suspended or unknown tenant 403.
 * The connection lives only as long as the token: its `exp` goes along to $connect.
 */
export const handler = socketRoute<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult | 'Unauthorized'>().handler(async (event) => {
  try {
    const token = socketToken(event);
    if (!token) throw new AppError('TOKEN_MISSING', 'A token is required');
    const { tenant, actor } = await authenticateToken(token);
    return allow(event.methodArn, tenant, actor, verifiedTokenExpiry(token));
  } catch (error) {
    if (!isAppError(error)) throw error;
    return error.status === 401 ? unauthorized() : deny(event.methodArn);
  }
});
