import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { documentClient } from './client';
import type { ItemKey, TenantKeyScope } from './keys';

/** DynamoDB's limit of requests in one BatchWriteItem. */
export const BATCH_WRITE_MAX = 25;

export interface BatchDeleteOptions {
  /** Sends of one batch before giving up on what is still unprocessed. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface BatchDeleteResult {
  /** Delete requests accepted by the store (deleting an absent item is accepted too). */
  deleted: number;
  /** Re-sends of items the store returned as unprocessed. */
  retries: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Delete items in batches of at most 25. The store may accept part of a batch and hand the rest
 * back as UnprocessedItems (throttling); those are sent again after an exponential, jittered
 * pause, as AWS advises, until accepted or `maxAttempts` sends were made.
 */
export const batchDelete = async (
  tenant: TenantKeyScope,
  keys: readonly ItemKey[], options: BatchDeleteOptions = {}): Promise<BatchDeleteResult> => {
  const { maxAttempts = 8, baseDelayMs = 50, maxDelayMs = 5_000, sleep = pause } = options;
  const table = config.chatTable;
  let retries = 0;
  for (let start = 0; start < keys.length; start += BATCH_WRITE_MAX) {
    let requests = keys.slice(start, start + BATCH_WRITE_MAX).map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
    for (let attempt = 1; ; attempt++) {
      const { UnprocessedItems } = await documentClient(tenant).send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      const unprocessed = UnprocessedItems?.[table] ?? [];
      if (unprocessed.length === 0) break;
      if (attempt >= maxAttempts) {
        throw new Error(`BatchWriteItem left ${unprocessed.length} deletes unprocessed after ${attempt} attempts`);
      }
      retries += unprocessed.length;
      requests = unprocessed as typeof requests;
      // Full jitter: concurrent passes that were throttled together do not retry together.
      await sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
    }
  }
  return { deleted: keys.length, retries };
};
