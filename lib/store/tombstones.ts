import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import { conditionHeld } from './conditions';
import type { ItemKey, TenantKeyScope } from './keys';

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
