/**
 * Fault injection through an SDK middleware on the shared store client. It sits in the
 * `deserialize` step, inside the SDK's retry loop, so every attempt (first try and retries) meets
 * it and the retry strategy sees the injected errors exactly as it would see DynamoDB's own.
 */
import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../lib/store/client';

const throttled = (attempt: number): Error => {
  const $metadata = { httpStatusCode: 400 };
  const message = 'injected throttling';
  switch (attempt % 3) {
    case 0:
      return new ProvisionedThroughputExceededException({ message, $metadata });
    case 1:
      return new ThrottlingException({ message, $metadata });
    default:
      return new RequestLimitExceeded({ message, $metadata });
  }
};

/** Kinds of store fault the injector can produce. */
export const STORE_FAULTS = {
  throttling: throttled,
  serverError: () => new InternalServerError({ message: 'injected 500', $metadata: { httpStatusCode: 500 } }),
  timeout: () => Object.assign(new Error('injected request timeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' }),
} as const;

export interface StoreFaultInjector {
  /** Fraction of attempts (0..1) that fail from now on. */
  setRate(rate: number): void;
  /** Attempts seen and attempts failed so far, by command name. */
  readonly attempts: Record<string, number>;
  readonly failed: Record<string, number>;
  stop(): void;
}

/** Fail `rate` of all store attempts with `fault` until stopped. */
export const injectStoreFaults = (rate: number, fault: (attempt: number) => Error = STORE_FAULTS.throttling): StoreFaultInjector => {
  const name = `store-faults-${Math.random()}`;
  const attempts: Record<string, number> = {};
  const failed: Record<string, number> = {};
  let current = rate;
  let seen = 0;
  documentClient().middlewareStack.add(
    (next, { commandName }) =>
      async (args) => {
        const command = commandName ?? 'unknown';
        attempts[command] = (attempts[command] ?? 0) + 1;
        if (Math.random() < current) {
          failed[command] = (failed[command] ?? 0) + 1;
          throw fault(seen++);
        }
        return next(args);
      },
    { step: 'deserialize', name },
  );
  return {
    setRate: (next) => {
      current = next;
    },
    attempts,
    failed,
    stop: () => documentClient().middlewareStack.remove(name),
  };
};
