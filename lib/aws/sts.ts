import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { ATTEMPTS, retryBackoffMs } from './retries';

type TemporaryCredentialsOptions = Parameters<typeof fromTemporaryCredentials>[0];

export interface AssumeRoleInput {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  /** Session tags: the role's policies read them as `aws:PrincipalTag/<key>`. */
  tags: Record<string, string>;
}

/** How STS is reached: with the function's own credentials, region and connections, at STS's URL when given. */
export interface StsConnection {
  region: string;
  credentials: NonNullable<TemporaryCredentialsOptions['masterCredentials']>;
  requestHandler?: NonNullable<TemporaryCredentialsOptions['clientConfig']>['requestHandler'];
  /** STS's URL (AWS_ENDPOINT_URL_STS); its regional endpoint when absent. */
  endpoint?: string;
}

export type AssumedRoleCredentials = ReturnType<typeof fromTemporaryCredentials>;

/**
 * Credentials of a role assumed with STS `AssumeRole`, from the SDK's own provider
 * (`fromTemporaryCredentials`): its STS client signs the request, reads the answer and throws
 * STS's errors as the SDK's (`name` the error code, `$metadata.httpStatusCode` the status), which
 * the store's fault mapping answers 503 when they are throttling or server faults. Each call of
 * the provider asks STS; the SDK client it is given to memoises the credentials and asks again
 * within five minutes of their expiry. Retries are the other AWS calls' (lib/aws/retries.ts).
 */
export const assumedRoleCredentials = (input: AssumeRoleInput, sts: StsConnection): AssumedRoleCredentials =>
  fromTemporaryCredentials({
    params: {
      RoleArn: input.roleArn,
      RoleSessionName: input.sessionName,
      DurationSeconds: input.durationSeconds,
      Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })),
    },
    masterCredentials: sts.credentials,
    clientConfig: {
      region: sts.region,
      retryStrategy: new ConfiguredRetryStrategy(ATTEMPTS, retryBackoffMs),
      ...(sts.requestHandler && { requestHandler: sts.requestHandler }),
      ...(sts.endpoint && { endpoint: sts.endpoint }),
    },
  });
