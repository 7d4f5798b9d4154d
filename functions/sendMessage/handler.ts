import { httpRoute } from '../../lib/http/params';
import { json } from '../../lib/http/responses';
import { toMessageData } from '../../lib/messages/message';
import { sendMessage } from '../../lib/messages/sendMessage';
import type { SendMessageResponse } from '../../lib/messages/messageSchemas';
import { sendMessageRequest, type SendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { roomPathParams } from '../../lib/rooms/roomParams';

/** POST /api/v1/chat/rooms/{_id}/messages — send (a retry with the same client_message_id returns the original). */
export const handler = httpRoute<typeof roomPathParams, SendMessageRequest>({
  params: roomPathParams,
  body: sendMessageRequest,
  tenantFrom: 'token',
}).handler(async (event) => {
  const { message } = await sendMessage(event.tenant, event.actor, event.params._id, event.body);
  return json(201, { message: 'Message sent successfully', messageData: toMessageData(message), status: 201 } satisfies SendMessageResponse);
});
