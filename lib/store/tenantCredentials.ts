import type { AssumeRoleInput, SessionCredentials } from '../aws/sts';
import type { TenantKeyScope } from './keys';

/**
 * Credentials that can reach only one tenant's chat data: the tenant-access role assumed with
 * the session tag `tenant=<client_id>`. The role's policy allows the chat table only where
 * `dynamodb:LeadingKeys` match `T#${aws:PrincipalTag/tenant}#*`, so even a request the
 * in-process guard let through by mistake is refused by DynamoDB itself.
 */
export type TenantCredentials = SessionCredentials;

export type TenantCredentialProvider = () => Promise<TenantCredentials>;

export interface TenantCredentialOptions {
  roleArn: string;
  /** STS's AssumeRole, made with the function's own role (lib/aws/sts.ts). */
  assumeRole: (input: AssumeRoleInput) => Promise<SessionCredentials>;
  /**
   * How long a session lasts. A Lambda function's role is itself an assumed role, and a role
   * assumed from one (role chaining) is capped at one hour, so one hour is the most there is.
   */
  durationSeconds?: number;
  /**
   * Renew this long before expiry. The SDK treats credentials within five minutes of expiry as
   * expired and asks again on every request, so renewing any later would mean a provider call
   * (though no STS call) per request in that window.
   */
  refreshBeforeMs?: number;
  now?: () => number;
}

export const TENANT_SESSION_TAG = 'tenant';
export const TENANT_SESSION_SECONDS = 3600;
export const TENANT_CREDENTIALS_REFRESH_MS = 5 * 60_000;

/**
 * A provider of one tenant's credentials, for that tenant's client only. It calls STS on first
 * use and again only when the credentials it holds come within `refreshBeforeMs` of expiry, so
 * a warm container makes one AssumeRole per tenant per session, not one per request. Concurrent
 * callers share one call; a failed call is not kept, so the next request tries again.
 */
export const tenantCredentialProvider = (tenant: TenantKeyScope, options: TenantCredentialOptions): TenantCredentialProvider => {
  const {
    roleArn,
    assumeRole,
    durationSeconds = TENANT_SESSION_SECONDS,
    refreshBeforeMs = TENANT_CREDENTIALS_REFRESH_MS,
    now = Date.now,
  } = options;
  let held: Promise<TenantCredentials> | undefined;
  let expiresAt = 0;

  const assume = async (): Promise<TenantCredentials> => {
    const credentials = await assumeRole({
      roleArn,
      sessionName: `tenant-${tenant.clientId}`,
      durationSeconds,
      tags: { [TENANT_SESSION_TAG]: tenant.clientId },
    });
    expiresAt = credentials.expiration.getTime();
    return credentials;
  };

  return () => {
    if (held && (expiresAt === 0 || expiresAt - now() > refreshBeforeMs)) return held;
    expiresAt = 0;
    const pending = assume().catch((error: unknown) => {
      if (held === pending) held = undefined;
      throw error;
    });
    held = pending;
    return pending;
  };
};
