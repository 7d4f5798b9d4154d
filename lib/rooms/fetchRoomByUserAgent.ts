import { assertActsAs } from '../tenancy/authorize';
import type { Actor, Tenant } from '../tenancy/tenant';
import type { FetchRoomByUserAgentRequest } from './fetchRoomByUserAgentRequest';
import { listParticipantRooms, type RoomsPage } from './listRooms';

/** Without a `limit`, the platform's clients get the newest 100 rooms: the most one page holds. */
const DEFAULT_LIMIT = 100;

/**
 * `POST /api/room/fetchRoomByUserAgent`: an agent's rooms, newest activity first, optionally filtered.
 * Legacy clients call it once: a filtered call still returns up to `limit` matching rooms.
 */
export const fetchRoomByUserAgent = async (tenant: Tenant, actor: Actor, request: FetchRoomByUserAgentRequest): Promise<RoomsPage> => {
  assertActsAs(actor, request.agent_id, 'agent');
  return listParticipantRooms(tenant, {
    role: 'agent',
    userId: request.agent_id,
    limit: request.limit ?? DEFAULT_LIMIT,
    cursor: request.cursor,
    type: request.type,
    agentDb: request.agent_db,
  });
};
