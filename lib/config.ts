/**
 * Runtime configuration from the environment. Every value has a safe local default so
 * `npm start` and the tests need no setup. Read on access, not at import: local tooling sets the
 * store's endpoint only once the store has started, and the modules may already be loaded.
 */
const env = process.env;

const numberFrom = (value: string | undefined, fallback: number): number => {
  const parsed = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(parsed) ? parsed : fallback;
};

/**
 * LOCAL DEVELOPMENT ONLY: the key paging cursors are encrypted with when CURSOR_SECRET is unset
 * and the store is local. It is public (it is in this repository); a deployed stage must set
 * CURSOR_SECRET, and without it cursor encoding refuses to run (see lib/paging/cursor.ts).
 */
export const LOCAL_DEV_CURSOR_SECRET = 'local-development-only-cursor-secret-never-use-in-aws';

export const config = {
  get region() {
    return env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  },
  /** Set locally to the embedded DynamoDB; empty on AWS. */
  get dynamodbEndpoint() {
    return env.DYNAMODB_ENDPOINT || undefined;
  },
  get chatTable() {
    return env.CHAT_TABLE ?? 'chat-rooms-local-chat';
  },
  get tenantsTable() {
    return env.TENANTS_TABLE ?? 'chat-rooms-local-tenants';
  },
  /**
   * The role request functions assume, per tenant, to reach the chat table (set by serverless.yml
   * on deployed stages). Unset locally, where the in-process tenant guard is the only wall.
   */
  get tenantAccessRoleArn() {
    return env.TENANT_ACCESS_ROLE_ARN || undefined;
  },
  /** How long a warm container trusts a registry lookup. */
  get tenantCacheTtlMs() {
    return numberFrom(env.TENANT_CACHE_TTL_SECONDS, 60) * 1000;
  },
  /** How long a warm container remembers that a client_id is not a tenant. */
  get tenantMissCacheTtlMs() {
    return numberFrom(env.TENANT_MISS_CACHE_TTL_SECONDS, 5) * 1000;
  },
  /**
   * The chat table's TTL attribute (serverless.yml, TimeToLiveSpecification). Unset (the embedded
   * store has no TTL), nothing is marked for TTL deletion.
   */
  get ttlAttribute() {
    return env.TTL_ATTRIBUTE || undefined;
  },
  /**
   * How long one store request may take before it is abandoned (and retried). DynamoDB answers in
   * milliseconds; the embedded local store on a busy development machine can take seconds.
   */
  get storeRequestTimeoutMs() {
    return numberFrom(env.STORE_REQUEST_TIMEOUT_MS, env.DYNAMODB_ENDPOINT ? 5000 : 1000);
  },
  get maxBodyBytes() {
    return numberFrom(env.MAX_BODY_BYTES, 16 * 1024);
  },
  /**
   * The WebSocket API's management endpoint (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`
   * on AWS, `http://127.0.0.1:<ws port>` offline). Events are not published when it is unset.
   */
  get websocketEndpoint() {
    return env.WEBSOCKET_ENDPOINT || undefined;
  },
  /**
   * The API's public base URL, which the OpenAPI document names as its server: the stage's HTTP API
   * endpoint or a custom domain (serverless.yml), the local stack's own address under `npm start`.
   * Configured, never taken from a request's Host or X-Forwarded-Proto, which any client can forge.
   */
  get publicApiUrl() {
    return env.PUBLIC_API_URL || undefined;
  },
  /** Set by serverless-offline in every function it runs. */
  get isOffline() {
    return env.IS_OFFLINE === 'true';
  },
  /** True under serverless-offline or against a local store: AWS clients get dummy credentials. */
  get isLocal() {
    return Boolean(env.IS_OFFLINE || env.DYNAMODB_ENDPOINT);
  },
  /**
   * Encrypts paging cursors. On a deployed stage it comes from SSM Parameter Store (the function's
   * environment names only the parameter, CURSOR_SECRET_PARAMETER); locally CURSOR_SECRET or the
   * public development default, and that only against a local store.
   */
  get cursorSecret() {
    return env.CURSOR_SECRET || (env.DYNAMODB_ENDPOINT || env.IS_OFFLINE || env.NODE_ENV === 'test' ? LOCAL_DEV_CURSOR_SECRET : undefined);
  },
  /** The SSM parameter (SecureString) holding the cursor secret on deployed stages. */
  get cursorSecretParameter() {
    return env.CURSOR_SECRET_PARAMETER || undefined;
  },
  /** How long a function uses the cursor secret it fetched before fetching it again: how late a rotation takes effect. */
  get cursorSecretMaxAgeMs() {
    return numberFrom(env.CURSOR_SECRET_MAX_AGE_SECONDS, 300) * 1000;
  },
  /** Where SSM is reached instead of its regional endpoint: the SDK's own variables, honoured as its clients do. */
  get ssmEndpointUrl() {
    return env.AWS_ENDPOINT_URL_SSM || env.AWS_ENDPOINT_URL || undefined;
  },
  /** Where STS is reached instead of its regional endpoint, likewise. */
  get stsEndpointUrl() {
    return env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined;
  },
  /** The stage's private bucket of attachments (serverless.yml); every key begins with `<client_id>/`. */
  get attachmentsBucket() {
    return env.ATTACHMENTS_BUCKET || 'chat-rooms-local-attachments';
  },
  /** Where S3 is reached instead of its regional endpoint (the local stack's s3rver), likewise. */
  get s3EndpointUrl() {
    return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  },
  /** How long one S3 request may take before it is abandoned (and retried): a copy of 10 MB takes longer than a read. */
  get s3RequestTimeoutMs() {
    return numberFrom(env.S3_REQUEST_TIMEOUT_MS, 5000);
  },
};

/**
 * Where a deployed function's cursor secret comes from (SSM Parameter Store, lib/http/cursorSecret.ts
 * over lib/aws/ssmParameter.ts): asked for only when a cursor is made or read, so a request that
 * needs none makes no SSM call; the source keeps what it fetched for `cursorSecretMaxAgeMs`.
 */
let cursorSecretSource: (() => Promise<string>) | undefined;

export const provideCursorSecret = (source: () => Promise<string>): void => {
  cursorSecretSource = source;
};

/** The secret paging cursors are keyed with: the provided source where there is one, else the environment's. */
export const resolveCursorSecret = async (): Promise<string | undefined> => (cursorSecretSource ? cursorSecretSource() : config.cursorSecret);
