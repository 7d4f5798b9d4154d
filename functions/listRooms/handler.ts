import { cursorSecretFromSsm } from '../../lib/http/cursorSecret';
import { httpRoute } from '../../lib/http/params';
import { json } from '../../lib/http/responses';
import { listRooms } from '../../lib/rooms/listRooms';
import { listRoomsParams } from '../../lib/rooms/roomParams';
import { toRoomView } from '../../lib/rooms/roomView';
import type { RoomsPageResponse } from '../../lib/rooms/roomSchemas';

/** GET /api/v1/chat/rooms — the caller's rooms, newest activity first. */
export const handler = httpRoute({ params: listRoomsParams, tenantFrom: 'token', secrets: cursorSecretFromSsm() }).handler(async (event) => {
  const page = await listRooms(event.tenant, event.actor, event.params);
  return json(200, { rooms: page.rooms.map((room) => toRoomView(room, page.role)), next_cursor: page.nextCursor } satisfies RoomsPageResponse);
});
