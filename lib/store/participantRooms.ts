import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { ChatType, ParticipantRole } from '../rooms/chatType';
import type { Room } from '../rooms/room';
import { documentClient } from './client';
import { ACTIVITY_ATTRIBUTE, isTenantKey, participantIndexKey, PARTICIPANT_INDEX, ROOM_SK, type ItemKey, type TenantKeyScope } from './keys';
import { fitsPageKey, type PageRequest } from './pageRequest';
import { toRoom } from './roomItem';

export interface ParticipantRoomsQuery extends PageRequest {
  role: ParticipantRole;
  userId: string;
  type?: ChatType;
  status?: boolean;
  agentDb?: string;
  /** What one page may read before it answers with a cursor; READ_CAPS unless a test sets others. */
  caps?: ReadCaps;
}

export interface ReadCaps {
  /** Index entries examined. */
  entries: number;
  /** Rooms read. */
  rooms: number;
}

export interface ParticipantRoomsQueryResult {
  rooms: Room[];
  /** Where the next page starts; undefined on the last page. */
  lastKey?: Record<string, string | number>;
}

/**
 * Whether `key` can continue a page of this participant's rooms: the index partition of that
 * participant, plus the keys of a room item of the tenant and its activity minute.
 */
export const isParticipantRoomsPageKey = (
  tenant: TenantKeyScope,
  role: ParticipantRole,
  userId: string,
  key: Record<string, string | number>,
): boolean =>
  fitsPageKey(
    {
      partition: { [PARTICIPANT_INDEX[role].attribute]: participantIndexKey(tenant, role, userId) },
      sort: {
        pk: (pk) => typeof pk === 'string' && isTenantKey(tenant, pk),
        sk: (sk) => sk === ROOM_SK,
        [ACTIVITY_ATTRIBUTE]: (minute) => typeof minute === 'number' && Number.isSafeInteger(minute) && minute >= 0,
      },
    },
    key,
  );

/**
 * How far one filtered page may read before it answers with what it found and a cursor: index
 * entries examined (about 110 bytes each, so 1,000 cost about 14 read units) and rooms read
 * (half a unit each) for a status filter, which the index cannot apply.
 */
export const READ_CAPS: ReadCaps = { entries: 1000, rooms: 300 };
/** Index entries per Query while a filter is on: most may not match. */
const FILTERED_QUERY_LIMIT = 200;
/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_KEYS = 100;

type IndexEntry = Record<string, string | number>;

const queryIndex = async (tenant: TenantKeyScope, query: ParticipantRoomsQuery, limit: number, startKey: PageRequest['startKey']) => {
  const index = PARTICIPANT_INDEX[query.role];
  const filters: string[] = [];
  const names: Record<string, string> = { '#key': index.attribute };
  const values: Record<string, unknown> = { ':key': participantIndexKey(tenant, query.role, query.userId) };
  const filter = (attribute: string, value: unknown) => {
    names[`#f${filters.length}`] = attribute;
    values[`:f${filters.length}`] = value;
    filters.push(`#f${filters.length} = :f${filters.length}`);
  };
  // Both are projected into the index (they never change), so non-matching rooms are never read.
  if (query.type !== undefined) filter('type', query.type);
  if (query.agentDb !== undefined) filter('agent_db', query.agentDb);
  const { Items = [], LastEvaluatedKey, ScannedCount = 0 } = await documentClient(tenant).send(
    new QueryCommand({
      TableName: config.chatTable,
      IndexName: index.name,
      KeyConditionExpression: '#key = :key',
      ...(filters.length > 0 && { FilterExpression: filters.join(' AND ') }),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return { entries: Items as IndexEntry[], next: LastEvaluatedKey as IndexEntry | undefined, examined: ScannedCount };
};

/** The rooms of `keys` by partition (eventually consistent: a listing may be a moment behind). */
const getRooms = async (tenant: TenantKeyScope, keys: ItemKey[]): Promise<Map<string, Room>> => {
  const rooms = new Map<string, Room>();
  for (let start = 0; start < keys.length; start += BATCH_GET_KEYS) {
    let pending: Record<string, unknown>[] = keys.slice(start, start + BATCH_GET_KEYS).map((key) => ({ ...key }));
    while (pending.length > 0) {
      const { Responses, UnprocessedKeys } = await documentClient(tenant).send(
        new BatchGetCommand({ RequestItems: { [config.chatTable]: { Keys: pending } } }),
      );
      for (const item of Responses?.[config.chatTable] ?? []) rooms.set(String(item.pk), toRoom(item));
      pending = UnprocessedKeys?.[config.chatTable]?.Keys ?? [];
    }
  }
  return rooms;
};

/** The index key of an entry: what the next page's Query starts after. */
const keyOf = (entry: IndexEntry, role: ParticipantRole): IndexEntry => {
  const attribute = PARTICIPANT_INDEX[role].attribute;
  return { pk: entry.pk!, sk: entry.sk!, [attribute]: entry[attribute]!, [ACTIVITY_ATTRIBUTE]: entry[ACTIVITY_ATTRIBUTE]! };
};

/**
 * One page of a participant's rooms, newest activity first (to the minute; within a minute by
 * `updated_date`). The role's index gives the order and applies the `type` and `agent_db`
 * filters; the rooms themselves come from one BatchGetItem per page, which is also where a
 * `status` filter applies. Unfiltered, a page is one Query of `limit` entries. Filtered, the
 * Query continues until `limit` rooms match, the index ends, or the read caps are reached; the
 * page then ends at the last entry it used, so the cursor resumes exactly there.
 */
export const queryParticipantRooms = async (tenant: TenantKeyScope, query: ParticipantRoomsQuery): Promise<ParticipantRoomsQueryResult> => {
  const filtered = query.type !== undefined || query.agentDb !== undefined || query.status !== undefined;
  const caps = query.caps ?? READ_CAPS;
  const found: { room: Room; minute: number }[] = [];
  let startKey = query.startKey;
  let examined = 0;
  let read = 0;
  for (;;) {
    const wanted = query.limit - found.length;
    const page = await queryIndex(tenant, query, filtered ? Math.min(Math.max(wanted, FILTERED_QUERY_LIMIT), caps.entries) : wanted, startKey);
    examined += page.examined;
    let used = 0;
    // Rooms are read a page's remaining need at a time, so a status filter reads few extra.
    while (used < page.entries.length && found.length < query.limit && read < caps.rooms) {
      const batch = page.entries.slice(used, used + Math.min(query.limit - found.length, caps.rooms - read));
      for (const entry of batch) {
        if (!isTenantKey(tenant, String(entry.pk))) throw new Error('A participant index returned a key of another tenant');
      }
      const rooms = await getRooms(tenant, batch.map((entry) => ({ pk: String(entry.pk), sk: String(entry.sk) })));
      read += batch.length;
      for (const entry of batch) {
        used++;
        // A room deleted since the index was read is skipped.
        const room = rooms.get(String(entry.pk));
        if (room && (query.status === undefined || room.status === query.status)) found.push({ room, minute: Number(entry[ACTIVITY_ATTRIBUTE]) });
        if (found.length === query.limit) break;
      }
    }
    const lastUsed = used > 0 ? keyOf(page.entries[used - 1]!, query.role) : undefined;
    const exhausted = used === page.entries.length && !page.next;
    const full = found.length === query.limit;
    const capped = examined >= caps.entries || read >= caps.rooms;
    if (exhausted || full || capped) {
      const rooms = found
        .sort((a, b) => b.minute - a.minute || (a.room.updated_date < b.room.updated_date ? 1 : a.room.updated_date > b.room.updated_date ? -1 : 0))
        .map(({ room }) => room);
      return { rooms, lastKey: exhausted ? undefined : used === page.entries.length ? (page.next ?? lastUsed) : lastUsed };
    }
    startKey = page.next;
  }
};
