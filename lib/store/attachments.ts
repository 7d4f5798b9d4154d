import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AttachmentRecord } from '../attachments/attachment';
import { config } from '../config';
import { documentClient } from './client';
import { conditionHeld } from './conditions';
import { attachmentKey, roomKey, type TenantKeyScope } from './keys';

/*
 * Uploads requested for a room, until they are sent: one item each in the room's partition, with
 * `room` (the room's `_id`) so the cleanup cascade removes it with the room. The item is
 * self-contained (nothing is stored under it), so TTL may remove it on its own once the upload
 * it stands for can no longer be sent. And the room's own mark that files may be stored under it.
 */

/**
 * Mark the room incarnation `roomId` as one that may hold files (`has_files`), so that its cleanup
 * deletes them, and only its cleanup lists S3. Set before any form for the room exists, so no file
 * can ever be stored under a room without it; it stays for the incarnation's life, which costs a
 * cleanup one S3 listing of an emptied prefix at worst. One UpdateItem, made only when the room
 * read showed no mark; false if that incarnation is gone.
 */
export const markRoomHoldsFiles = (tenant: TenantKeyScope, ref: string, roomId: string): Promise<boolean> =>
  conditionHeld(() =>
    documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: 'SET #files = :true',
        ConditionExpression: '#id = :roomId',
        ExpressionAttributeNames: { '#files': 'has_files', '#id': '_id' },
        ExpressionAttributeValues: { ':true': true, ':roomId': roomId },
      }),
    ),
  );

const toRecord = (item: Record<string, unknown>): AttachmentRecord => {
  const { pk: _pk, sk: _sk, room: _room, ...record } = item;
  if (config.ttlAttribute) delete record[config.ttlAttribute];
  return record as unknown as AttachmentRecord;
};

/** Store a requested upload (idempotent: the same record twice is one item). */
export const putAttachmentRecord = async (tenant: TenantKeyScope, ref: string, record: AttachmentRecord, purgeAtSeconds: number): Promise<void> => {
  await documentClient(tenant).send(
    new PutCommand({
      TableName: config.chatTable,
      Item: {
        ...attachmentKey(tenant, ref, record._id),
        room: record.room_id,
        ...record,
        ...(config.ttlAttribute && { [config.ttlAttribute]: purgeAtSeconds }),
      },
    }),
  );
};

/** The requested upload `attachmentId` of the room stored under `ref`, whichever incarnation asked for it. */
export const getAttachmentRecord = async (tenant: TenantKeyScope, ref: string, attachmentId: string): Promise<AttachmentRecord | undefined> => {
  const { Item } = await documentClient(tenant).send(
    new GetCommand({ TableName: config.chatTable, Key: attachmentKey(tenant, ref, attachmentId), ConsistentRead: true }),
  );
  return Item ? toRecord(Item) : undefined;
};
