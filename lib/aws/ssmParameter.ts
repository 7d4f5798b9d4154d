import { config } from '../config';
import { logger } from '../log';
import { functionTransport } from '../store/client';
import { retryingFaults } from './retries';
import { regionalEndpoint, sendSigned, serviceError, type AwsTransport } from './signedRequest';

/** How GetParameters is signed and sent: the function's own transport unless given another, and SSM's URL. */
export interface SsmTransport extends AwsTransport {
  /** SSM's URL; its regional endpoint when absent. */
  endpoint?: URL;
}

const ssmOfFunction = (): SsmTransport => {
  const endpoint = config.ssmEndpointUrl;
  return { ...functionTransport(), ...(endpoint && { endpoint: new URL(endpoint) }) };
};

interface GetParametersOutput {
  Parameters?: Array<{ Name?: string; Value?: string }>;
  __type?: string;
  message?: string;
}

const parsed = (statusCode: number, body: string): GetParametersOutput => {
  try {
    return JSON.parse(body) as GetParametersOutput;
  } catch {
    // A proxy's or load balancer's page: shaped as a service error, so a 5xx is tried again.
    if (statusCode !== 200) throw serviceError('SSM GetParameters', statusCode, undefined, 'an answer without JSON');
    throw new Error('SSM GetParameters answered 200 without JSON');
  }
};

/**
 * One SecureString from SSM Parameter Store, decrypted: SSM's `GetParameters` (the AWS JSON 1.1
 * protocol: one signed POST, lib/aws/signedRequest.ts). Throttling, server errors and broken
 * connections are tried again as every other signed call (lib/aws/retries.ts); what still fails
 * is thrown shaped as the SDK's errors, so the HTTP layer answers a fault 503.
 */
export const fetchSecureParameter = (name: string, transport: SsmTransport = ssmOfFunction()): Promise<string> =>
  retryingFaults(async () => {
    const { statusCode, body } = await sendSigned(transport, {
      service: 'ssm',
      endpoint: transport.endpoint ?? regionalEndpoint('ssm', transport.region),
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameters' },
      body: JSON.stringify({ Names: [name], WithDecryption: true }),
    });
    const output = parsed(statusCode, body);
    if (statusCode !== 200) throw serviceError('SSM GetParameters', statusCode, output.__type, output.message);
    const value = output.Parameters?.find((parameter) => parameter.Name === name)?.Value;
    if (value === undefined) throw new Error(`Failed to resolve SSM parameter ${name}`);
    return value;
  });

export interface CachedParameterOptions {
  name: string;
  /** How long a fetched value is used before it is fetched again: how late a rotation can take effect. */
  maxAgeMs: number;
  /** After a failed refresh, how long the value held is used before SSM is asked again. */
  retryAfterFailureMs?: number;
  /** Refuses a value (throws) that cannot be what the parameter should hold; a refused value counts as a failed fetch. */
  check?: (value: string) => void;
  transport?: () => SsmTransport;
  now?: () => number;
}

/** How long the value held is kept after a failed refresh, by default, before SSM is asked again. */
const RETRY_AFTER_FAILED_REFRESH_MS = 30_000;

/**
 * A SecureString kept in the warm container for at most `maxAgeMs`, so a warm request makes no SSM
 * call and a rotated value takes effect within `maxAgeMs` without a redeploy. The first request
 * after the age runs out fetches it again; concurrent requests share one fetch. With no value held
 * yet, a failed fetch fails the request and the next request tries again.
 *
 * While a refresh fails (after its retries), the value held is kept and SSM is asked again after
 * `retryAfterFailureMs`. Failing instead would turn SSM being throttled or unreachable for a
 * moment into a failure of every request that needs the value, and asking on every request would
 * add SSM's retries to each of them. What is lost is only timeliness: a rotation takes effect once
 * SSM answers again. Rotating a value that leaked does not depend on this: the value it replaces
 * stops being used the moment a refresh succeeds.
 */
export const cachedSecureParameter = ({
  name,
  maxAgeMs,
  retryAfterFailureMs = RETRY_AFTER_FAILED_REFRESH_MS,
  check,
  transport,
  now = Date.now,
}: CachedParameterOptions): (() => Promise<string>) => {
  let held: { value: string; freshUntil: number } | undefined;
  let pending: Promise<string> | undefined;

  const fetchChecked = async (): Promise<string> => {
    const value = await fetchSecureParameter(name, transport?.());
    check?.(value);
    return value;
  };

  const refresh = (): Promise<string> =>
    (pending ??= fetchChecked()
      .then(
        (value) => {
          held = { value, freshUntil: now() + maxAgeMs };
          return value;
        },
        (error: unknown) => {
          if (!held) throw error;
          logger.warn('SSM parameter refresh failed; the value held is kept', { parameter: name, error: error as Error });
          held = { value: held.value, freshUntil: now() + retryAfterFailureMs };
          return held.value;
        },
      )
      .finally(() => {
        pending = undefined;
      }));

  return () => (held && now() < held.freshUntil ? Promise.resolve(held.value) : refresh());
};
