import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import { unlessConditionFails } from './conditions';
import type { ItemKey, TenantKeyScope } from './keys';

/** What the cascade needs of a deleted room. */
export interface DeletedRoom {
  _id: string;
  room_id?: string;
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
        // The old item names the room (`_id`, `room_id`) without a read of its own.
        ReturnValues: 'ALL_OLD',
      }),
    );
    return { _id: String(Attributes?._id), room_id: Attributes?.room_id === undefined ? undefined : String(Attributes.room_id) };
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
