import { httpApi } from '../../lib/http/httpApi';
import { json } from '../../lib/http/responses';
import { toRoomData } from '../../lib/rooms/roomData';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest, type StartChatRequest } from '../../lib/rooms/startChatRequest';
import type { StartChatResponse } from '../../lib/rooms/roomSchemas';

/** POST /api/v1/chat/startChat — get or create the order conversation's room. */
export const handler = httpApi<StartChatRequest>({ body: startChatRequest, tenantFrom: 'body' }).handler(async (event) => {
  const room = await startChat(event.tenant, event.actor, event.body);
  return json(200, { message: 'Room created successfully !!!', roomData: toRoomData(room), status: 200 } satisfies StartChatResponse);
});
