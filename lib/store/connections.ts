import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { Role } from '../tenancy/tenant';
import { documentClient } from './client';
import { CONNECTION_SK_PREFIX, connectionKey, connectionPartition, type TenantKeyScope } from './keys';

/** A WebSocket connection, stored under the person it authenticated as. */
export interface ConnectionRecord {
  connectionId: string;
  role: Role;
  userId: string;
  connectedAt: string;
  /** Epoch seconds; also the item's TTL (no expiry bucket: cleanup's index never sees it). */
  expiresAt: number;
}

export const putConnection = async (tenant: TenantKeyScope, connection: ConnectionRecord): Promise<void> => {
  await documentClient(tenant).send(
    new PutCommand({
      TableName: config.chatTable,
      Item: {
        ...connectionKey(tenant, connection.role, connection.userId, connection.connectionId),
        connected_at: connection.connectedAt,
        expires_at: connection.expiresAt,
        // A connection is self-contained: DynamoDB's TTL may delete it whenever it likes.
        ...(config.ttlAttribute && { [config.ttlAttribute]: connection.expiresAt }),
      },
    }),
  );
};

/** Idempotent: deleting a connection already gone is a no-op. */
export const deleteConnection = async (tenant: TenantKeyScope, role: Role, userId: string, connectionId: string): Promise<void> => {
  await documentClient(tenant).send(
    new DeleteCommand({ TableName: config.chatTable, Key: connectionKey(tenant, role, userId, connectionId) }),
  );
};

/**
 * The connection ids of one person: one Query on their partition. DynamoDB's TTL deletes expired
 * items late (often days), so expired ones are filtered out here.
 */
export const queryConnectionIds = async (tenant: TenantKeyScope, role: Role, userId: string, nowSeconds: number): Promise<string[]> => {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey } = await documentClient(tenant).send(
      new QueryCommand({
        TableName: config.chatTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'expires_at > :now',
        ProjectionExpression: 'sk',
        ExpressionAttributeValues: { ':pk': connectionPartition(tenant, role, userId), ':prefix': CONNECTION_SK_PREFIX, ':now': nowSeconds },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of Items) ids.push(String(item.sk).slice(CONNECTION_SK_PREFIX.length));
    startKey = LastEvaluatedKey;
  } while (startKey);
  return ids;
};
