import { httpRoute } from '../../lib/http/params';
import { json } from '../../lib/http/responses';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { roomPathParams } from '../../lib/rooms/roomParams';
import { participantRoleOf } from '../../lib/rooms/roomAccess';
import type { CloseRoomResponse } from '../../lib/rooms/roomSchemas';
import { toRoomView } from '../../lib/rooms/roomView';

/** POST /api/v1/chat/rooms/{_id}/close — no more messages until startChat reopens the room. */
export const handler = httpRoute({ params: roomPathParams, tenantFrom: 'token' }).handler(async (event) => {
  const room = await closeRoom(event.tenant, event.actor, event.params._id);
  return json(200, { message: 'Room closed successfully', roomData: toRoomView(room, participantRoleOf(event.actor)), status: 200 } satisfies CloseRoomResponse);
});
