import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { ParticipantRole } from '../rooms/chatType';
import type { ReadCursor } from '../rooms/readState';
import type { Room } from '../rooms/room';
import type { Role } from '../tenancy/tenant';
import { documentClient } from './client';
import { isConditionFailure } from './conditions';
import { roomKey, type TenantKeyScope } from './keys';
import { toRoom } from './rooms';

/**
 * Count a message whose room touch lost to a newer message's (which already moved the preview and
 * the activity time): only the counters, conditional on this incarnation. Not when the preview is
 * this very message, i.e. the touch of an earlier attempt of the same send already counted it.
 */
export const countMessageOnRoom = async (
  tenant: TenantKeyScope,
  ref: string,
  roomId: string,
  message: { _id: string; sender_type: Role },
): Promise<Room | undefined> => {
  try {
    const { Attributes } = await documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: 'ADD message_count :one, #sent :one',
        ConditionExpression: '#id = :roomId AND last_message.#id <> :messageId',
        ExpressionAttributeNames: { '#id': '_id', '#sent': `sent_${message.sender_type}` },
        ExpressionAttributeValues: { ':roomId': roomId, ':messageId': message._id, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRoom(Attributes!);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

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
  try {
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
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};
