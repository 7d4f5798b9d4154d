import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import { conditionHeld } from './conditions';
import { roomNumberKey, type TenantKeyScope } from './keys';

/**
 * Room-number reservations: one item per number in use within a tenant, naming its owner. A
 * generated number is owned by its room's `_id`; an order number by its order (all the order's
 * conversations share it), so a generated number can never take an order's number.
 */
export const orderNumberOwner = (orderId: string): string => `ORDER#${orderId}`;

export const isOrderOwner = (owner: string): boolean => owner.startsWith('ORDER#');

/**
 * Make `holder` the number's holder if `condition` holds of its current holder (`#room`, compared
 * with `:expected`): one conditional Put, true if it was written.
 */
const putHolder = (tenant: TenantKeyScope, roomNumber: string, holder: string, condition: string, expected: string): Promise<boolean> =>
  conditionHeld(() =>
    documentClient(tenant).send(
      new PutCommand({
        TableName: config.chatTable,
        Item: { ...roomNumberKey(tenant, roomNumber), room: holder },
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#room': 'room' },
        ExpressionAttributeValues: { ':expected': expected },
      }),
    ),
  );

/** Reserve `roomNumber` for `owner`: true if it is now theirs (also when it already was). */
export const reserveRoomNumber = (tenant: TenantKeyScope, roomNumber: string, owner: string): Promise<boolean> =>
  putHolder(tenant, roomNumber, owner, 'attribute_not_exists(pk) OR #room = :expected', owner);

/** Who holds `roomNumber`, if anyone. */
export const roomNumberOwner = async (tenant: TenantKeyScope, roomNumber: string): Promise<string | undefined> => {
  const { Item } = await documentClient(tenant).send(
    new GetCommand({ TableName: config.chatTable, Key: roomNumberKey(tenant, roomNumber), ConsistentRead: true }),
  );
  return Item?.room as string | undefined;
};

/** Hand `roomNumber` from `from` to `to`, only if `from` still holds it. */
export const transferRoomNumber = (tenant: TenantKeyScope, roomNumber: string, from: string, to: string): Promise<boolean> =>
  putHolder(tenant, roomNumber, to, '#room = :expected', from);

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
