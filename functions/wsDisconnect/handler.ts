import { closeConnection } from '../../lib/realtime/connections';
import { identityOf, type SocketEvent } from '../../lib/websocket/socketEvent';
import { socketRoute } from '../../lib/websocket/socketRoute';

/** WebSocket $disconnect: forget the connection, found by the identity its authorizer recorded. */
export const handler = socketRoute<SocketEvent, { statusCode: number }>().handler(async (event) => {
  const { tenant, actor } = identityOf(event);
  await closeConnection(tenant, actor, event.requestContext.connectionId);
  return { statusCode: 200 };
});
