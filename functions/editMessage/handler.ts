import { httpRoute } from '../../lib/http/params';
import { json } from '../../lib/http/responses';
import { editMessage } from '../../lib/messages/editMessage';
import { toMessageData } from '../../lib/messages/message';
import { editMessageRequest, messagePathParams, type EditMessageRequest } from '../../lib/messages/messageChangeRequest';
import type { EditMessageResponse } from '../../lib/messages/messageSchemas';

/** PATCH /api/v1/chat/rooms/{_id}/messages/{message_id} — its sender replaces the text, within the edit window. */
export const handler = httpRoute<typeof messagePathParams, EditMessageRequest>({
  params: messagePathParams,
  body: editMessageRequest,
  tenantFrom: 'token',
}).handler(async (event) => {
  const message = await editMessage(event.tenant, event.actor, { roomId: event.params._id, messageId: event.params.message_id }, event.body);
  return json(200, { message: 'Message updated', messageData: toMessageData(message), status: 200 } satisfies EditMessageResponse);
});
