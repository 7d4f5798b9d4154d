import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import { roomPartition, type ItemKey, type TenantKeyScope } from './keys';
import type { PageRequest } from './pageRequest';

export interface ChildrenPage {
  keys: ItemKey[];
  next?: Record<string, unknown>;
}

/**
 * One page of the items stored under one room (messages, dedupe markers, …): those in the
 * room's partition whose `room` is that room's `_id`. Matching the `_id`, not the partition,
 * leaves alone a room recreated later in the same partition and everything under it.
 * (A tombstone names its room under another attribute, so it is not listed: it goes last.)
 */
export const queryRoomChildrenPage = async (
  tenant: TenantKeyScope,
  ref: string,
  roomId: string,
  options: PageRequest,
): Promise<ChildrenPage> => {
  const { Items = [], LastEvaluatedKey } = await documentClient(tenant).send(
    new QueryCommand({
      TableName: config.chatTable,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#room = :room',
      ProjectionExpression: 'pk, sk',
      ExpressionAttributeNames: { '#room': 'room' },
      ExpressionAttributeValues: { ':pk': roomPartition(tenant, ref), ':room': roomId },
      ConsistentRead: true,
      Limit: options.limit,
      ExclusiveStartKey: options.startKey,
    }),
  );
  const keys = Items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
  return { keys, ...(LastEvaluatedKey && { next: LastEvaluatedKey }) };
};
