import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import { PLAYGROUND_WEBHOOK_RECEIVED_SK_PREFIX, playgroundWebhookCountKey, playgroundWebhookPartition, playgroundWebhookReceivedKey, type TenantKeyScope } from './keys';

/**
 * What the local stack's webhook receiver (the playground's, local stage only) was sent, under the
 * tenant's prefix like all its data: `T#<client_id>#PLAYGROUND_WEBHOOK`, one item per delivery
 * received (`AT#<epoch ms>#<webhook-id>#<attempt>`, newest last) and one count per webhook-id (`ID#…`), which
 * numbers the attempts as the receiver sees them. Items are only ever added, never rewritten, but
 * for a count. Kept a day where the table has a TTL; the embedded store has none (`npm run reset`).
 */
export interface ReceivedWebhook {
  webhook_id: string;
  /** The body's `type`, or "" when the body has none. */
  type: string;
  /** Which copy of this webhook-id this is, as the receiver counts them (1 on the first attempt). */
  attempt: number;
  /** Whether `webhook-signature` verified with a secret of the tenant's endpoint for this receiver. */
  verified: boolean;
  /** Epoch ms. */
  received_at: number;
  /** The body as received (at most BODY_KEPT characters). */
  body: string;
}

const KEPT_SECONDS = 24 * 3600;
const BODY_KEPT = 8 * 1024;

const expiry = (receivedAt: number) => (config.ttlAttribute ? { [config.ttlAttribute]: Math.ceil(receivedAt / 1000) + KEPT_SECONDS } : {});

/** Count one more copy of `webhookId` received: its attempt number. */
export const countWebhookCopy = async (tenant: TenantKeyScope, webhookId: string, receivedAt: number): Promise<number> => {
  const ttl = expiry(receivedAt);
  const [ttlName] = Object.keys(ttl);
  const { Attributes } = await documentClient(tenant).send(
    new UpdateCommand({
      TableName: config.chatTable,
      Key: playgroundWebhookCountKey(tenant, webhookId),
      UpdateExpression: ttlName ? 'SET #ttl = :ttl ADD copies :one' : 'ADD copies :one',
      ...(ttlName && { ExpressionAttributeNames: { '#ttl': ttlName } }),
      ExpressionAttributeValues: { ':one': 1, ...(ttlName && { ':ttl': ttl[ttlName] }) },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.copies ?? 1);
};

export const putReceivedWebhook = async (tenant: TenantKeyScope, received: ReceivedWebhook): Promise<void> => {
  await documentClient(tenant).send(
    new PutCommand({
      TableName: config.chatTable,
      Item: {
        ...playgroundWebhookReceivedKey(tenant, received),
        ...received,
        body: received.body.slice(0, BODY_KEPT),
        ...expiry(received.received_at),
      },
    }),
  );
};

/** The `limit` deliveries received last, newest first. */
export const listReceivedWebhooks = async (tenant: TenantKeyScope, limit: number): Promise<ReceivedWebhook[]> => {
  const { Items = [] } = await documentClient(tenant).send(
    new QueryCommand({
      TableName: config.chatTable,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :at)',
      ExpressionAttributeValues: { ':pk': playgroundWebhookPartition(tenant), ':at': PLAYGROUND_WEBHOOK_RECEIVED_SK_PREFIX },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items.map((item) => ({
    webhook_id: String(item.webhook_id),
    type: String(item.type ?? ''),
    attempt: Number(item.attempt),
    verified: item.verified === true,
    received_at: Number(item.received_at),
    body: String(item.body ?? ''),
  }));
};
