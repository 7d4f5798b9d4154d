import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { ParticipantRole } from '../rooms/chatType';
import type { ReadCursor } from '../rooms/readState';
import type { Room } from '../rooms/room';
import { documentClient } from './client';
import { unlessConditionFails } from './conditions';
import { roomKey, type TenantKeyScope } from './keys';
import { toRoom } from './rooms';

/**
 * Move a participant's read cursor forward: one UpdateItem, conditional on this room incarnation
 * and on the cursor being behind (ULIDs sort in time order). The room as it is now, or undefined
 * when nothing moved (an older id, or the room is gone: the caller re-reads to tell which).
 */
export const advanceReadCursor = async (
  tenant: TenantKeyScope,
  ref: string,
  roomId: string,
  role: ParticipantRole,
  cursor: ReadCursor,
): Promise<Room | undefined> => {
  return unlessConditionFails(async () => {
    const { Attributes } = await documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: 'SET #read = :cursor',
        ConditionExpression: '#id = :roomId AND (attribute_not_exists(#read) OR #read.message_id < :messageId)',
        ExpressionAttributeNames: { '#id': '_id', '#read': `read_${role}` },
        ExpressionAttributeValues: { ':roomId': roomId, ':cursor': cursor, ':messageId': cursor.message_id },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRoom(Attributes!);
  });
};
