import { httpRoute } from '../../lib/http/params';
import { json } from '../../lib/http/responses';
import { deleteMessage } from '../../lib/messages/deleteMessage';
import { toMessageData } from '../../lib/messages/message';
import { messagePathParams } from '../../lib/messages/messageChangeRequest';
import type { DeleteMessageResponse } from '../../lib/messages/messageSchemas';

/** DELETE /api/v1/chat/rooms/{_id}/messages/{message_id} — its sender or an admin takes it back; a tombstone stays. */
export const handler = httpRoute({ params: messagePathParams, tenantFrom: 'token' }).handler(async (event) => {
  const message = await deleteMessage(event.tenant, event.actor, { roomId: event.params._id, messageId: event.params.message_id });
  return json(200, { message: 'Message deleted', messageData: toMessageData(message), status: 200 } satisfies DeleteMessageResponse);
});
