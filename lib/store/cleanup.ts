import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import { conditionHeld, unlessConditionFails } from './conditions';
import {
  cleanupCursorKey,
  EXPIRY_HOUR_ATTRIBUTE,
  EXPIRY_INDEX,
  expiryBucketOfDay,
  isTenantKey,
  roomPartition,
  type ItemKey,
  type TenantKeyScope,
} from './keys';
import type { PageRequest } from './pageRequest';

/*
 * What the cleanup pass stores and reads: its per-tenant cursor, pages of the byExpiry index, the
 * conditional delete of an expired room, the items under a room, the tombstone that stands for a
 * deleted room until its children are gone, and batched deletes.
 */

/** The first expiry day (`YYYY-MM-DD`, UTC) of the tenant not yet fully cleaned, if recorded. */
export const getCleanupCursor = async (tenant: TenantKeyScope): Promise<string | undefined> => {
  const { Item } = await documentClient(tenant).send(
    new GetCommand({ TableName: config.chatTable, Key: cleanupCursorKey(tenant), ConsistentRead: true }),
  );
  return typeof Item?.next_day === 'string' ? Item.next_day : undefined;
};

/**
 * Record progress; the cursor only moves forward, so a slower concurrent pass cannot move it
 * back over days another pass already finished. False if it was already at or past `nextDay`.
 */
export const advanceCleanupCursor = async (tenant: TenantKeyScope, nextDay: string, at: Date): Promise<boolean> => {
  return conditionHeld(async () => {
    await documentClient(tenant).send(
      new PutCommand({
        TableName: config.chatTable,
        Item: { ...cleanupCursorKey(tenant), next_day: nextDay, updated_date: at.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR next_day < :next',
        ExpressionAttributeValues: { ':next': nextDay },
      }),
    );
  });
};

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

/** What the cascade needs of a deleted room. */
export interface DeletedRoom {
  _id: string;
  room_id?: string;
  /** The room was marked as one that may hold files (lib/store/attachments.ts): only then is S3 listed. */
  hasFiles: boolean;
}

/**
 * Delete the room incarnation `roomId` only if it is still expired at `selectedAt` (epoch
 * seconds), the time it was selected at: a room touched since (startChat, a message, a close)
 * expires after that and survives, a room recreated in the partition is another incarnation, and
 * of two passes deleting the same room exactly one succeeds. Undefined when the condition failed.
 */
export const deleteRoomIfExpiredAt = async (
  tenant: TenantKeyScope,
  key: ItemKey,
  roomId: string,
  selectedAt: number,
): Promise<DeletedRoom | undefined> => {
  return unlessConditionFails(async () => {
    const { Attributes } = await documentClient(tenant).send(
      new DeleteCommand({
        TableName: config.chatTable,
        Key: { pk: key.pk, sk: key.sk },
        ConditionExpression: 'expires_at <= :selected AND #id = :id',
        ExpressionAttributeNames: { '#id': '_id' },
        ExpressionAttributeValues: { ':selected': selectedAt, ':id': roomId },
        // The old item names the room (`_id`, `room_id`) and tells whether it may hold files, without a read of its own.
        ReturnValues: 'ALL_OLD',
      }),
    );
    return {
      _id: String(Attributes?._id),
      room_id: Attributes?.room_id === undefined ? undefined : String(Attributes.room_id),
      hasFiles: Attributes?.has_files === true,
    };
  });
};

/** The `_id` of the room incarnation stored under `key` now, if any (a strongly consistent read). */
export const storedRoomId = async (tenant: TenantKeyScope, key: ItemKey): Promise<string | undefined> => {
  const { Item } = await documentClient(tenant).send(
    new GetCommand({
      TableName: config.chatTable,
      Key: { pk: key.pk, sk: key.sk },
      ProjectionExpression: '#id',
      ExpressionAttributeNames: { '#id': '_id' },
      ConsistentRead: true,
    }),
  );
  return Item?._id === undefined ? undefined : String(Item._id);
};

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

/** A deleted room whose children may still exist (see keys.ts `roomTombstoneKey`). */
export interface RoomTombstone {
  /** The deleted room's `_id` (its children carry it as `room`; the tombstone must not, or the cascade would list it). */
  deleted_room: string;
  room_id?: string;
}

export const putTombstone = async (
  tenant: TenantKeyScope,
  key: ItemKey,
  tombstone: RoomTombstone & { expiry_bucket: string; expiry_hour: number },
): Promise<void> => {
  await documentClient(tenant).send(new PutCommand({ TableName: config.chatTable, Item: { ...key, ...tombstone } }));
};

export const getTombstone = async (tenant: TenantKeyScope, key: ItemKey): Promise<RoomTombstone | undefined> => {
  const { Item } = await documentClient(tenant).send(new GetCommand({ TableName: config.chatTable, Key: key, ConsistentRead: true }));
  if (!Item) return undefined;
  return { deleted_room: String(Item.deleted_room), room_id: Item.room_id === undefined ? undefined : String(Item.room_id) };
};

/** Removed last, once the cascade is done; false if a concurrent pass removed it first. */
export const deleteTombstone = async (tenant: TenantKeyScope, key: ItemKey): Promise<boolean> => {
  return conditionHeld(async () => {
    await documentClient(tenant).send(
      new DeleteCommand({ TableName: config.chatTable, Key: key, ConditionExpression: 'attribute_exists(pk)' }),
    );
  });
};

/** DynamoDB's limit of requests in one BatchWriteItem. */
export const BATCH_WRITE_MAX = 25;

export interface BatchDeleteOptions {
  /** Sends of one batch before giving up on what is still unprocessed. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface BatchDeleteResult {
  /** Delete requests accepted by the store (deleting an absent item is accepted too). */
  deleted: number;
  /** Re-sends of items the store returned as unprocessed. */
  retries: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Delete items in batches of at most 25. The store may accept part of a batch and hand the rest
 * back as UnprocessedItems (throttling); those are sent again after an exponential, jittered
 * pause, as AWS advises, until accepted or `maxAttempts` sends were made.
 */
export const batchDelete = async (
  tenant: TenantKeyScope,
  keys: readonly ItemKey[], options: BatchDeleteOptions = {}): Promise<BatchDeleteResult> => {
  const { maxAttempts = 8, baseDelayMs = 50, maxDelayMs = 5_000, sleep = pause } = options;
  const table = config.chatTable;
  let retries = 0;
  for (let start = 0; start < keys.length; start += BATCH_WRITE_MAX) {
    let requests = keys.slice(start, start + BATCH_WRITE_MAX).map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
    for (let attempt = 1; ; attempt++) {
      const { UnprocessedItems } = await documentClient(tenant).send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      const unprocessed = UnprocessedItems?.[table] ?? [];
      if (unprocessed.length === 0) break;
      if (attempt >= maxAttempts) {
        throw new Error(`BatchWriteItem left ${unprocessed.length} deletes unprocessed after ${attempt} attempts`);
      }
      retries += unprocessed.length;
      requests = unprocessed as typeof requests;
      // Full jitter: concurrent passes that were throttled together do not retry together.
      await sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
    }
  }
  return { deleted: keys.length, retries };
};
