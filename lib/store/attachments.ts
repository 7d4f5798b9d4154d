import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AttachmentRecord } from '../attachments/attachment';
import { config } from '../config';
import { documentClient } from './client';
import { attachmentKey, type TenantKeyScope } from './keys';

/*
 * Uploads requested for a room, until they are sent: one item each in the room's partition, with
 * `room` (the room's `_id`) so the cleanup cascade removes it with the room. The item is
 * self-contained (nothing is stored under it), so TTL may remove it on its own once the upload
 * it stands for can no longer be sent.
 */

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
