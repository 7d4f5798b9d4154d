import { withDownloadUrls } from '../attachments/downloadUrls';
import { decodeCursor, encodeCursor } from '../paging/cursor';
import { loadRoomFor } from '../rooms/roomAccess';
import { isMessagesPageKey, queryMessages } from '../store/messages';
import type { Actor, Tenant } from '../tenancy/tenant';
import type { ListMessagesParams } from './listMessagesParams';
import type { Message } from './message';

export interface MessagesPage {
  messages: Message[];
  nextCursor: string | null;
}

/**
 * `GET /api/v1/chat/rooms/{_id}/messages`: one page, newest first (one Query after the room read
 * that authorizes). The cursor is bound to this tenant and this room incarnation.
 */
export const listMessages = async (tenant: Tenant, actor: Actor, params: ListMessagesParams): Promise<MessagesPage> => {
  const { room, ref } = await loadRoomFor(tenant, actor, params._id);
  const scope = { tenant: tenant.clientId, query: `messages:${room._id}` };
  const page = await queryMessages(tenant, ref, room._id, {
    limit: params.limit,
    startKey: await decodeCursor(scope, params.cursor, (key) => isMessagesPageKey(tenant, ref, key)),
  });
  // The reader is a participant or an admin (loadRoomFor): they get the files' download URLs.
  return { messages: await withDownloadUrls(tenant, page.messages), nextCursor: await encodeCursor(scope, page.lastKey) };
};
