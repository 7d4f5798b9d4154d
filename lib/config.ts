/**
 * Runtime configuration, read once per container from the environment.
 * Every value has a safe local default so `npm start` and the tests need no setup.
 */
const env = process.env;

const numberFrom = (value: string | undefined, fallback: number): number => {
  const parsed = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(parsed) ? parsed : fallback;
};

export const config = {
  region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
  /** Set locally to the embedded DynamoDB; empty on AWS. */
  dynamodbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
  chatTable: env.CHAT_TABLE ?? 'chat-rooms-local-chat',
  tenantsTable: env.TENANTS_TABLE ?? 'chat-rooms-local-tenants',
  /** How long a warm container trusts a registry lookup. */
  tenantCacheTtlMs: numberFrom(env.TENANT_CACHE_TTL_SECONDS, 60) * 1000,
  maxBodyBytes: numberFrom(env.MAX_BODY_BYTES, 16 * 1024),
} as const;
