import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import { EXPIRY_HOUR_ATTRIBUTE, EXPIRY_INDEX, expiryBucketOfDay, isTenantKey, type ItemKey, type TenantKeyScope } from './keys';
import type { PageRequest } from './pageRequest';

/** One entry of the byExpiry index: the keys and the room's identity it projects. */
export interface ExpiryEntry extends ItemKey {
  /** The hour at or after the item's expiry: the entry's sort key. */
  expiryHour: number;
  /** A room entry's `_id` and `room_id` (tombstones carry neither). */
  room?: { _id: string; room_id?: string };
}

export interface ExpiryPage {
  entries: ExpiryEntry[];
  /** Where the next page starts; absent on the last page of the bucket. */
  next?: Record<string, unknown>;
}

/**
 * One page of a tenant's index entries of one expiry day that are due at or before `nowSeconds`.
 * The key condition, not a filter, bounds the range, and an entry is never due before its item's
 * expiry, so the store reads only expired entries: what a pass reads grows with what expired, not
 * with the table.
 */
export const queryExpiredPage = async (
  tenant: TenantKeyScope,
  day: string,
  nowSeconds: number,
  options: PageRequest,
): Promise<ExpiryPage> => {
  const { Items = [], LastEvaluatedKey } = await documentClient(tenant).send(
    new QueryCommand({
      TableName: config.chatTable,
      IndexName: EXPIRY_INDEX,
      KeyConditionExpression: 'expiry_bucket = :bucket AND #due <= :now',
      ExpressionAttributeNames: { '#due': EXPIRY_HOUR_ATTRIBUTE },
      ExpressionAttributeValues: { ':bucket': expiryBucketOfDay(tenant, day), ':now': nowSeconds },
      Limit: options.limit,
      ExclusiveStartKey: options.startKey,
    }),
  );
  const entries: ExpiryEntry[] = Items.map((item) => ({
    pk: String(item.pk),
    sk: String(item.sk),
    expiryHour: Number(item[EXPIRY_HOUR_ATTRIBUTE]),
    ...(item._id !== undefined && { room: { _id: String(item._id), ...(item.room_id !== undefined && { room_id: String(item.room_id) }) } }),
  }));
  // The bucket is tenant-prefixed, so this cannot fail; it keeps a bad key from ever reaching a delete.
  for (const entry of entries) {
    if (!isTenantKey(tenant, entry.pk)) throw new Error('byExpiry returned a key of another tenant');
  }
  return { entries, ...(LastEvaluatedKey && { next: LastEvaluatedKey }) };
};
