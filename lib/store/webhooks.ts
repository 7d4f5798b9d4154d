import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import { conditionHeld } from './conditions';
import { webhookDuePartition, webhookDueSortKey, webhookFailedKey, webhookFailedPartition, type ItemKey, type TenantKeyScope } from './keys';
import { deleteItem, queryAllItems } from './tenantItems';

/**
 * Webhook deliveries that are not done yet, and those that ran out of attempts, under the tenant's
 * prefix like all its data. Only deliveries whose first attempt failed are stored: a delivery the
 * endpoint accepts at once writes nothing.
 *
 * Pending: `T#<client_id>#WEBHOOK#DUE#<shard>`, sorted by `<due epoch ms>#<delivery_id>`, so the
 * sweep reads exactly the due ones with one Query per shard. A new attempt time is a new key: the
 * successor is written before the old item is deleted, so a crash between the two leaves an extra
 * attempt (same webhook-id), never a lost one. Shards spread a tenant's backlog (a receiver down
 * under load) over several partitions.
 *
 * Failed: `T#<client_id>#WEBHOOK#FAILED`, keyed by delivery id, dropped by the table's TTL after
 * the retention the caller gives.
 */
const WEBHOOK_QUEUE_SHARDS = 4;

export interface DeliveryRecord {
  /** `<client_id>.<endpoint_id>.<webhook-id>`: one per event and endpoint, the same on every attempt. */
  delivery_id: string;
  endpoint_id: string;
  webhook_id: string;
  event_type: string;
  /** The exact JSON body that is signed and sent on every attempt. */
  body: string;
  /** Attempts made so far. */
  attempts: number;
  /** Epoch ms of the first attempt. */
  first_attempt_at: number;
  last_attempt_at: number;
  last_status?: number;
  last_error?: string;
  /** At most 1 KB of the last answer's body. */
  last_response?: string;
}

export interface PendingDelivery extends DeliveryRecord {
  /** Epoch ms when the next attempt is due. */
  due_at: number;
}

export interface FailedDelivery extends DeliveryRecord {
  /** Epoch ms when it was given up. */
  failed_at: number;
  /** Why no attempt is left: the schedule ran out, or the endpoint was removed or disabled. */
  reason: 'attempts_exhausted' | 'endpoint_removed' | 'endpoint_disabled';
}

const shardOf = (deliveryId: string): number => createHash('sha256').update(deliveryId).digest()[0]! % WEBHOOK_QUEUE_SHARDS;

const pendingKey = (tenant: TenantKeyScope, delivery: Pick<PendingDelivery, 'delivery_id' | 'due_at'>): ItemKey => ({
  pk: webhookDuePartition(tenant, shardOf(delivery.delivery_id)),
  sk: webhookDueSortKey(delivery.due_at, delivery.delivery_id),
});

const RECORD_FIELDS = [
  'delivery_id',
  'endpoint_id',
  'webhook_id',
  'event_type',
  'body',
  'attempts',
  'first_attempt_at',
  'last_attempt_at',
  'last_status',
  'last_error',
  'last_response',
] as const;

const recordOf = (item: Record<string, unknown>): DeliveryRecord =>
  Object.fromEntries(RECORD_FIELDS.filter((field) => item[field] !== undefined).map((field) => [field, item[field]])) as unknown as DeliveryRecord;

export const putPendingDelivery = async (tenant: TenantKeyScope, delivery: PendingDelivery): Promise<void> => {
  await documentClient(tenant).send(
    new PutCommand({ TableName: config.chatTable, Item: { ...pendingKey(tenant, delivery), ...delivery } }),
  );
};

/**
 * Delete a pending item. With `ifPresent`, only if it is still there: false tells a sweep that
 * another one already moved this delivery on (and that its own successor is surplus).
 */
export const deletePendingDelivery = async (
  tenant: TenantKeyScope,
  delivery: Pick<PendingDelivery, 'delivery_id' | 'due_at'>,
  { ifPresent = false } = {},
): Promise<boolean> =>
  conditionHeld(() =>
    documentClient(tenant).send(
      new DeleteCommand({
        TableName: config.chatTable,
        Key: pendingKey(tenant, delivery),
        ...(ifPresent && { ConditionExpression: 'attribute_exists(pk)' }),
      }),
    ),
  );

/** Pending deliveries due at `now` or before, oldest first per shard, at most `limit` in all. */
export const dueDeliveries = async (tenant: TenantKeyScope, now: number, limit: number): Promise<PendingDelivery[]> => {
  const pages = await Promise.all(
    Array.from({ length: WEBHOOK_QUEUE_SHARDS }, async (_, shard) => {
      const { Items = [] } = await documentClient(tenant).send(
        new QueryCommand({
          TableName: config.chatTable,
          KeyConditionExpression: 'pk = :pk AND sk < :after',
          ExpressionAttributeValues: { ':pk': webhookDuePartition(tenant, shard), ':after': webhookDueSortKey(now + 1) },
          Limit: limit,
        }),
      );
      return Items.map((item) => ({ ...recordOf(item), due_at: Number(item.due_at) }));
    }),
  );
  return pages
    .flat()
    .sort((a, b) => a.due_at - b.due_at)
    .slice(0, limit);
};

export const putFailedDelivery = async (tenant: TenantKeyScope, delivery: FailedDelivery, keepUntil: number): Promise<void> => {
  await documentClient(tenant).send(
    new PutCommand({
      TableName: config.chatTable,
      Item: {
        ...webhookFailedKey(tenant, delivery.delivery_id),
        ...delivery,
        keep_until: keepUntil,
        ...(config.ttlAttribute && { [config.ttlAttribute]: Math.ceil(keepUntil / 1000) }),
      },
    }),
  );
};

const failedOf = (item: Record<string, unknown>): FailedDelivery => ({
  ...recordOf(item),
  failed_at: Number(item.failed_at),
  reason: item.reason as FailedDelivery['reason'],
});

/** The tenant's failed deliveries still kept at `now` (the table's TTL deletes late). */
export const listFailedDeliveries = async (tenant: TenantKeyScope, now: number): Promise<FailedDelivery[]> => {
  const items = await queryAllItems(tenant, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': webhookFailedPartition(tenant) },
  });
  return items.filter((item) => Number(item.keep_until) > now).map(failedOf);
};

export const getFailedDelivery = async (tenant: TenantKeyScope, deliveryId: string): Promise<FailedDelivery | undefined> => {
  const { Item } = await documentClient(tenant).send(
    new GetCommand({ TableName: config.chatTable, Key: webhookFailedKey(tenant, deliveryId), ConsistentRead: true }),
  );
  return Item ? failedOf(Item) : undefined;
};

export const deleteFailedDelivery = async (tenant: TenantKeyScope, deliveryId: string): Promise<void> => {
  await deleteItem(tenant, webhookFailedKey(tenant, deliveryId));
};
