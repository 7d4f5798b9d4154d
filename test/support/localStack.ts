import type { LocalDynamo } from '../../scripts/local/dynalite';
import type { Offline } from '../../scripts/local/offline';
import type { LocalS3 } from '../../scripts/local/s3';

/** The local tenant the test stack registers to the playground's webhook receiver (globalSetup says why only it). */
export const PLAYGROUND_WEBHOOK_TENANT = '2';

/** What globalSetup started. jest runs globalSetup and globalTeardown in one context, so a global carries it. */
export interface LocalStack {
  store: LocalDynamo;
  /** The local S3 with the attachments bucket. */
  s3?: LocalS3;
  offline?: Offline;
}

const KEY = Symbol.for('chat-rooms.test.localStack');
const slot = globalThis as typeof globalThis & { [KEY]?: LocalStack };

export const setLocalStack = (stack: LocalStack): void => {
  slot[KEY] = stack;
};

export const takeLocalStack = (): LocalStack | undefined => {
  const stack = slot[KEY];
  delete slot[KEY];
  return stack;
};
