import { AppError } from '../errors';
import { decodeCursor, encodeCursor, type CursorScope } from '../paging/cursor';
import { isParticipantRoomsPageKey, queryParticipantRooms } from '../store/participantRooms';
import { assertActsAs } from '../tenancy/authorize';
import type { Actor, Tenant } from '../tenancy/tenant';
import type { ChatType, ParticipantRole } from './chatType';
import type { Room } from './room';
import { participantRoleOf } from './roomAccess';
import type { ListRoomsParams } from './roomParams';

export interface ParticipantRoomsRequest {
  role: ParticipantRole;
  userId: string;
  limit: number;
  cursor?: string;
  type?: ChatType;
  status?: boolean;
  agentDb?: string;
}

export interface RoomsPage {
  rooms: Room[];
  /** Whose rooms these are: the participant role the unread counts are for. */
  role: ParticipantRole;
  nextCursor: string | null;
}

/** A cursor continues exactly the query that issued it: same participant, same filters. */
const scopeOf = (tenant: Tenant, request: ParticipantRoomsRequest): CursorScope => ({
  tenant: tenant.clientId,
  query: ['rooms', request.role, request.userId, request.type ?? '', request.status ?? '', request.agentDb ?? ''].join(':'),
});

/**
 * One page of a participant's rooms, newest activity first; the caller is already authorized. A
 * filtered page holds up to `limit` matching rooms (see lib/store/participantRooms for its read caps).
 */
export const listParticipantRooms = async (tenant: Tenant, request: ParticipantRoomsRequest): Promise<RoomsPage> => {
  const scope = scopeOf(tenant, request);
  const page = await queryParticipantRooms(tenant, {
    role: request.role,
    userId: request.userId,
    limit: request.limit,
    startKey: await decodeCursor(scope, request.cursor, (key) => isParticipantRoomsPageKey(tenant, request.role, request.userId, key)),
    type: request.type,
    status: request.status,
    agentDb: request.agentDb,
  });
  return { rooms: page.rooms, role: request.role, nextCursor: await encodeCursor(scope, page.lastKey) };
};

/**
 * `GET /api/v1/chat/rooms`: the caller's own rooms. An admin is in no room, so an admin names
 * whose rooms to see (`role` + `user_id`); the tenant-wide view would need an index on one hot
 * partition per tenant, which no endpoint needs yet.
 */
export const listRooms = async (tenant: Tenant, actor: Actor, params: ListRoomsParams): Promise<RoomsPage> => {
  const role = params.role ?? participantRoleOf(actor);
  const userId = params.user_id ?? actor.userId;
  if (!role || (actor.role === 'admin' && params.user_id === undefined)) {
    throw new AppError('VALIDATION_ERROR', 'Request parameters are invalid', [
      ...(role ? [] : [{ path: 'role', message: 'is required for an admin: whose rooms to list (agent, user or vendor)' }]),
      ...(params.user_id === undefined ? [{ path: 'user_id', message: 'is required for an admin: whose rooms to list' }] : []),
    ]);
  }
  assertActsAs(actor, userId, role);
  return listParticipantRooms(tenant, {
    role,
    userId,
    limit: params.limit,
    cursor: params.cursor,
    type: params.type,
    status: params.status,
    agentDb: params.agent_db,
  });
};
