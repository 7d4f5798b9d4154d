import * as z from 'zod';
import { nameField } from '../fields';
import { cursorParam, limitParam } from '../http/paging';
import { PARTICIPANT_ROLES } from './chatType';
import { chatTypeFilter } from './chatTypeSchema';

/** A room `_id` in a path: 24 lower-case hex, as startChat returns it. */
export const roomIdParam = z.string({ error: 'is required' }).regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex room _id');

/** `GET|POST /api/v1/chat/rooms/{_id}[/...]` without a query: only the room. */
export const roomPathParams = z.object({ _id: roomIdParam });

const statusFilter = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

/**
 * `GET /api/v1/chat/rooms?limit=&cursor=&type=&status=&agent_db=&role=&user_id=`. `role`/`user_id` name whose
 * rooms to list: an admin must give both; anyone else lists their own (and may only name themselves).
 */
export const listRoomsParams = z.object({
  limit: limitParam(100).default(50),
  cursor: cursorParam,
  type: chatTypeFilter.optional(),
  status: statusFilter.optional(),
  agent_db: nameField(64).optional(),
  role: z.enum(PARTICIPANT_ROLES, { error: `must be one of ${PARTICIPANT_ROLES.join(', ')}` }).optional(),
  user_id: z.string().trim().regex(/^[1-9][0-9]*$/, 'must be a positive integer').optional(),
});

export type RoomPathParams = z.output<typeof roomPathParams>;
export type ListRoomsParams = z.output<typeof listRoomsParams>;
