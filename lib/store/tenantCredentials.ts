import { assumedRoleCredentials, type AssumedRoleCredentials, type StsConnection } from '../aws/sts';
import type { TenantKeyScope } from './keys';

/**
 * Credentials that can reach only one tenant's chat data: the tenant-access role assumed with
 * the session tag `tenant=<client_id>`. The role's policy allows the chat table only where
 * `dynamodb:LeadingKeys` match `T#${aws:PrincipalTag/tenant}#*`, so even a request the
 * in-process guard let through by mistake is refused by DynamoDB itself.
 */
export type TenantCredentialProvider = AssumedRoleCredentials;

export interface TenantCredentialOptions {
  roleArn: string;
  /** How STS is reached: the function's own role, connections and STS endpoint (lib/store/client.ts). */
  sts: StsConnection;
  /**
   * How long a session lasts. A Lambda function's role is itself an assumed role, and a role
   * assumed from one (role chaining) is capped at one hour, so one hour is the most there is.
   */
  durationSeconds?: number;
}

export const TENANT_SESSION_TAG = 'tenant';
export const TENANT_SESSION_SECONDS = 3600;

/**
 * The provider of one tenant's credentials, for that tenant's client only. Each call is one
 * AssumeRole (the SDK's `fromTemporaryCredentials`, lib/aws/sts.ts); the DynamoDB client it is
 * given to memoises what it returns: concurrent requests share one call, a failed call is not
 * kept (the next request asks again), and the credentials are renewed only within five minutes
 * of their expiry. With one client per tenant kept warm, a container makes one AssumeRole per
 * tenant per session, not one per request.
 */
export const tenantCredentialProvider = (tenant: TenantKeyScope, { roleArn, sts, durationSeconds = TENANT_SESSION_SECONDS }: TenantCredentialOptions): TenantCredentialProvider =>
  assumedRoleCredentials(
    { roleArn, sessionName: `tenant-${tenant.clientId}`, durationSeconds, tags: { [TENANT_SESSION_TAG]: tenant.clientId } },
    sts,
  );
