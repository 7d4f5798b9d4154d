import * as z from '../zod';
import { nameField } from '../fields';
import { cursorParam, limitParam } from '../paging/params';
import { PARTICIPANT_ROLES } from './chatType';
import { chatTypeFilter } from './chatTypeSchema';

/** A room `_id` in a path: 24 lower-case hex, as startChat returns it. */
export const roomIdParam = z
  .string({ error: 'is required' })
  .check(z.regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex room _id'));

/** `GET|POST /api/v1/chat/rooms/{_id}[/...]` without a query: only the room. */
export const roomPathParams = z.object({ _id: roomIdParam });

const statusFilter = z.pipe(
  z.enum(['true', 'false'], { error: 'must be true or false' }),
  z.transform((value: 'true' | 'false') => value === 'true'),
);

/**
 * `GET /api/v1/chat/rooms?limit=&cursor=&type=&status=&agent_db=&role=&user_id=`. `role`/`user_id` name whose
 * rooms to list: an admin must give both; anyone else lists their own (and may only name themselves).
 */
export const listRoomsParams = z.object({
  limit: z._default(limitParam(100), 50),
  cursor: cursorParam,
  type: z.optional(chatTypeFilter),
  status: z.optional(statusFilter),
  agent_db: z.optional(nameField(64)),
  role: z.optional(z.enum(PARTICIPANT_ROLES, { error: `must be one of ${PARTICIPANT_ROLES.join(', ')}` })),
  user_id: z.optional(z.string().check(z.trim(), z.regex(/^[1-9][0-9]*$/, 'must be a positive integer'))),
});

export type ListRoomsParams = z.output<typeof listRoomsParams>;
