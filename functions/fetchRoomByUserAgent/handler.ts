import { cursorSecretFromSsm } from '../../lib/http/cursorSecret';
import { httpApi } from '../../lib/http/httpApi';
import { json } from '../../lib/http/responses';
import { fetchRoomByUserAgent } from '../../lib/rooms/fetchRoomByUserAgent';
import { fetchRoomByUserAgentRequest, type FetchRoomByUserAgentRequest } from '../../lib/rooms/fetchRoomByUserAgentRequest';
import { toRoomWithUsers } from '../../lib/rooms/roomView';
import type { FetchRoomByUserAgentResponse } from '../../lib/rooms/roomSchemas';

/** POST /api/room/fetchRoomByUserAgent — the platform's listing of an agent's rooms (+ paging). */
export const handler = httpApi<FetchRoomByUserAgentRequest>({ body: fetchRoomByUserAgentRequest, tenantFrom: 'body', secrets: cursorSecretFromSsm() }).handler(
  async (event) => {
    const page = await fetchRoomByUserAgent(event.tenant, event.actor, event.body);
    return json(200, { roomData: page.rooms.map((room) => toRoomWithUsers(room, page.role)), next_cursor: page.nextCursor } satisfies FetchRoomByUserAgentResponse);
  },
);
