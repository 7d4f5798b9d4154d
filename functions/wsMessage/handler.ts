import { answerClientMessage } from '../../lib/realtime/clientMessages';
import { identityOf, type SocketEvent } from '../../lib/websocket/socketEvent';
import { socketRoute } from '../../lib/websocket/socketRoute';

/**
 * WebSocket $default: a frame from the client; `{"action":"ping"}` is answered `{"event":"pong"}`
 * while the connection's token lasts.
 */
export const handler = socketRoute<SocketEvent, { statusCode: number; body: string }>().handler(async (event) => ({
  statusCode: 200,
  body: JSON.stringify(answerClientMessage(event.body, identityOf(event).tokenExpiresAt)),
}));
