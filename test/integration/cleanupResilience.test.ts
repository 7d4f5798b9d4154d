import { CleanupFailed } from '../../lib/cleanup/runCleanup';
import { roomNumberKey, roomTombstoneKey } from '../../lib/store/keys';
import { getRoomByRef } from '../../lib/store/rooms';
import type { Room } from '../../lib/rooms/room';
import type { Tenant } from '../../lib/tenancy/tenant';
import {
  at,
  cleanup,
  counting,
  cursorOf,
  getItem,
  newTenant,
  partitionItems,
  putChildren,
  refOf,
  startRoom,
  T0,
  withMiddleware,
  type Middleware,
} from './cleanupFixtures';

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

const rooms = async (tenant: Tenant, count: number, children = 0): Promise<Room[]> => {
  const created = await Promise.all(Array.from({ length: count }, () => startRoom(tenant, T0)));
  for (const room of created) if (children > 0) await putChildren(tenant, room, children);
  return created;
};

/** Everything the rooms had (room, children, reservation, tombstone) is gone. */
const expectGone = async (tenant: Tenant, gone: Room[]) => {
  for (const room of gone) {
    expect(await partitionItems(tenant, refOf(room))).toEqual([]);
    expect(await getItem(tenant, roomNumberKey(tenant, room.room_id))).toBeUndefined();
  }
};

describe('cleanup: BatchWriteItem UnprocessedItems', () => {
  it('sends unprocessed deletes again until all are done', async () => {
    const tenant = await newTenant(30);
    const [room] = await rooms(tenant, 1, 80);
    let held = 0;
    let heldWereKept = true;
    // The store accepts only part of each of the first three batches, as a throttled table does.
    const partial: Middleware = (next, context) => async (args) => {
      if (context.commandName !== 'BatchWriteItemCommand' || held >= 15) return next(args);
      const [table, requests] = Object.entries(args.input.RequestItems as Record<string, unknown[]>)[0]!;
      if (requests.length <= 5) return next(args);
      const kept = requests.slice(0, -5);
      const withheld = requests.slice(-5);
      const result = await next({ ...args, input: { ...args.input, RequestItems: { [table]: kept } } });
      held += withheld.length;
      for (const request of withheld) {
        if (!(await getItem(tenant, (request as { DeleteRequest: { Key: { pk: string; sk: string } } }).DeleteRequest.Key))) heldWereKept = false;
      }
      result.output.UnprocessedItems = { [table]: withheld };
      return result;
    };

    const summary = await withMiddleware(tenant, partial, () => cleanup([tenant], at(T0, 31), { batch: { baseDelayMs: 5 } }));
    expect(heldWereKept).toBe(true);
    expect(summary).toMatchObject({ deleted: 1, children: 80, retries: 15, complete: true });
    await expectGone(tenant, [room!]);
  });

  it('fails the tenant when deletes stay unprocessed, and the next pass finishes the room', async () => {
    const tenant = await newTenant(30);
    const [room] = await rooms(tenant, 1, 30);
    const nothingProcessed: Middleware = (next, context) => async (args) => {
      if (context.commandName !== 'BatchWriteItemCommand') return next(args);
      return { output: { UnprocessedItems: args.input.RequestItems }, response: {} } as never;
    };

    const failure = await withMiddleware(tenant, nothingProcessed, () =>
      cleanup([tenant], at(T0, 31), { batch: { maxAttempts: 3, baseDelayMs: 1 } }).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(failure).toBeInstanceOf(CleanupFailed);
    expect((failure as CleanupFailed).summary.failedTenants).toEqual([tenant.clientId]);
    expect(await getRoomByRef(tenant, refOf(room!))).toBeUndefined();
    expect(await getItem(tenant, roomTombstoneKey(tenant, refOf(room!), room!._id))).toBeDefined();
    expect(await partitionItems(tenant, refOf(room!))).toHaveLength(31);

    const next = await cleanup([tenant], at(T0, 31, 3600));
    expect(next).toMatchObject({ scanned: 1, deleted: 0, resumed: 1, children: 30, complete: true });
    await expectGone(tenant, [room!]);
  });
});

describe('cleanup: time budget', () => {
  it('stops between rooms when the remaining time runs low, and the next pass resumes', async () => {
    const tenant = await newTenant(30);
    const created = await rooms(tenant, 30, 2);
    const { counts, middleware } = counting();
    const deletes = () => counts.DeleteItemCommand ?? 0;
    // The "Lambda" has plenty of time until about a third of the room deletes are done.
    const remainingMs = () => (deletes() >= 20 ? 5_000 : 60_000);

    const first = await withMiddleware(tenant, middleware, () =>
      cleanup([tenant], at(T0, 31), { remainingMs, safetyMarginMs: 10_000, concurrency: 2 }),
    );
    expect(first.complete).toBe(false);
    expect(first.deleted).toBeGreaterThan(0);
    expect(first.deleted).toBeLessThan(30);
    expect(await cursorOf(tenant)).toBe(utcDay(at(T0, 30)));

    const second = await cleanup([tenant], at(T0, 31, 3600));
    expect(second.complete).toBe(true);
    expect(first.deleted + second.deleted).toBe(30);
    // Resuming reads only what is left: the rooms not yet deleted and any unfinished cascade.
    expect(second.scanned).toBe(30 - first.deleted + second.resumed);
    expect(await cursorOf(tenant)).toBe(utcDay(at(T0, 31)));
    await expectGone(tenant, created);
  });

  it('stops in the middle of a large room, and the next pass finishes it', async () => {
    const tenant = await newTenant(30);
    const [room] = await rooms(tenant, 1, 500);
    const { counts, middleware } = counting();
    const remainingMs = () => ((counts.BatchWriteItemCommand ?? 0) >= 4 ? 1_000 : 60_000);

    const first = await withMiddleware(tenant, middleware, () =>
      cleanup([tenant], at(T0, 31), { remainingMs, safetyMarginMs: 2_000, childPageSize: 50 }),
    );
    expect(first).toMatchObject({ deleted: 1, complete: false });
    expect(first.children).toBeLessThan(500);
    expect(await getItem(tenant, roomTombstoneKey(tenant, refOf(room!), room!._id))).toBeDefined();

    const second = await cleanup([tenant], at(T0, 31, 3600), { childPageSize: 50 });
    expect(second).toMatchObject({ deleted: 0, resumed: 1, complete: true });
    expect(first.children + second.children).toBe(500);
    await expectGone(tenant, [room!]);
  });
});

describe('cleanup: concurrent passes', () => {
  it('two passes at once delete every room exactly once and fail nothing', async () => {
    const tenant = await newTenant(30);
    const created = await rooms(tenant, 100, 5);
    const now = at(T0, 31);

    const [a, b] = await Promise.all([cleanup([tenant], now), cleanup([tenant], now)]);
    expect(a.deleted + b.deleted).toBe(100);
    expect(a.failedTenants).toEqual([]);
    expect(b.failedTenants).toEqual([]);
    // Every entry a pass read is accounted for: deleted, skipped (the other was first) or resumed.
    for (const pass of [a, b]) expect(pass.scanned).toBe(pass.deleted + pass.skipped + pass.resumed);
    expect(a.children + b.children).toBeGreaterThanOrEqual(500);
    await expectGone(tenant, created);
  });
});

describe('cleanup: the tombstone comes before the room delete', () => {
  /** Runs `onRoomDelete` in place of the first DeleteItem of a room item, then lets the rest through. */
  const atFirstRoomDelete = (onRoomDelete: (forward: () => Promise<unknown>) => Promise<unknown>): Middleware => {
    let met = false;
    return (next, context) => async (args) => {
      const key = (args.input as { Key?: { sk?: string } }).Key;
      if (met || context.commandName !== 'DeleteItemCommand' || key?.sk !== 'ROOM') return next(args);
      met = true;
      return onRoomDelete(() => next(args)) as never;
    };
  };

  it('a pass that stops between the two leaves the room and its tombstone, and the next pass removes everything', async () => {
    const tenant = await newTenant(30);
    const [room] = await rooms(tenant, 1, 12);
    const crash = atFirstRoomDelete(async () => {
      throw new Error('the Lambda stopped here');
    });

    const failure = await withMiddleware(tenant, crash, () =>
      cleanup([tenant], at(T0, 31)).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(failure).toBeInstanceOf(CleanupFailed);
    expect(await getRoomByRef(tenant, refOf(room!))).toBeDefined();
    expect(await getItem(tenant, roomTombstoneKey(tenant, refOf(room!), room!._id))).toBeDefined();

    const next = await cleanup([tenant], at(T0, 31, 3600));
    expect(next).toMatchObject({ deleted: 1, complete: true });
    await expectGone(tenant, [room!]);
  });

  it('a room touched between the two keeps everything, and its tombstone is withdrawn', async () => {
    const tenant = await newTenant(30);
    const [room] = await rooms(tenant, 1, 12);
    const touchFirst = atFirstRoomDelete(async (forward) => {
      await startRoom(tenant, at(T0, 31), Number(room!.order_id));
      return forward();
    });

    const summary = await withMiddleware(tenant, touchFirst, () => cleanup([tenant], at(T0, 31)));
    expect(summary).toMatchObject({ deleted: 0, skipped: 1, complete: true });
    expect((await getRoomByRef(tenant, refOf(room!)))?._id).toBe(room!._id);
    expect(await getItem(tenant, roomTombstoneKey(tenant, refOf(room!), room!._id))).toBeUndefined();
    // The room, its 12 children and nothing else: no tombstone, no child lost.
    expect(await partitionItems(tenant, refOf(room!))).toHaveLength(13);
  });
});
