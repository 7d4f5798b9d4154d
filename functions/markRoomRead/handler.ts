import { httpRoute } from '../../lib/http/params';
import { json } from '../../lib/http/responses';
import { readCursorOf } from '../../lib/rooms/readState';
import { markRoomRead } from '../../lib/rooms/markRoomRead';
import { markRoomReadRequest, type MarkRoomReadRequest } from '../../lib/rooms/markRoomReadRequest';
import { roomPathParams } from '../../lib/rooms/roomParams';
import type { MarkRoomReadResponse } from '../../lib/rooms/roomSchemas';
import { toRoomView } from '../../lib/rooms/roomView';

/** POST /api/v1/chat/rooms/{_id}/read — the caller has read up to `message_id` (the cursor only moves forward). */
export const handler = httpRoute<typeof roomPathParams, MarkRoomReadRequest>({
  params: roomPathParams,
  body: markRoomReadRequest,
  tenantFrom: 'token',
}).handler(async (event) => {
  const { room, role } = await markRoomRead(event.tenant, event.actor, event.params._id, event.body);
  return json(200, { roomData: toRoomView(room, role), last_read_message_id: readCursorOf(room, role)?.message_id ?? null } satisfies MarkRoomReadResponse);
});
