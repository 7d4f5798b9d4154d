import { cursorSecretFromSsm } from '../../lib/http/cursorSecret';
import { httpRoute } from '../../lib/http/params';
import { json } from '../../lib/http/responses';
import { listMessages } from '../../lib/messages/listMessages';
import { listMessagesParams } from '../../lib/messages/listMessagesParams';
import type { MessagesPageResponse } from '../../lib/messages/messageSchemas';
import { toMessageData } from '../../lib/messages/message';

/** GET /api/v1/chat/rooms/{_id}/messages — a page of messages, newest first. */
export const handler = httpRoute({ params: listMessagesParams, tenantFrom: 'token', secrets: cursorSecretFromSsm() }).handler(async (event) => {
  const page = await listMessages(event.tenant, event.actor, event.params);
  return json(200, { messages: page.messages.map(toMessageData), next_cursor: page.nextCursor } satisfies MessagesPageResponse);
});
