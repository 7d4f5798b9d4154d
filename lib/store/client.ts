import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HttpHandler } from '@smithy/core/protocols';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { retryBackoffMs } from '../aws/retries';
import type { AwsTransport } from '../aws/signedRequest';
import type { StsConnection } from '../aws/sts';
import { config } from '../config';
import { tenantPrefix, type TenantKeyScope } from './keys';
import { tenantCredentialProvider } from './tenantCredentials';
import { addTenantGuard } from './tenantGuard';

/**
 * How the store client meets a slow or failing DynamoDB (README "Failure model").
 *
 * - Retries: the SDK's *standard* strategy, at most STORE_MAX_ATTEMPTS attempts per request, for
 *   exactly what the SDK classifies as retryable (throttling, 5xx, timeouts, connection errors).
 *   Backoff is full jitter, 0..min(1 s, 100 ms · 2^attempt), shorter than the SDK's default for
 *   throttling (up to 1 s then 2 s) because a Lambda behind API Gateway has seconds, not minutes:
 *   past a short retry the client is better served by a prompt 503 with Retry-After. The
 *   standard strategy's retry quota (per container) still stops retrying when most requests fail.
 *   Not *adaptive*: its client-side rate limiter learns per container, and a container serves one
 *   request at a time, so it would only add latency.
 * - Timeouts: every attempt is cut off after `storeRequestTimeoutMs` (1 s against DynamoDB, whose
 *   requests take milliseconds) and a connection after half of that, so the worst case of one
 *   request, 3 × 1 s + 0.6 s of backoff, stays well under the 10 s Lambda timeout.
 *   `throwOnRequestTimeout` makes the timeout an error (the handler would otherwise only warn).
 * Whatever still fails is answered 503 (lib/store/faults.ts, lib/http/httpErrors.ts).
 */
export const STORE_MAX_ATTEMPTS = 3;

const storeClientResilience = () => ({
  retryStrategy: new ConfiguredRetryStrategy(STORE_MAX_ATTEMPTS, retryBackoffMs),
  requestHandler: {
    requestTimeout: config.storeRequestTimeoutMs,
    connectionTimeout: Math.ceil(config.storeRequestTimeoutMs / 2),
    throwOnRequestTimeout: true,
  },
});

export interface ClientOptions {
  endpoint?: string;
  region?: string;
  credentials?: DynamoDBClientConfig['credentials'];
  requestHandler?: DynamoDBClientConfig['requestHandler'];
}

/**
 * A DynamoDB document client. Against a local endpoint it uses fixed dummy credentials (unless
 * given others): the default provider chain would otherwise probe the instance-metadata address.
 */
export const createDocumentClient = (options: ClientOptions = {}): DynamoDBDocumentClient => {
  const endpoint = options.endpoint ?? config.dynamodbEndpoint;
  const client = new DynamoDBClient({
    region: options.region ?? config.region,
    ...storeClientResilience(),
    ...(endpoint && { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    ...(options.credentials && { credentials: options.credentials }),
    ...(options.requestHandler && { requestHandler: options.requestHandler }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
};

let registry: DynamoDBDocumentClient | undefined;

/**
 * The tenants registry's client: the function's own credentials and no tenant guard (the
 * registry is keyed by `client_id`, and resolving a tenant is what comes before having one).
 * Created on first use and kept warm between invocations.
 */
export const registryClient = (): DynamoDBDocumentClient => (registry ??= createDocumentClient());

/**
 * How the function reaches other AWS APIs (SSM, API Gateway's management API) with signed
 * requests (lib/aws/signedRequest.ts): as the registry's client, with the function's own role's
 * credentials and the container's one connection pool and timeouts.
 */
export const functionTransport = (): AwsTransport => {
  const { config: client } = registryClient();
  return { region: config.region, credentials: client.credentials, handler: client.requestHandler as HttpHandler };
};

/**
 * How the tenant-access role is assumed, where `TENANT_ACCESS_ROLE_ARN` is set: from the
 * function's own role, over the container's connections, at AWS_ENDPOINT_URL_STS when set.
 */
const stsOfFunction = (): StsConnection => {
  const { config: client } = registryClient();
  const endpoint = config.stsEndpointUrl;
  return { region: config.region, credentials: client.credentials, requestHandler: client.requestHandler, ...(endpoint && { endpoint }) };
};

/**
 * Tenants whose clients a warm container keeps. Each is small (its credentials and its
 * config; connections are shared), so this only bounds a container that meets very many.
 */
export const MAX_TENANT_CLIENTS = 256;

const tenantClients = new Map<string, DynamoDBDocumentClient>();

const createTenantClient = (tenant: TenantKeyScope): DynamoDBDocumentClient => {
  const roleArn = config.tenantAccessRoleArn;
  const client = createDocumentClient({
    // One connection pool for the container: a first request for another tenant reuses a warm connection.
    requestHandler: registryClient().config.requestHandler,
    ...(roleArn && { credentials: tenantCredentialProvider(tenant, { roleArn, sts: stsOfFunction() }) }),
  });
  addTenantGuard(client, tenant);
  return client;
};

/**
 * The client for one tenant's chat data: every command it sends is checked to stay under the
 * tenant's key prefix (lib/store/tenantGuard.ts), and where `TENANT_ACCESS_ROLE_ARN` is set it
 * signs with credentials scoped to the tenant by IAM (lib/store/tenantCredentials.ts). One per
 * tenant, kept warm with its credentials; the least recently used goes past MAX_TENANT_CLIENTS.
 */
export const documentClient = (tenant: TenantKeyScope): DynamoDBDocumentClient => {
  tenantPrefix(tenant);
  const clientId = tenant.clientId;
  let client = tenantClients.get(clientId);
  if (client) {
    tenantClients.delete(clientId);
  } else {
    client = createTenantClient({ clientId });
    if (tenantClients.size >= MAX_TENANT_CLIENTS) tenantClients.delete(tenantClients.keys().next().value!);
  }
  tenantClients.set(clientId, client);
  return client;
};
