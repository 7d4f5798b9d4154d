import * as z from '../zod';
import { cursorParam, limitParam } from '../paging/params';
import { roomIdParam } from '../rooms/roomParams';

/** `GET /api/v1/chat/rooms/{_id}/messages?limit=&cursor=`. */
export const listMessagesParams = z.object({
  _id: roomIdParam,
  limit: z._default(limitParam(100), 50),
  cursor: cursorParam,
});

export type ListMessagesParams = z.output<typeof listMessagesParams>;
