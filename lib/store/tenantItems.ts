import { DeleteCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import type { ItemKey, TenantKeyScope } from './keys';

/*
 * The plain reads and deletes several of the tenant's aggregates share: every item of a small
 * Query, and unconditional single-item deletes. Each goes through the tenant's guarded client,
 * which holds every key to the tenant's prefix.
 */

/** What a caller says of its Query: everything but the table and the page it starts from. */
export type ChatTableQuery = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/**
 * Every item the Query returns, one request per page until the last. Only for what stays small
 * (one person's claims or connections, a tenant's audit trail or failed deliveries): a long
 * listing is read a page at a time by its caller.
 */
export const queryAllItems = async (tenant: TenantKeyScope, query: ChatTableQuery): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey } = await documentClient(tenant).send(
      new QueryCommand({ ...query, TableName: config.chatTable, ExclusiveStartKey: startKey }),
    );
    items.push(...Items);
    startKey = LastEvaluatedKey;
  } while (startKey);
  return items;
};

/** Deletes one item by its key; deleting an absent item is a success, so a retry is harmless. */
export const deleteItem = async (tenant: TenantKeyScope, key: ItemKey): Promise<void> => {
  await documentClient(tenant).send(new DeleteCommand({ TableName: config.chatTable, Key: { pk: key.pk, sk: key.sk } }));
};

/** Deletes in flight at once. */
const PARALLEL_DELETES = 10;

/**
 * Delete items of the tenant one DeleteItem each: the few claims and connections of one person.
 * One item per request keeps the tenant role's permissions to keyed single-item writes; a batch
 * would need BatchWriteItem too.
 */
export const deleteItems = async (tenant: TenantKeyScope, keys: readonly ItemKey[]): Promise<void> => {
  for (let start = 0; start < keys.length; start += PARALLEL_DELETES) {
    await Promise.all(keys.slice(start, start + PARALLEL_DELETES).map((key) => deleteItem(tenant, key)));
  }
};
