/**
 * `npm start`: the whole service on this machine, loopback only.
 * An embedded DynamoDB (unless DYNAMODB_ENDPOINT names one), the tables from serverless.yml, the
 * local tenants, a local S3 (s3rver) with the attachments bucket, and serverless-offline behind its
 * loopback gates (scripts/local/loopbackGate.ts).
 * Ctrl-C stops all of it.
 */
import path from 'node:path';
import { startLocalDynamo } from './local/dynalite';
import { startOffline } from './local/offline';
import { LOCAL_ATTACHMENTS_BUCKET, startLocalS3 } from './local/s3';
import { playgroundBanner } from './local/playground';
import { seedTenants, webhookBanner } from './local/seed';
import { recordStack } from './local/stackRecord';
import { seedCurl } from './local/seedRequest';
import { REPO_ROOT } from './local/serverlessConfig';
import { createTables, LOCAL_STAGE, tableNames } from './local/tables';
import { signLocalToken } from './local/tokens';

const portFrom = (name: string, fallback: number): number => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${value} is not a port number`);
  return port;
};

// Stopped in reverse order of start; a signal during startup stops what has started so far.
const stops: (() => Promise<void>)[] = [];
let shuttingDown = false;

const shutdown = async (exitCode: number): Promise<never> => {
  if (!shuttingDown) {
    shuttingDown = true;
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error('stop failed:', error);
      }
    }
  }
  process.exit(exitCode);
};

let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (shuttingDown) {
      // npx and tsx relay the terminal's Ctrl-C once more; only a deliberate second Ctrl-C forces
      // the exit (which still SIGKILLs offline's process group).
      if (Date.now() - firstSignalAt > 1_000) process.exit(130);
      return;
    }
    firstSignalAt = Date.now();
    console.log(`\n${signal}: stopping…`);
    void shutdown(0);
  });
}

const main = async (): Promise<void> => {
  const stage = LOCAL_STAGE;
  const names = tableNames(stage);

  let endpoint = process.env.DYNAMODB_ENDPOINT;
  if (endpoint) {
    console.log(`Using DynamoDB at ${endpoint}`);
  } else {
    const store = await startLocalDynamo({
      port: portFrom('LOCAL_DYNAMODB_PORT', 8000),
      path: path.join(REPO_ROOT, '.data', 'dynamodb'),
    });
    stops.push(store.stop);
    endpoint = store.endpoint;
    console.log(`Embedded DynamoDB (dynalite) at ${endpoint}, data in .data/dynamodb`);
  }

  const httpPort = portFrom('PORT', portFrom('HTTP_PORT', 3000));
  await createTables({ endpoint, stage });
  // Every active local tenant sends its webhooks to the stack's own receiver (the playground's panel).
  const webhookReceiver = { publicApiUrl: `http://127.0.0.1:${httpPort}` };
  await seedTenants({ endpoint, tenantsTable: names.tenants, webhookReceiver });
  console.log(`Tables ${names.chat}, ${names.tenants} ready; local tenants seeded`);

  // Attachments: files go from the page straight to this local S3, as they go to the bucket on AWS.
  const s3 = await startLocalS3({
    port: portFrom('LOCAL_S3_PORT', 4569),
    path: path.join(REPO_ROOT, '.data', 's3'),
    bucket: LOCAL_ATTACHMENTS_BUCKET,
    origins: [`http://127.0.0.1:${httpPort}`, `http://localhost:${httpPort}`],
  });
  stops.push(s3.stop);
  console.log(`Local S3 (s3rver) at ${s3.endpoint}, bucket ${LOCAL_ATTACHMENTS_BUCKET}, data in .data/s3`);

  const offline = await startOffline({
    httpPort,
    lambdaPort: portFrom('LAMBDA_PORT', 3002),
    websocketPort: portFrom('WS_PORT', 3001),
    env: { DYNAMODB_ENDPOINT: endpoint, AWS_ENDPOINT_URL_S3: s3.endpoint, LOG_LEVEL: process.env.LOG_LEVEL ?? 'INFO' },
    echo: true,
  });
  stops.push(offline.stop);
  void offline.exited.then(({ code, signal }) => {
    if (shuttingDown) return;
    console.error(`serverless offline exited unexpectedly (code ${code}, signal ${signal})`);
    void shutdown(1);
  });

  stops.push(await recordStack({ apiUrl: offline.url, wsUrl: offline.wsUrl, lambdaUrl: offline.lambdaUrl, dynamodbEndpoint: endpoint, s3Endpoint: s3.endpoint }));

  const token = await signLocalToken('1', '133', 'agent', 24 * 3600);
  console.log(`\nReady at ${offline.url}. The seed request (tenant 1, agent 133, token valid 24 h):\n`);
  console.log(`${seedCurl(offline.url, token)}\n`);
  console.log(`Realtime events (WebSocket): ${offline.wsUrl}/?token=${token}\n`);
  console.log(`Lambda Invoke API (SDK and CLI only; browsers refused): ${offline.lambdaUrl}`);
  console.log("serverless-offline's own lines name its internal ports; use the addresses above.\n");
  console.log('Other tokens: npm run --silent token -- --client-id 2 --user-id 7 --role user');
  console.log(`\n${webhookBanner(offline.url)}`);
  console.log(`\n${playgroundBanner(offline.url)}\n`);
  console.log('Ctrl-C stops everything.');
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void shutdown(1);
});
