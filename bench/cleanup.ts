/**
 * Cleanup throughput against the embedded store: how fast one pass deletes expired rooms (and
 * what lies under them) while most of the table is fresh.
 *   npx tsx bench/cleanup.ts [--rooms 20000] [--expired 2000] [--children 10] [--concurrency 8]
 * Prints one JSON line. dynalite is far slower than DynamoDB, so compare runs, not absolutes.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startLocalDynamo } from '../scripts/local/dynalite';
import { createTables, LOCAL_STAGE, tableNames } from '../scripts/local/tables';
import { epochSeconds } from '../lib/time';

const DAY = 86_400;
const HOUR = 3600;

const options = () => {
  const { values } = parseArgs({
    options: {
      rooms: { type: 'string', default: '20000' },
      expired: { type: 'string', default: '2000' },
      children: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const rooms = Number(values.rooms);
  return { rooms, expired: Math.min(rooms, Number(values.expired)), children: Number(values.children), concurrency: Number(values.concurrency) };
};

type Options = ReturnType<typeof options>;

const TENANT = { clientId: '4242' };

/** The table's items: `rooms` rooms, the first `expired` past their expiry with `children` messages each. */
const fixtureItems = async (now: number, { rooms, expired, children }: Options): Promise<Record<string, unknown>[]> => {
  const { expiryIndexAttributes, messageKey, roomKey } = await import('../lib/store/keys');
  const { roomObjectId } = await import('../lib/rooms/identifiers');
  const items: Record<string, unknown>[] = [];
  for (let index = 0; index < rooms; index++) {
    const isExpired = index < expired;
    // byExpiry files a room under the hour at or after its expiry, so an expired room is due within
    // the hour: the expired ones here are at least an hour past, spread over three days.
    const spread = (index * 97) % (3 * DAY);
    const expiresAt = isExpired ? now - HOUR - 1 - spread : now + HOUR + 1 + ((index * 97) % (30 * DAY));
    const ref = randomBytes(8).toString('hex');
    const _id = roomObjectId(ref, new Date((expiresAt - 30 * DAY) * 1000));
    items.push({ ...roomKey(TENANT, ref), _id, room_id: String(10_000_000 + index), expires_at: expiresAt, ...expiryIndexAttributes(TENANT, expiresAt) });
    if (isExpired) {
      for (let child = 0; child < children; child++) items.push({ ...messageKey(TENANT, ref, `${_id}-${child}`), room: _id, text: 'bench' });
    }
  }
  return items;
};

/** Writes the items with plain BatchWrites, eight writers at once; answers how many milliseconds that took. */
const batchWrite = async (table: string, items: Record<string, unknown>[]): Promise<number> => {
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const { documentClient } = await import('../lib/store/client');
  const writeStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let start = (next += 25) - 25; start < items.length; start = (next += 25) - 25) {
        let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const { UnprocessedItems } = await documentClient(TENANT).send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
        }
      }
    }),
  );
  return performance.now() - writeStarted;
};

const main = async () => {
  const { rooms, expired, children, concurrency } = options();
  const store = await startLocalDynamo();
  // No S3: these rooms never had a file, so their cascade never reaches the attachments bucket.
  try {
    await createTables({ endpoint: store.endpoint, stage: LOCAL_STAGE });
    const names = tableNames(LOCAL_STAGE);
    // lib/config reads these at import.
    process.env.DYNAMODB_ENDPOINT = store.endpoint;
    process.env.CHAT_TABLE = names.chat;
    process.env.TENANTS_TABLE = names.tenants;
    const { putTenantRecord } = await import('../lib/store/tenants');
    const { runCleanup } = await import('../lib/cleanup/runCleanup');
    await putTenantRecord({
      client_id: TENANT.clientId,
      sub_domain: 'bench.localhost',
      db_name: 'bench',
      name: 'Bench',
      status: 'active',
      jwt_secrets: ['bench-only-secret-bench-only-secret-bench'],
      retention_days: 30,
    });

    const now = epochSeconds(new Date());
    const items = await fixtureItems(now, { rooms, expired, children, concurrency });
    const writeMs = await batchWrite(names.chat, items);

    const silent = { tenant: () => undefined, tenantFailed: () => undefined, pass: () => undefined };
    const summary = await runCleanup({ now: new Date(now * 1000), tenants: [TENANT.clientId], concurrency, reporter: silent });
    console.log(
      JSON.stringify({
        rooms,
        expired,
        childrenPerRoom: children,
        concurrency,
        writeItems: items.length,
        writeMs: Math.round(writeMs),
        ...summary,
        roomsPerSecond: Math.round((summary.deleted / summary.durationMs) * 1000),
        itemsPerSecond: Math.round(((summary.deleted + summary.children) / summary.durationMs) * 1000),
        // The baseline of this run: the same store writing the fixture with plain BatchWrites.
        // Cleanup also reads what it deletes and deletes conditionally, so it cannot reach 1.
        deleteVsBatchWriteRatio: +(((summary.deleted + summary.children) / summary.durationMs) / (items.length / writeMs)).toFixed(2),
      }),
    );
  } finally {
    await store.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
