/**
 * Shared by the cleanup tests. Each test works in a tenant of its own (a fresh client_id in the
 * registry), so test files running in parallel against the one store never see each other's
 * rooms, and a pass is always limited to that tenant. Times are years ahead of the real clock,
 * so a scheduled pass in the test stack (which judges by the real time) never touches them.
 */
import { randomInt } from 'node:crypto';
import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import type { CleanupReporter } from '../../lib/cleanup/report';
import { runCleanup, type CleanupOptions } from '../../lib/cleanup/runCleanup';
import { refOfRoomId } from '../../lib/rooms/identifiers';
import type { Room } from '../../lib/rooms/room';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { documentClient } from '../../lib/store/client';
import { cleanupCursorKey, messageKey, roomPartition, type ItemKey } from '../../lib/store/keys';
import { putTenantRecord } from '../../lib/store/tenants';
import { toTenant, type Actor, type Tenant, type TenantRecord } from '../../lib/tenancy/tenant';

export const DAY_MS = 86_400_000;
/** A whole second, years ahead of the real clock. */
export const T0 = new Date('2031-03-10T08:00:00.000Z');
export const at = (from: Date, days: number, seconds = 0): Date => new Date(from.getTime() + days * DAY_MS + seconds * 1000);

const admin: Actor = { userId: '1', role: 'admin' };

export const newTenant = async (retentionDays: number, status: TenantRecord['status'] = 'active'): Promise<Tenant> => {
  const clientId = String(randomInt(9001, 2 ** 40));
  const record: TenantRecord = {
    client_id: clientId,
    sub_domain: `t${clientId}.test`,
    db_name: `db${clientId}`,
    name: `Cleanup test ${clientId}`,
    status,
    jwt_secrets: [`cleanup-test-secret-${clientId}-padding-padding-padding`],
    retention_days: retentionDays,
  };
  await putTenantRecord(record);
  return toTenant(record);
};

/** Change a tenant's registry record (retention, status); returns what the use cases would see. */
export const updateTenant = async (tenant: Tenant, change: Partial<Pick<TenantRecord, 'retention_days' | 'status'>>): Promise<Tenant> => {
  const record: TenantRecord = {
    client_id: tenant.clientId,
    sub_domain: tenant.subDomain,
    db_name: tenant.dbName,
    name: tenant.name,
    status: change.status ?? tenant.status,
    jwt_secrets: [`cleanup-test-secret-${tenant.clientId}-padding-padding-padding`],
    retention_days: change.retention_days ?? tenant.retentionDays,
  };
  await putTenantRecord(record);
  return toTenant(record);
};

/** Create (or touch) the room of one order's conversation through the real use case. */
export const startRoom = (tenant: Tenant, now: Date, orderId = randomInt(1, 2 ** 40), fields: Record<string, unknown> = {}): Promise<Room> =>
  startChat(
    tenant,
    admin,
    startChatRequest.parse({
      sub_domain: tenant.subDomain,
      client_id: tenant.clientId,
      db_name: tenant.dbName,
      user_id: '133',
      type: 'agent-to-user',
      order_vendor_id: 2,
      vendor_id: 3,
      order_id: orderId,
      ...fields,
    }),
    now,
  );

export const refOf = (room: Room): string => refOfRoomId(room._id)!;

/** Write items in batches of 25, a few batches at a time. */
export const batchPut = async (tenant: Tenant, items: Record<string, unknown>[], parallel = 8): Promise<void> => {
  const batches: Record<string, unknown>[][] = [];
  for (let start = 0; start < items.length; start += 25) batches.push(items.slice(start, start + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await documentClient(tenant).send(new BatchWriteCommand({ RequestItems: { [config.chatTable]: requests } }));
        requests = (UnprocessedItems?.[config.chatTable] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
};

/** Messages under a room, as the message store keeps them: in its partition, naming it by `room`. */
export const putChildren = async (tenant: Tenant, room: Room, count: number, roomId = room._id): Promise<void> =>
  batchPut(
    tenant,
    Array.from({ length: count }, (_, index) => ({
      ...messageKey(tenant, refOf(room), `${roomId}-${String(index).padStart(6, '0')}`),
      room: roomId,
      text: 'hello',
    })),
  );

export const partitionItems = async (tenant: Tenant, ref: string): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient(tenant).send(
      new QueryCommand({
        TableName: config.chatTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': roomPartition(tenant, ref) },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
};

export const getItem = async (tenant: Tenant, key: ItemKey): Promise<Record<string, unknown> | undefined> =>
  (await documentClient(tenant).send(new GetCommand({ TableName: config.chatTable, Key: key, ConsistentRead: true }))).Item;

export const cursorOf = async (tenant: Tenant): Promise<string | undefined> =>
  (await getItem(tenant, cleanupCursorKey(tenant)))?.next_day as string | undefined;

export const silent: CleanupReporter = { tenant: () => undefined, tenantFailed: () => undefined, pass: () => undefined };

/** A pass over the given tenants only (never every tenant: other test files share the store). */
export const cleanup = (tenants: Tenant[], now: Date, options: Partial<CleanupOptions> = {}) =>
  runCleanup({ now, tenants: tenants.map((tenant) => tenant.clientId), reporter: silent, ...options });


/** An SDK initialize-step middleware: sees each command's input and output unmarshalled. */
export type Middleware = (
  next: (args: { input: any }) => Promise<{ output: any }>,
  context: { commandName?: string },
) => (args: { input: any }) => Promise<{ output: any }>;

/** Put an SDK middleware on the tenant's client for the duration of `body`. */
export const withMiddleware = async <T>(tenant: Tenant, middleware: Middleware, body: () => Promise<T>): Promise<T> => {
  const name = `test-${Math.random()}`;
  documentClient(tenant).middlewareStack.add(middleware as never, { step: 'initialize', name });
  try {
    return await body();
  } finally {
    documentClient(tenant).middlewareStack.remove(name);
  }
};

/** A middleware that counts the commands it sees by name (put it on with withMiddleware). */
export const counting = () => {
  const counts: Record<string, number> = {};
  const middleware: Middleware = (next, context) => async (args) => {
    counts[context.commandName ?? '?'] = (counts[context.commandName ?? '?'] ?? 0) + 1;
    return next(args);
  };
  return { counts, middleware };
};
