/**
 * DynamoDB's TTL deletes items without any cascade. Simulate it the way it behaves (every item
 * whose TTL attribute has passed is deleted, whatever it is) and check that nothing of an expired
 * room is left once the cleanup pass has run: TTL may only ever take self-contained items.
 */
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { createDocumentClient } from '../../lib/store/client';
import { connectionKey, roomNumberKey, tenantPrefix } from '../../lib/store/keys';
import { putConnection } from '../../lib/store/connections';
import type { Tenant } from '../../lib/tenancy/tenant';
import { loadServerlessConfig } from '../../scripts/local/serverlessConfig';
import { at, cleanup, getItem, newTenant, partitionItems, refOf, startRoom, T0 } from './cleanupFixtures';

/** The TTL attribute as serverless.yml declares it for the chat table. */
const ttlAttribute = (): string => {
  const resources = loadServerlessConfig().resources as any;
  return resources.Resources.ChatTable.Properties.TimeToLiveSpecification.AttributeName;
};

/** What DynamoDB's TTL would do by `now`: delete every item of the tenant whose TTL attribute has passed. */
const expireLikeTtl = async (tenant: Tenant, attribute: string, now: Date): Promise<number> => {
  const raw = createDocumentClient(); // a test-only Scan, outside the tenant guard
  let deleted = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await raw.send(
      new ScanCommand({
        TableName: config.chatTable,
        FilterExpression: 'begins_with(pk, :tenant) AND #ttl <= :now',
        ExpressionAttributeNames: { '#ttl': attribute },
        ExpressionAttributeValues: { ':tenant': tenantPrefix(tenant), ':now': Math.floor(now.getTime() / 1000) },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      await raw.send(new DeleteCommand({ TableName: config.chatTable, Key: { pk: item.pk, sk: item.sk } }));
      deleted++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return deleted;
};

describe('DynamoDB TTL', () => {
  const previous = process.env.TTL_ATTRIBUTE;
  beforeAll(() => {
    process.env.TTL_ATTRIBUTE = ttlAttribute(); // as serverless.yml gives it to every function
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.TTL_ATTRIBUTE;
    else process.env.TTL_ATTRIBUTE = previous;
  });

  it('is not the room attribute byExpiry and cleanup use', () => {
    expect(ttlAttribute()).not.toBe('expires_at');
  });

  it('deleting what it may, then a cleanup pass, leaves nothing of an expired room', async () => {
    const tenant = await newTenant(1);
    const room = await startRoom(tenant, T0);
    const admin = { role: 'admin' as const, userId: '1' };
    for (let i = 0; i < 3; i++) {
      await sendMessage(tenant, admin, room._id, sendMessageRequest.parse({ text: `m${i}`, client_message_id: `c${i}` }), at(T0, 0, i));
    }
    const connection = { connectionId: 'conn-1', role: 'admin' as const, userId: '1', connectedAt: T0.toISOString(), expiresAt: Math.floor(T0.getTime() / 1000) + 3600 };
    await putConnection(tenant, connection);

    // Long after every expiry, TTL has deleted everything it is allowed to: the connection only.
    const muchLater = at(T0, 3650);
    expect(await expireLikeTtl(tenant, ttlAttribute(), muchLater)).toBe(1);
    expect(await getItem(tenant, connectionKey(tenant, 'admin', '1', 'conn-1'))).toBeUndefined();
    expect((await partitionItems(tenant, refOf(room))).length).toBeGreaterThan(0);

    await cleanup([tenant], at(T0, 2));
    expect(await partitionItems(tenant, refOf(room))).toEqual([]);
    expect(await getItem(tenant, roomNumberKey(tenant, room.room_id))).toBeUndefined();
  });
});
