import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { tenantRecord, type TenantRecord } from '../tenancy/tenant';
import { registryClient } from './client';
import { isClaimItem } from './tenants';

export interface TenantList {
  records: TenantRecord[];
  /** Registry records that do not parse; reported, never fatal to the others. */
  invalid: number;
}

/**
 * Every tenant in the registry. A Scan is right here: the registry holds one small record per
 * tenant (never chat data) and its name claims, and a pass needs all of them. The chat table is
 * never scanned.
 */
export const listTenantRecords = async (): Promise<TenantList> => {
  const records: TenantRecord[] = [];
  let invalid = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await registryClient().send(new ScanCommand({ TableName: config.tenantsTable, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      if (isClaimItem(item)) continue;
      const parsed = tenantRecord.safeParse(item);
      if (parsed.success) records.push(parsed.data);
      else invalid++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { records, invalid };
};
