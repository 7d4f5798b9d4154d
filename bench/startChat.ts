/**
 * startChat cost against the embedded store, as ratios to a baseline measured in the same run:
 * one raw GetItem through the same SDK client. The handler runs in-process, warm, with its full
 * middleware stack (parse, validate, tenant cache, JWT verify, one conditional write).
 *   npx tsx bench/startChat.ts [--iterations 400]
 * Prints a table and one JSON line. dynalite is slower than DynamoDB: compare ratios, not absolutes.
 */
import { parseArgs } from 'node:util';
import type { Context } from 'aws-lambda';
import { startLocalDynamo } from '../scripts/local/dynalite';
import { SEED_BODY } from '../scripts/local/seedRequest';
import { createTables, LOCAL_STAGE, tableNames } from '../scripts/local/tables';
import { signLocalToken } from '../scripts/local/tokens';

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const time = async (iterations: number, op: (i: number) => Promise<unknown>) => {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await op(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
};

const main = async () => {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '400' } } });
  const iterations = Number(values.iterations);
  process.env.LOG_LEVEL = 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const store = await startLocalDynamo();
  try {
    const names = tableNames(LOCAL_STAGE);
    await createTables({ endpoint: store.endpoint, stage: LOCAL_STAGE });
    // lib/config reads these at import, so the app modules load only now.
    Object.assign(process.env, { DYNAMODB_ENDPOINT: store.endpoint, CHAT_TABLE: names.chat, TENANTS_TABLE: names.tenants });
    const { seedTenants } = await import('../scripts/local/seed');
    await seedTenants({ endpoint: store.endpoint, tenantsTable: names.tenants });
    const { GetCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { createDocumentClient } = await import('../lib/store/client');
    // The baselines go through a plain client: what the store alone costs, without our stack.
    const raw = createDocumentClient();
    const { handler } = await import('../functions/startChat/handler');

    const token = await signLocalToken(1, 133, 'agent');
    const seed = SEED_BODY;
    const context = {
      functionName: 'startChat', awsRequestId: 'bench', invokedFunctionArn: 'arn:aws:lambda:us-east-1:0:function:startChat',
      memoryLimitInMB: '512', getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context;
    const invoke = async (order_id: number) => {
      const event = {
        version: '2.0', routeKey: 'POST /api/v1/chat/startChat', rawPath: '/api/v1/chat/startChat', isBase64Encoded: false,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        requestContext: { http: { method: 'POST', path: '/api/v1/chat/startChat' } },
        body: JSON.stringify({ ...seed, order_id }),
      };
      const response = (await handler(event as never, context)) as { statusCode: number };
      if (response.statusCode !== 200) throw new Error(`startChat answered ${response.statusCode}`);
    };

    const baselineGet = () =>
      raw.send(new GetCommand({ TableName: names.tenants, Key: { client_id: '1' } }));
    // The same write a touch makes, without our stack: what the store alone costs.
    const rawUpdate = () =>
      raw.send(
        new UpdateCommand({
          TableName: names.chat,
          Key: { pk: 'T#1#BENCH', sk: 'ROOM' },
          UpdateExpression: 'SET updated_date = :now, agent_key = :agent',
          ExpressionAttributeValues: { ':now': new Date().toISOString(), ':agent': 'T#1#AGENT#133' },
        }),
      );
    await time(50, baselineGet);
    await time(50, () => invoke(1)); // warm: tenant cached, modules loaded

    const baseline = await time(iterations, baselineGet);
    const update = await time(iterations, rawUpdate);
    const touch = await time(iterations, () => invoke(1));
    const rssBefore = process.memoryUsage().rss;
    const create = await time(iterations, (i) => invoke(1_000_000 + i));
    const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;

    const burstStart = process.hrtime.bigint();
    await Promise.all(Array.from({ length: 50 }, (_, i) => invoke(2_000_000 + i)));
    const burstMs = Number(process.hrtime.bigint() - burstStart) / 1e6;

    const rows = {
      'baseline GetItem': baseline,
      'raw UpdateItem': update,
      'startChat touch': touch,
      'startChat create': create,
    };
    console.log('operation          p50 ms   p99 ms   p50 / baseline');
    for (const [name, { p50, p99 }] of Object.entries(rows)) {
      console.log(`${name.padEnd(18)} ${p50.toFixed(2).padStart(6)}   ${p99.toFixed(2).padStart(6)}   ${(p50 / baseline.p50).toFixed(2)}`);
    }
    console.log(
      JSON.stringify({
        iterations,
        baselineP50Ms: +baseline.p50.toFixed(3),
        rawUpdateRatio: +(update.p50 / baseline.p50).toFixed(2),
        touchRatio: +(touch.p50 / baseline.p50).toFixed(2),
        touchOverRawUpdate: +(touch.p50 / update.p50).toFixed(2),
        createRatio: +(create.p50 / baseline.p50).toFixed(2),
        burst50Ms: Math.round(burstMs),
        rssGrowthMbOverCreates: +rssGrowthMb.toFixed(1),
        rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      }),
    );
  } finally {
    await store.stop();
  }
};

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
