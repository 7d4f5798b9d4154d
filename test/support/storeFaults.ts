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
import { documentClient, registryClient } from '../../lib/store/client';
import type { TenantKeyScope } from '../../lib/store/keys';

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
  /** The connection reset under the request: the SDK retries it, like a timeout. */
  connectionReset: () => Object.assign(new Error('injected connection reset'), { name: 'Error', code: 'ECONNRESET' }),
  /**
   * The instance dying at this point: nothing retries it and nothing after it runs (the use case
   * sees an error it does not handle, as a killed Lambda would never get to answer).
   */
  crash: () => new InstanceKilled(),
} as const;

/** What STORE_FAULTS.crash throws: no retry strategy and no use case handles it. */
export class InstanceKilled extends Error {
  override name = 'InstanceKilled';
  constructor() {
    super('injected crash: the instance died here');
  }
}

export interface StoreFaultInjector {
  /** Fraction of attempts (0..1) that fail from now on. */
  setRate(rate: number): void;
  /** Attempts seen and attempts failed (or delayed) so far, by command name. */
  readonly attempts: Record<string, number>;
  readonly failed: Record<string, number>;
  stop(): void;
}

export interface StoreFaultOptions {
  /** Whose chat-data clients fail (the registry's client always does). */
  tenants: TenantKeyScope[];
  fault?: (attempt: number) => Error;
  /** Only attempts this picks can fail: the command's name and its wire request (DynamoDB JSON). */
  when?: (commandName: string, request: string) => boolean;
  /** Let the attempt reach the store, then fail it: a response lost after the write was applied. */
  afterApplied?: boolean;
  /**
   * Hold each picked attempt this long: before it reaches the store, or (with `afterApplied`)
   * after the store applied it and before its answer comes back, as a slow store or network does.
   */
  delayMs?: number;
  /** False: a picked attempt is only delayed, and then answered as the store answered it. */
  fail?: boolean;
  /** Pick at most this many attempts in all, then let everything through. */
  limit?: number;
  /**
   * Run this while a picked attempt is held (after the store applied it, with `afterApplied`):
   * whatever else happens between a write and its answer, or between it and the SDK's retry.
   */
  during?: () => Promise<unknown>;
}

const utf8 = new TextDecoder();

const wireBody = (body: unknown): string => (body instanceof Uint8Array ? utf8.decode(body) : typeof body === 'string' ? body : '');

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fail (or delay) `rate` of the chosen store attempts with `fault` until stopped. */
export const injectStoreFaults = (
  rate: number,
  {
    tenants,
    fault = STORE_FAULTS.throttling,
    when = () => true,
    afterApplied = false,
    delayMs = 0,
    fail = true,
    limit = Number.POSITIVE_INFINITY,
    during = async () => undefined,
  }: StoreFaultOptions,
): StoreFaultInjector => {
  const clients = [registryClient(), ...tenants.map((tenant) => documentClient(tenant))];
  const name = `store-faults-${Math.random()}`;
  const attempts: Record<string, number> = {};
  const failed: Record<string, number> = {};
  let current = rate;
  let seen = 0;
  let picked = 0;
  const middleware =
    (next: (args: any) => Promise<any>, { commandName = 'unknown' }: { commandName?: string }) =>
    async (args: any) => {
      if (!when(commandName, wireBody(args.request?.body))) return next(args);
      attempts[commandName] = (attempts[commandName] ?? 0) + 1;
      if (picked >= limit || Math.random() >= current) return next(args);
      picked++;
      failed[commandName] = (failed[commandName] ?? 0) + 1;
      const hold = () => Promise.all([pause(delayMs), during()]);
      if (!afterApplied) {
        await hold();
        if (!fail) return next(args);
        throw fault(seen++);
      }
      const answer = await next(args);
      await hold();
      if (!fail) return answer;
      throw fault(seen++);
    };
  for (const client of clients) client.middlewareStack.add(middleware as never, { step: 'deserialize', name });
  return {
    setRate: (next) => {
      current = next;
    },
    attempts,
    failed,
    stop: () => {
      for (const client of clients) client.middlewareStack.remove(name);
    },
  };
};
