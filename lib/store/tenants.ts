import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { tenantRecord, type TenantRecord } from '../tenancy/tenant';
import { registryClient } from './client';

/** The registry table is keyed by `client_id`; it holds tenant metadata, never chat data. */
export const getTenantRecord = async (clientId: string): Promise<TenantRecord | undefined> => {
  const { Item } = await registryClient().send(
    new GetCommand({ TableName: config.tenantsTable, Key: { client_id: clientId } }),
  );
  return Item ? tenantRecord.parse(Item) : undefined;
};

export const putTenantRecord = async (record: TenantRecord): Promise<void> => {
  await registryClient().send(
    new PutCommand({ TableName: config.tenantsTable, Item: tenantRecord.parse(record) }),
  );
};
