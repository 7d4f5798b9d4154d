import { isRetryableFault } from '../aws/retries';

/**
 * A store failure that is not our bug: DynamoDB throttled us (ProvisionedThroughputExceeded,
 * Throttling, RequestLimitExceeded, …), answered 5xx, timed out or could not be reached, and the
 * client's own retries (lib/store/client.ts) did not get through. The same classification the
 * SDK's retry strategy uses, so "what is retried" and "what is a fault" never disagree.
 * Everything else (a ValidationException, a missing table, a bad key) stays our bug: a 500.
 */
export const isStoreUnavailable = (error: unknown): boolean => isRetryableFault(error);

/** How long a client is asked to wait after a store fault: throttling clears within seconds. */
export const STORE_RETRY_AFTER_SECONDS = 1;
