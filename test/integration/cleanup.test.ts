import { isStale } from '../../lib/cleanup/clock';
import { runCleanup } from '../../lib/cleanup/runCleanup';
import { removeCandidate } from '../../lib/cleanup/removeCandidate';
import { selectExpiredPage } from '../../lib/cleanup/selectExpired';
import { unlimitedBudget } from '../../lib/cleanup/budget';
import { logger } from '../../lib/log';
import { getRoomByRef } from '../../lib/store/rooms';
import { roomNumberKey } from '../../lib/store/keys';
import { at, cleanup, cursorOf, getItem, newTenant, partitionItems, putChildren, refOf, startRoom, T0, updateTenant } from './cleanupFixtures';

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

describe('cleanup: retention', () => {
  it('honours each tenant\'s own retention, and expires suspended tenants\' rooms too', async () => {
    const short = await newTenant(10);
    const long = await newTenant(40);
    const suspended = await newTenant(10);
    const shortRoom = await startRoom(short, T0);
    const longRoom = await startRoom(long, T0);
    const suspendedRoom = await startRoom(suspended, T0);
    await updateTenant(suspended, { status: 'suspended' });

    const first = await cleanup([short, long, suspended], at(T0, 20));
    expect(first).toMatchObject({ scanned: 2, deleted: 2, skipped: 0, tenants: 3, complete: true });
    expect(await getRoomByRef(short, refOf(shortRoom))).toBeUndefined();
    expect(await getRoomByRef(suspended, refOf(suspendedRoom))).toBeUndefined();
    expect(await getRoomByRef(long, refOf(longRoom))).toBeDefined();

    const second = await cleanup([short, long, suspended], at(T0, 41));
    expect(second).toMatchObject({ scanned: 1, deleted: 1 });
    expect(await getRoomByRef(long, refOf(longRoom))).toBeUndefined();
  });

  it('a retention change applies to rooms touched after it', async () => {
    const before = await newTenant(30);
    const untouched = await startRoom(before, T0);
    const after = await updateTenant(before, { retention_days: 5 });
    const touchedAfter = await startRoom(after, T0);

    await cleanup([after], at(T0, 6));
    expect(await getRoomByRef(after, refOf(touchedAfter))).toBeUndefined();
    expect(await getRoomByRef(after, refOf(untouched))).toBeDefined();

    // Touching the older room now gives it the new retention from this touch on.
    await startRoom(after, at(T0, 6), Number((await getRoomByRef(after, refOf(untouched)))!.order_id));
    await cleanup([after], at(T0, 10));
    expect(await getRoomByRef(after, refOf(untouched))).toBeDefined();
    await cleanup([after], at(T0, 11));
    expect(await getRoomByRef(after, refOf(untouched))).toBeUndefined();
  });

  it('a room is stale from the very second its retention ends (expires_at <= now)', async () => {
    expect(isStale(100, new Date(99_000))).toBe(false);
    expect(isStale(100, new Date(100_000))).toBe(true);

    const tenant = await newTenant(30);
    const room = await startRoom(tenant, T0);
    const oneSecondEarly = await cleanup([tenant], at(T0, 30, -1));
    expect(oneSecondEarly).toMatchObject({ scanned: 0, deleted: 0 });
    expect(await getRoomByRef(tenant, refOf(room))).toBeDefined();

    const exactly = await cleanup([tenant], at(T0, 30));
    expect(exactly).toMatchObject({ scanned: 1, deleted: 1 });
    expect(await getRoomByRef(tenant, refOf(room))).toBeUndefined();
  });

  it('a touch pushes the expiry forward', async () => {
    const tenant = await newTenant(30);
    const room = await startRoom(tenant, T0);
    await startRoom(tenant, at(T0, 20), Number(room.order_id));
    expect(await cleanup([tenant], at(T0, 31))).toMatchObject({ deleted: 0 });
    expect(await cleanup([tenant], at(T0, 50))).toMatchObject({ deleted: 1 });
  });
});

describe('cleanup: deletion', () => {
  it('deletes everything stored under the room and its number reservation, and nothing of a later room', async () => {
    const tenant = await newTenant(30);
    const room = await startRoom(tenant, T0);
    const neighbour = await startRoom(tenant, at(T0, 10));
    await putChildren(tenant, room, 60);
    await putChildren(tenant, neighbour, 3);
    // A child of a later incarnation of the room (same partition, another `_id`) must stay.
    const laterId = `${'f'.repeat(8)}${refOf(room)}`;
    await putChildren(tenant, room, 2, laterId);
    expect(await getItem(tenant, roomNumberKey(tenant, room.room_id))).toMatchObject({ room: room._id });

    const summary = await cleanup([tenant], at(T0, 31));
    expect(summary).toMatchObject({ scanned: 1, deleted: 1, children: 60, complete: true });
    expect((await partitionItems(tenant, refOf(room))).map((item) => item.room)).toEqual([laterId, laterId]);
    expect(await getItem(tenant, roomNumberKey(tenant, room.room_id))).toBeUndefined();
    expect(await partitionItems(tenant, refOf(neighbour))).toHaveLength(4);
    expect(await getItem(tenant, roomNumberKey(tenant, neighbour.room_id))).toBeDefined();

    // The same conversation started again is a new room.
    const again = await startRoom(tenant, at(T0, 32), Number(room.order_id));
    expect(again._id).not.toBe(room._id);
    expect(refOf(again)).toBe(refOf(room));
    expect(again.created_date).toBe(at(T0, 32).toISOString());
  });

  it('keeps a number reservation held by another room (order-number rooms hold none)', async () => {
    const tenant = await newTenant(30);
    const holder = await startRoom(tenant, at(T0, 10));
    const orderNumber = '52788594';
    const numbered = await startRoom(tenant, T0, undefined, { order_number: orderNumber });
    expect(numbered.room_id).toBe(orderNumber);
    expect(await cleanup([tenant], at(T0, 31))).toMatchObject({ deleted: 1 });
    expect(await getRoomByRef(tenant, refOf(numbered))).toBeUndefined();
    // Deleting the order's room frees neither the order's reservation nor the other room's.
    expect(await getItem(tenant, roomNumberKey(tenant, orderNumber))).toMatchObject({ room: `ORDER#${numbered.order_id}` });
    expect(await getItem(tenant, roomNumberKey(tenant, holder.room_id))).toMatchObject({ room: holder._id });
  });

  it('a room touched between selection and deletion survives whole', async () => {
    const tenant = await newTenant(30);
    const touched = await startRoom(tenant, T0);
    const stale = await startRoom(tenant, T0);
    await putChildren(tenant, touched, 5);
    const now = at(T0, 31);

    const page = await selectExpiredPage(tenant, utcDay(at(T0, 30)), now, { limit: 100 });
    expect(page.candidates.map((candidate) => candidate.pk).sort()).toEqual(
      [touched, stale].map((room) => `T#${tenant.clientId}#ROOM#${refOf(room)}`).sort(),
    );

    await startRoom(tenant, now, Number(touched.order_id));

    const outcomes = await Promise.all(
      page.candidates.map((candidate) => removeCandidate(tenant, candidate, { budget: unlimitedBudget, childPageSize: 100 })),
    );
    const byPk = Object.fromEntries(page.candidates.map((candidate, index) => [candidate.pk, outcomes[index]!.result]));
    expect(byPk[`T#${tenant.clientId}#ROOM#${refOf(touched)}`]).toBe('skipped');
    expect(byPk[`T#${tenant.clientId}#ROOM#${refOf(stale)}`]).toBe('deleted');
    expect(await getRoomByRef(tenant, refOf(touched))).toMatchObject({ _id: touched._id, updated_date: now.toISOString() });
    expect(await partitionItems(tenant, refOf(touched))).toHaveLength(6);
    expect(await getItem(tenant, roomNumberKey(tenant, touched.room_id))).toBeDefined();
    expect(await getRoomByRef(tenant, refOf(stale))).toBeUndefined();
  });

  it('moves the cursor to the first expiry day not yet fully cleaned', async () => {
    const tenant = await newTenant(30);
    await startRoom(tenant, T0);
    expect(await cursorOf(tenant)).toBeUndefined();
    await cleanup([tenant], at(T0, 31));
    expect(await cursorOf(tenant)).toBe(utcDay(at(T0, 31)));
    // A pass at a simulated time (npm run cleanup -- --now) reads the cursor but leaves it.
    await cleanup([tenant], at(T0, 40), { persistCursor: false });
    expect(await cursorOf(tenant)).toBe(utcDay(at(T0, 31)));
  });

  it('dry run counts what is due and changes nothing', async () => {
    const tenant = await newTenant(30);
    const room = await startRoom(tenant, T0);
    expect(await cleanup([tenant], at(T0, 31), { dryRun: true })).toMatchObject({ scanned: 1, deleted: 0 });
    expect(await getRoomByRef(tenant, refOf(room))).toBeDefined();
    expect(await cursorOf(tenant)).toBeUndefined();
  });

  it('logs one structured line per tenant and per pass, with counts and no room content', async () => {
    const tenant = await newTenant(30);
    const room = await startRoom(tenant, T0, undefined, { participant: { username: 'Secret Name' } });
    const lines: [string, Record<string, unknown>][] = [];
    const spy = jest.spyOn(logger, 'info').mockImplementation(((message: string, extra: Record<string, unknown>) => {
      lines.push([message, extra]);
    }) as never);
    try {
      await runCleanup({ now: at(T0, 31), tenants: [tenant.clientId] });
    } finally {
      spy.mockRestore();
    }
    expect(lines.map(([message]) => message)).toEqual(['cleanup tenant', 'cleanup pass']);
    expect(lines[0]![1]).toMatchObject({ clientId: tenant.clientId, scanned: 1, deleted: 1, durationMs: expect.any(Number) });
    expect(lines[1]![1]).toMatchObject({ tenants: 1, deleted: 1, durationMs: expect.any(Number) });
    const logged = JSON.stringify(lines);
    for (const content of [room._id, room.order_id, room.room_id, 'Secret Name']) expect(logged).not.toContain(content);
  });
});
