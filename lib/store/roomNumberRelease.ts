import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import { isConditionFailure } from './conditions';
import { roomNumberKey, type TenantKeyScope } from './keys';

/**
 * Free a deleted room's generated number, only if that room holds it: order-number rooms hold
 * none, and a number may already belong to another room. False when there was nothing to free.
 */
export const releaseRoomNumber = async (tenant: TenantKeyScope, roomNumber: string, roomIdOfOwner: string): Promise<boolean> => {
  try {
    await documentClient(tenant).send(
      new DeleteCommand({
        TableName: config.chatTable,
        Key: roomNumberKey(tenant, roomNumber),
        ConditionExpression: '#room = :owner',
        ExpressionAttributeNames: { '#room': 'room' },
        ExpressionAttributeValues: { ':owner': roomIdOfOwner },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};
