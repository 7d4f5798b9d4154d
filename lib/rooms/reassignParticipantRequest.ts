import * as z from '../zod';
import { platformId } from '../ids';
import { PARTICIPANT_ROLES } from './chatType';
import { roomIdParam } from './roomParams';

/** `PUT /api/v1/chat/rooms/{_id}/participants/{role}`: the room and the slot to reassign. */
export const reassignParticipantParams = z.object({
  _id: roomIdParam,
  role: z.enum(PARTICIPANT_ROLES, { error: `must be one of ${PARTICIPANT_ROLES.join(', ')}` }),
});

/** Its body: who holds the slot from now on. */
export const reassignParticipantRequest = z.object({ user_id: platformId });

export type ReassignParticipantRequest = z.output<typeof reassignParticipantRequest>;
