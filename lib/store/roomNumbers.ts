import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import { conditionHeld } from './conditions';
import { roomNumberKey, type TenantKeyScope } from './keys';

/**
 * Room-number reservations: one item per number in use within a tenant, naming its owner. A
 * generated number is owned by its room's `_id`; an order number by its order (all the order's
 * conversations share it). A reservation never changes hands: the first owner keeps it until
 * cleanup frees a generated number with its room.
 */
export const orderNumberOwner = (orderId: string): string => `ORDER#${orderId}`;

/** Reserve `roomNumber` for `owner` with one conditional Put: true if it is now theirs (also when it already was). */
export const reserveRoomNumber = (tenant: TenantKeyScope, roomNumber: string, owner: string): Promise<boolean> =>
  conditionHeld(() =>
    documentClient(tenant).send(
      new PutCommand({
        TableName: config.chatTable,
        Item: { ...roomNumberKey(tenant, roomNumber), room: owner },
        ConditionExpression: 'attribute_not_exists(pk) OR #room = :owner',
        ExpressionAttributeNames: { '#room': 'room' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    ),
  );

/**
 * Free a room's generated number, only if that room holds it: order-number rooms hold none, and
 * a number may already belong to another room. False when there was nothing to free.
 */
export const releaseRoomNumber = (tenant: TenantKeyScope, roomNumber: string, roomIdOfOwner: string): Promise<boolean> =>
  conditionHeld(() =>
    documentClient(tenant).send(
      new DeleteCommand({
        TableName: config.chatTable,
        Key: roomNumberKey(tenant, roomNumber),
        ConditionExpression: '#room = :owner',
        ExpressionAttributeNames: { '#room': 'room' },
        ExpressionAttributeValues: { ':owner': roomIdOfOwner },
      }),
    ),
  );
