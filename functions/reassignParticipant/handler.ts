import { httpRoute } from '../../lib/http/params';
import { json } from '../../lib/http/responses';
import { reassignParticipant } from '../../lib/rooms/reassignParticipant';
import {
  reassignParticipantParams,
  reassignParticipantRequest,
  type ReassignParticipantRequest,
} from '../../lib/rooms/reassignParticipantRequest';
import { participantRoleOf } from '../../lib/rooms/roomAccess';
import type { ReassignParticipantResponse } from '../../lib/rooms/roomSchemas';
import { toRoomView } from '../../lib/rooms/roomView';

/** PUT /api/v1/chat/rooms/{_id}/participants/{role} — an admin gives a room's slot to someone else. */
export const handler = httpRoute<typeof reassignParticipantParams, ReassignParticipantRequest>({
  params: reassignParticipantParams,
  body: reassignParticipantRequest,
  tenantFrom: 'token',
}).handler(async (event) => {
  const room = await reassignParticipant(event.tenant, event.actor, event.params._id, event.params.role, event.body.user_id);
  return json(200, { message: 'Participant reassigned', roomData: toRoomView(room, participantRoleOf(event.actor)), status: 200 } satisfies ReassignParticipantResponse);
});
