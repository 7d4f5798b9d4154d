import * as z from '../zod';
import { nameField as name, optionalField as optional } from '../fields';
import { platformId } from '../ids';
import { cursorParam, limitParam } from '../paging/params';
import { rolesOf } from './chatType';
import { chatTypeFilter } from './chatTypeSchema';

/**
 * `POST /api/room/fetchRoomByUserAgent`: the platform's body (`sub_domain`, `client_id`,
 * `agent_id`, `agent_db`, `type`) plus the `limit`/`cursor` paging extension. `agent_db` and
 * `type` filter the agent's rooms; `db_name`, if a client sends it, must be the tenant's.
 */
export const fetchRoomByUserAgentRequest = z.object({
  sub_domain: name(253),
  client_id: platformId,
  db_name: optional(name(64)),
  agent_id: platformId,
  agent_db: optional(name(64)),
  type: optional(
    chatTypeFilter.check(z.refine((type) => rolesOf(type).includes('agent'), 'must be a conversation type with an agent')),
  ),
  // Legacy clients page nothing: without a limit they get the newest 100 rooms, the most a page holds.
  limit: optional(limitParam(100)),
  cursor: optional(cursorParam),
});

export type FetchRoomByUserAgentRequest = z.output<typeof fetchRoomByUserAgentRequest>;
