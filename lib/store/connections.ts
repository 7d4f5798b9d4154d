import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { Role } from '../tenancy/tenant';
import { documentClient } from './client';
import { CONNECTION_SK_PREFIX, connectionKey, connectionPartition, type TenantKeyScope } from './keys';
import { deleteItem, queryAllItems } from './tenantItems';

/** A WebSocket connection, stored under the person it authenticated as. */
export interface ConnectionRecord {
  connectionId: string;
  role: Role;
  userId: string;
  connectedAt: string;
  /**
   * Epoch seconds: the earlier of the token's `exp` and API Gateway's connection limit. Also the
   * item's TTL (no expiry bucket: cleanup's index never sees it), so DynamoDB drops a record whose
   * token expired even if no publication ever meets it.
   */
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
  await deleteItem(tenant, connectionKey(tenant, role, userId, connectionId));
};

/** A stored connection as a publication needs it: where to push, and until when. */
export interface StoredConnection {
  connectionId: string;
  /** Epoch seconds: the earlier of the token's `exp` and API Gateway's connection limit. */
  expiresAt: number;
}

/**
 * The connections of one person, expired ones included: one Query on their partition. DynamoDB's
 * TTL deletes expired items late (often days), so the caller tells them apart by `expiresAt` (the
 * publisher closes and deletes them as it meets them).
 */
export const queryConnections = async (tenant: TenantKeyScope, role: Role, userId: string): Promise<StoredConnection[]> => {
  const items = await queryAllItems(tenant, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ProjectionExpression: 'sk, expires_at',
    ExpressionAttributeValues: { ':pk': connectionPartition(tenant, role, userId), ':prefix': CONNECTION_SK_PREFIX },
  });
  return items.map((item) => ({ connectionId: String(item.sk).slice(CONNECTION_SK_PREFIX.length), expiresAt: Number(item.expires_at) }));
};
