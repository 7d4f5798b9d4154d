import { httpRoute } from '../../lib/http/params';
import { json } from '../../lib/http/responses';
import { getRoom } from '../../lib/rooms/getRoom';
import { roomPathParams } from '../../lib/rooms/roomParams';
import { participantRoleOf } from '../../lib/rooms/roomAccess';
import type { RoomResponse } from '../../lib/rooms/roomSchemas';
import { toRoomView } from '../../lib/rooms/roomView';

/** GET /api/v1/chat/rooms/{_id} — one room with its participants. */
export const handler = httpRoute({ params: roomPathParams, tenantFrom: 'token' }).handler(async (event) => {
  const room = await getRoom(event.tenant, event.actor, event.params._id);
  return json(200, { roomData: toRoomView(room, participantRoleOf(event.actor)), status: 200 } satisfies RoomResponse);
});
