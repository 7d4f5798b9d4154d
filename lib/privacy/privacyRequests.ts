import * as z from '../zod';
import { optionalField } from '../fields';
import { platformId } from '../ids';
import { cursorParam, limitParam } from '../paging/params';
import { PARTICIPANT_ROLES } from '../rooms/chatType';
import { roomIdParam } from '../rooms/roomParams';

/** Rooms a request may name besides those the person's index finds (rooms they were reassigned out of). */
const MAX_NAMED_ROOMS = 100;

const role = z.enum(PARTICIPANT_ROLES, { error: `must be one of ${PARTICIPANT_ROLES.join(', ')}` });

const roomIds = optionalField(
  z
    .array(roomIdParam, { error: 'must be an array of room _ids' })
    .check(z.maxLength(MAX_NAMED_ROOMS, `must name at most ${MAX_NAMED_ROOMS} rooms`))
    .check(
      z.describe(
        "Rooms to include that the person no longer holds a slot in (they were reassigned out of them): the per-role index only finds the rooms whose slot is theirs now.",
      ),
    ),
);

/** `POST /api/v1/chat/privacy/exports`: whose data, and which page of their rooms. */
export const exportPersonRequest = z
  .object({
    role,
    user_id: platformId,
    room_ids: roomIds,
    limit: z._default(limitParam(50), 20).check(z.describe('Rooms per page')),
    cursor: cursorParam,
  })
  .check(
    z.superRefine((body, ctx) => {
      if (body.cursor !== undefined && body.room_ids !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['room_ids'], message: 'named rooms come with the first page: send them without a cursor' });
      }
    }),
  );

/** `POST /api/v1/chat/privacy/erasures`: whose data. */
export const erasePersonRequest = z.object({ role, user_id: platformId, room_ids: roomIds });

export type ExportPersonRequest = z.output<typeof exportPersonRequest>;
export type ErasePersonRequest = z.output<typeof erasePersonRequest>;
