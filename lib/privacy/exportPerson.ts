import { decodeCursor, encodeCursor, type CursorScope } from '../paging/cursor';
import { SLOT_OF_ROLE } from '../rooms/chatType';
import type { Room } from '../rooms/room';
import { isParticipantRoomsPageKey } from '../store/participantRooms';
import {
  queryIndexedRoomRefs,
  queryPersonConnections,
  queryPersonMessages,
  readRoomOfPerson,
  type RoomOfPerson,
  type StoredMessage,
} from '../store/privacy';
import type { TenantKeyScope } from '../store/keys';
import type { Actor } from '../tenancy/tenant';
import { adminOnly, PERSON_EXPORT_FORMAT, roomRefsOf, type PersonRef } from './person';
import type { ExportedMessage, ExportedRoom, PersonExport } from './privacySchemas';
import type { ExportPersonRequest } from './privacyRequests';

/** Every message the person sent in the room's partition, oldest first. */
const messagesOf = async (tenant: TenantKeyScope, ref: string, person: PersonRef): Promise<ExportedMessage[]> => {
  const messages: ExportedMessage[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryPersonMessages(tenant, ref, person, startKey);
    messages.push(...page.messages.map(exportedMessage));
    startKey = page.next;
  } while (startKey);
  return messages;
};

const exportedMessage = (message: StoredMessage): ExportedMessage => ({
  _id: message._id,
  room_id: message.room_id,
  ...(message.text !== undefined && { text: message.text }),
  ...(message.client_message_id !== undefined && { client_message_id: message.client_message_id }),
  created_date: message.created_date,
  ...(message.deleted && { deleted: true, ...(message.deleted_date !== undefined && { deleted_date: message.deleted_date }) }),
});

const roomFields = (room: Room) => ({
  _id: room._id,
  room_id: room.room_id,
  type: room.type,
  order_id: room.order_id,
  order_vendor_id: room.order_vendor_id,
  vendor_id: room.vendor_id,
  agent_db: room.agent_db,
  status: room.status,
  created_date: room.created_date,
  updated_date: room.updated_date,
});

/**
 * One room as the person's export holds it: as a current participant (their seat, profile and
 * read cursor), or as a former one (only their messages remain there). A room they were never in
 * (nothing of theirs stored) is left out.
 */
const exportRoom = async (tenant: TenantKeyScope, ref: string, person: PersonRef, found: RoomOfPerson): Promise<ExportedRoom | undefined> => {
  const { room, indexed } = found;
  const messages = await messagesOf(tenant, ref, person);
  if (!indexed && messages.length === 0 && found.rateAttributes.length === 0) return undefined;
  const participant = indexed && room[SLOT_OF_ROLE[person.role]] === person.userId ? room.participants[person.role] : undefined;
  const profile = participant && {
    ...(participant.username !== undefined && { username: participant.username }),
    ...(participant.email !== undefined && { email: participant.email }),
    ...(participant.phone_num !== undefined && { phone_num: participant.phone_num }),
    ...(participant.display_image !== undefined && { display_image: participant.display_image }),
  };
  const cursor = participant ? room[`read_${person.role}`] : undefined;
  return {
    ...roomFields(room),
    participation: indexed ? 'current' : 'former',
    seat: participant ? { _id: participant._id, created_date: participant.created_date } : null,
    profile: profile && Object.keys(profile).length > 0 ? profile : null,
    read_cursor: cursor ? { message_id: cursor.message_id, seen: Number(cursor.seen) } : null,
    messages,
  };
};

export interface ExportPageRequest {
  /** Room partitions named by the caller that the index may not find (exported on the first page only). */
  roomRefs?: readonly string[];
  /** Index entries to read for this page. */
  limit: number;
  /** Where the previous page of the index ended; absent on the first page. */
  startKey?: Record<string, unknown>;
  now?: Date;
}

export interface ExportPage {
  exportData: PersonExport;
  /** Where the next page starts; undefined on the last. */
  lastKey?: Record<string, string | number>;
}

/**
 * One page of a person's export: on the first page, their connections and the named rooms they no
 * longer hold; then the rooms of one page of their role's index (the rooms whose slot is theirs).
 * What it reads grows with the person's rooms and those rooms' messages, never with the table.
 */
export const exportPersonPage = async (tenant: TenantKeyScope, person: PersonRef, request: ExportPageRequest): Promise<ExportPage> => {
  const first = request.startKey === undefined;
  const rooms: ExportedRoom[] = [];
  if (first) {
    for (const ref of new Set(request.roomRefs ?? [])) {
      const found = await readRoomOfPerson(tenant, ref, person);
      // A room whose slot is theirs comes with the index's pages.
      if (!found || found.indexed) continue;
      const exported = await exportRoom(tenant, ref, person, found);
      if (exported) rooms.push(exported);
    }
  }
  const page = await queryIndexedRoomRefs(tenant, person, { limit: request.limit, startKey: request.startKey });
  for (const ref of page.refs) {
    const found = await readRoomOfPerson(tenant, ref, person);
    // The index is read eventually consistently: a room that left it a moment ago is not theirs.
    if (!found?.indexed) continue;
    const exported = await exportRoom(tenant, ref, person, found);
    if (exported) rooms.push(exported);
  }
  const connections = first ? await queryPersonConnections(tenant, person) : [];
  return {
    exportData: {
      format: PERSON_EXPORT_FORMAT,
      client_id: tenant.clientId,
      person: { role: person.role, user_id: person.userId },
      exported_date: (request.now ?? new Date()).toISOString(),
      connections: connections.map(({ connected_at, expires_at }) => ({
        ...(connected_at !== undefined && { connected_at }),
        ...(expires_at !== undefined && { expires_at }),
      })),
      rooms,
    },
    lastKey: page.next,
  };
};

/** The whole export in one document, page after page (the CLI's: no response size to keep under). */
export const exportPerson = async (tenant: TenantKeyScope, person: PersonRef, options: { roomRefs?: readonly string[]; now?: Date } = {}) => {
  const first = await exportPersonPage(tenant, person, { roomRefs: options.roomRefs, limit: 100, now: options.now });
  const exportData = first.exportData;
  let startKey = first.lastKey;
  while (startKey) {
    const page = await exportPersonPage(tenant, person, { limit: 100, startKey, now: options.now });
    exportData.rooms.push(...page.exportData.rooms);
    startKey = page.lastKey;
  }
  return exportData;
};

const scopeOf = (tenant: TenantKeyScope, person: PersonRef): CursorScope => ({
  tenant: tenant.clientId,
  query: `privacy-export:${person.role}:${person.userId}`,
});

/**
 * `POST /api/v1/chat/privacy/exports`: a tenant admin exports one person's data, a page of rooms
 * at a time; the cursor is bound to the tenant and the person.
 */
export const exportPersonForAdmin = async (
  tenant: TenantKeyScope,
  actor: Actor,
  request: ExportPersonRequest,
): Promise<{ exportData: PersonExport; nextCursor: string | null }> => {
  adminOnly(actor, "export a person's data");
  const person: PersonRef = { role: request.role, userId: request.user_id };
  const scope = scopeOf(tenant, person);
  const startKey = await decodeCursor(scope, request.cursor, (key) => isParticipantRoomsPageKey(tenant, person.role, person.userId, key));
  const page = await exportPersonPage(tenant, person, { roomRefs: roomRefsOf(request.room_ids), limit: request.limit, startKey });
  return { exportData: page.exportData, nextCursor: await encodeCursor(scope, page.lastKey) };
};
