import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import { conditionHeld } from './conditions';
import { cleanupCursorKey, type TenantKeyScope } from './keys';

/** The first expiry day (`YYYY-MM-DD`, UTC) of the tenant not yet fully cleaned, if recorded. */
export const getCleanupCursor = async (tenant: TenantKeyScope): Promise<string | undefined> => {
  const { Item } = await documentClient(tenant).send(
    new GetCommand({ TableName: config.chatTable, Key: cleanupCursorKey(tenant), ConsistentRead: true }),
  );
  return typeof Item?.next_day === 'string' ? Item.next_day : undefined;
};

/**
 * Record progress; the cursor only moves forward, so a slower concurrent pass cannot move it
 * back over days another pass already finished. False if it was already at or past `nextDay`.
 */
export const advanceCleanupCursor = async (tenant: TenantKeyScope, nextDay: string, at: Date): Promise<boolean> => {
  return conditionHeld(async () => {
    await documentClient(tenant).send(
      new PutCommand({
        TableName: config.chatTable,
        Item: { ...cleanupCursorKey(tenant), next_day: nextDay, updated_date: at.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR next_day < :next',
        ExpressionAttributeValues: { ':next': nextDay },
      }),
    );
  });
};
