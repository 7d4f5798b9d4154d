import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { ChatType, ParticipantRole } from '../rooms/chatType';
import type { Room } from '../rooms/room';
import { documentClient } from './client';
import { participantIndexKey, PARTICIPANT_INDEX, type TenantKeyScope } from './keys';
import type { PageRequest } from './pageRequest';
import { toRoom } from './rooms';

export interface ParticipantRoomsQuery extends PageRequest {
  role: ParticipantRole;
  userId: string;
  type?: ChatType;
  status?: boolean;
  agentDb?: string;
}

export interface RoomsPage {
  rooms: Room[];
  /** Where the next page starts; undefined on the last page. */
  lastKey?: Record<string, string | number>;
}

/**
 * One page of a participant's rooms, newest activity first: a single Query on the role's index.
 * Filters apply within the page, so a filtered page may hold fewer than `limit` rooms.
 */
export const queryParticipantRooms = async (tenant: TenantKeyScope, query: ParticipantRoomsQuery): Promise<RoomsPage> => {
  const index = PARTICIPANT_INDEX[query.role];
  const filters: string[] = [];
  const names: Record<string, string> = { '#key': index.attribute };
  const values: Record<string, unknown> = { ':key': participantIndexKey(tenant, query.role, query.userId) };
  const filter = (attribute: string, value: unknown) => {
    const n = `#f${filters.length}`;
    const v = `:f${filters.length}`;
    names[n] = attribute;
    values[v] = value;
    filters.push(`${n} = ${v}`);
  };
  if (query.type !== undefined) filter('type', query.type);
  if (query.status !== undefined) filter('status', query.status);
  if (query.agentDb !== undefined) filter('agent_db', query.agentDb);
  const { Items = [], LastEvaluatedKey } = await documentClient(tenant).send(
    new QueryCommand({
      TableName: config.chatTable,
      IndexName: index.name,
      KeyConditionExpression: '#key = :key',
      ...(filters.length > 0 && { FilterExpression: filters.join(' AND ') }),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: query.limit,
      ExclusiveStartKey: query.startKey,
    }),
  );
  return { rooms: Items.map(toRoom), lastKey: LastEvaluatedKey as RoomsPage['lastKey'] };
};
