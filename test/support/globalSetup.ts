/**
 * jest globalSetup: one local stack for the whole run. An in-memory dynalite on a free port, the
 * tables from serverless.yml, the local tenants (tenant 2 registered to the playground's webhook
 * receiver), and serverless-offline on free ports.
 * The env set here is inherited by the test workers, which start after this resolves.
 * Set NO_OFFLINE=1 to skip serverless-offline (store-only tests start seconds faster),
 * OFFLINE_ECHO=1 to stream its output.
 */
import { startLocalDynamo } from '../../scripts/local/dynalite';
import { startOffline } from '../../scripts/local/offline';
import { LOCAL_ATTACHMENTS_BUCKET, startLocalS3, type LocalS3 } from '../../scripts/local/s3';
import { freePorts } from '../../scripts/local/ports';
import { seedTenants } from '../../scripts/local/seed';
import { createTables, LOCAL_STAGE, tableNames } from '../../scripts/local/tables';
import { PLAYGROUND_WEBHOOK_TENANT, setLocalStack } from './localStack';

export default async function globalSetup(): Promise<void> {
  // Quiet by default, for the handlers in offline and for lib code the tests call in-process.
  process.env.LOG_LEVEL ??= 'WARN';
  // Handlers invoked in-process by tests publish no metric blobs either.
  process.env.METRICS_DISABLED = 'true';

  const store = await startLocalDynamo({ port: 0 });
  let s3: LocalS3 | undefined;
  try {
    const withOffline = process.env.NO_OFFLINE !== '1';
    // The local S3's port is picked with the others, so none of them can take the API's.
    const [httpPort, lambdaPort, websocketPort, s3Port] = withOffline ? await freePorts(4) : [];
    // Attachments: a local S3 with the local stage's bucket, for the functions and in-process tests
    // alike; like `npm start`'s, it admits uploads from the stack's own pages (the playground).
    const origins = httpPort ? [`http://127.0.0.1:${httpPort}`, `http://localhost:${httpPort}`] : [];
    s3 = await startLocalS3({ port: s3Port ?? 0, bucket: LOCAL_ATTACHMENTS_BUCKET, origins });
    process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
    process.env.ATTACHMENTS_BUCKET = LOCAL_ATTACHMENTS_BUCKET;
    const names = tableNames(LOCAL_STAGE);
    await createTables({ endpoint: store.endpoint, stage: LOCAL_STAGE });
    // The playground's webhook receiver, as `npm start` registers it, but for tenant 2 only: tests
    // run tenant 1's handlers in-process too, where a subscribed event would go to the store's queue,
    // and they count what tenant 1's requests cost.
    const webhookReceiver = httpPort ? { publicApiUrl: `http://127.0.0.1:${httpPort}`, clientIds: [PLAYGROUND_WEBHOOK_TENANT] } : undefined;
    await seedTenants({ endpoint: store.endpoint, tenantsTable: names.tenants, webhookReceiver });
    process.env.DYNAMODB_ENDPOINT = store.endpoint;
    process.env.CHAT_TABLE = names.chat;
    process.env.TENANTS_TABLE = names.tenants;

    if (!withOffline) {
      setLocalStack({ store, s3 });
      return;
    }
    const offline = await startOffline({
      httpPort: httpPort!,
      lambdaPort: lambdaPort!,
      websocketPort: websocketPort!,
      // No scheduled cleanup or webhook sweep under the tests: their tests run passes themselves.
      env: { DYNAMODB_ENDPOINT: store.endpoint, AWS_ENDPOINT_URL_S3: s3.endpoint, LOG_LEVEL: process.env.LOG_LEVEL, CLEANUP_SCHEDULE_ENABLED: 'false', WEBHOOK_SWEEP_ENABLED: 'false' },
      echo: process.env.OFFLINE_ECHO === '1',
    });
    process.env.API_URL = offline.url;
    process.env.WS_URL = offline.wsUrl;
    process.env.LAMBDA_URL = offline.lambdaUrl;
    process.env.OFFLINE_WORK_FOLDER = offline.workFolder;
    setLocalStack({ store, s3, offline });
  } catch (error) {
    await Promise.all([store.stop(), s3?.stop()]);
    throw error;
  }
}
