import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../lib/config';
import type { PersonRef } from '../lib/privacy/person';
import { createDocumentClient } from '../lib/store/client';
import { messageDedupePrefix, roomPartition, type TenantKeyScope } from '../lib/store/keys';

/**
 * The operator's `--scan` (npm run privacy): the room partitions of a tenant that hold messages
 * or `client_message_id` claims of a person, found by reading the whole table. It finds the rooms
 * no index leads to: those the person was reassigned out of, which the platform may not remember.
 *
 * Only the CLI uses it, on an operator's explicit request, which is why it lives here and not in
 * lib/: a Scan reads every item of every tenant, so its cost grows with the table, not with the
 * person, and no function may do that. The tenant-scoped clients refuse Scans
 * (lib/store/tenantGuard.ts); this reads with the operator's own client, filters to the tenant's
 * room partitions in the request, and returns only partition references, from which every read and
 * write goes through the tenant's guarded client again.
 */
export const scanRoomRefsOfPerson = async (
  tenant: TenantKeyScope,
  person: PersonRef,
  client: DynamoDBDocumentClient = createDocumentClient(),
): Promise<{ refs: string[]; itemsRead: number }> => {
  const rooms = roomPartition(tenant, '');
  const claims = messageDedupePrefix({ type: person.role, id: person.userId });
  const refs = new Set<string>();
  let itemsRead = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const { Items = [], LastEvaluatedKey, ScannedCount = 0 } = await client.send(
      new ScanCommand({
        TableName: config.chatTable,
        FilterExpression: 'begins_with(pk, :rooms) AND ((sender_id = :userId AND sender_type = :role) OR begins_with(sk, :claims))',
        ProjectionExpression: 'pk',
        ExpressionAttributeValues: { ':rooms': rooms, ':userId': person.userId, ':role': person.role, ':claims': claims },
        ExclusiveStartKey: startKey,
      }),
    );
    itemsRead += ScannedCount;
    for (const item of Items) refs.add(String(item.pk).slice(rooms.length));
    startKey = LastEvaluatedKey;
  } while (startKey);
  return { refs: [...refs], itemsRead };
};
