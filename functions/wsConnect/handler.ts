import { openConnection } from '../../lib/realtime/connections';
import { identityOf, type SocketEvent } from '../../lib/websocket/socketEvent';
import { socketRoute } from '../../lib/websocket/socketRoute';

/** WebSocket $connect (after the authorizer): remember the connection under its person, until its token expires. */
export const handler = socketRoute<SocketEvent, { statusCode: number }>().handler(async (event) => {
  const { tenant, actor, tokenExpiresAt } = identityOf(event);
  await openConnection(tenant, actor, event.requestContext.connectionId, tokenExpiresAt);
  return { statusCode: 200 };
});
