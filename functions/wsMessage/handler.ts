import { answerClientMessage } from '../../lib/realtime/clientMessages';
import type { SocketEvent } from '../../lib/websocket/socketEvent';
import { socketRoute } from '../../lib/websocket/socketRoute';

/** WebSocket $default: a frame from the client; `{"action":"ping"}` is answered `{"event":"pong"}`. */
export const handler = socketRoute<SocketEvent, { statusCode: number; body: string }>().handler(async (event) => ({
  statusCode: 200,
  body: JSON.stringify(answerClientMessage(event.body)),
}));
