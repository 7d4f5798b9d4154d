import type { Actor, Tenant } from '../tenancy/tenant';
import type { Room } from './room';
import { loadRoomFor } from './roomAccess';

/** `GET /api/v1/chat/rooms/{_id}`: one room, for its participants and the tenant's admins. */
export const getRoom = async (tenant: Tenant, actor: Actor, roomId: string): Promise<Room> =>
  (await loadRoomFor(tenant, actor, roomId)).room;
