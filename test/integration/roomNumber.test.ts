/**
 * Room numbers: generated ones (a leading zero) and order numbers (none) never meet; an order
 * number another order holds is refused with nothing written; no request renumbers a room it is
 * not creating.
 */
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { handler as startChatHandler } from '../../functions/startChat/handler';
import * as identifiers from '../../lib/rooms/identifiers';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { conversationRef } from '../../lib/rooms/identifiers';
import { roomNumberKey } from '../../lib/store/keys';
import { getRoomByRef } from '../../lib/store/rooms';
import type { Actor } from '../../lib/tenancy/tenant';
import { SEED_PATH } from '../../scripts/local/seedRequest';
import { invokeHttp, tokenOf } from '../support/lambda';
import { actor, newId, newOrder, tenant1 } from './chatFixtures';
import { getItem, partitionItems } from './cleanupFixtures';

// Only the room-number draw is replaced (and only where a test says so); every write still goes
// to the local DynamoDB.
jest.mock('../../lib/rooms/identifiers', () => {
  const actual = jest.requireActual('../../lib/rooms/identifiers');
  return { ...actual, randomRoomNumber: jest.fn(actual.randomRoomNumber) };
});
const draw = jest.mocked(identifiers.randomRoomNumber);
const realDraw: () => string = jest.requireActual('../../lib/rooms/identifiers').randomRoomNumber;
afterEach(() => draw.mockImplementation(realDraw));

const tenant = tenant1;
type Order = ReturnType<typeof newOrder>;

const start = (who: Actor, order: Order, fields: Record<string, unknown> = {}) =>
  startChat(tenant, who, startChatRequest.parse({ ...order, user_id: who.userId, type: 'agent-to-user', ...fields }));

const owner = async (roomNumber: string) => (await getItem(tenant, roomNumberKey(tenant, roomNumber)))?.room;

/** Every item of the order's agent-to-user conversation partition (its room and children). */
const conversationItems = (order: Order) =>
  partitionItems(tenant, conversationRef(tenant.clientId, `${order.order_id}#${order.order_vendor_id}#agent_to_user`));

const anOrderNumber = () => String(randomInt(10_000_000, 100_000_000));

describe('generated room numbers and order numbers', () => {
  it('a generated number is an 8-digit string that order_number refuses, in either JSON form', () => {
    const seed = { ...newOrder(), user_id: '7', type: 'agent-to-user' };
    for (let i = 0; i < 2000; i++) {
      const generated = realDraw();
      expect(generated).toMatch(/^[0-9]{8}$/);
      for (const form of [generated, Number(generated)]) {
        const parsed = startChatRequest.safeParse({ ...seed, order_number: form });
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['order_number']);
      }
    }
  });

  it('every order_number the schema accepts lies outside the generated numbers (property)', () => {
    const seed = { ...newOrder(), user_id: '7', type: 'agent-to-user' };
    const candidate = fc.oneof(
      fc.integer({ min: 0, max: 99_999_999 }),
      fc.integer({ min: 0, max: 99_999_999 }).map((n) => String(n).padStart(8, '0')),
      fc.stringMatching(/^[0-9]{1,9}$/),
    );
    fc.assert(
      fc.property(candidate, (value) => {
        const parsed = startChatRequest.safeParse({ ...seed, order_number: value });
        if (!parsed.success) return;
        expect(parsed.data.order_number).toMatch(/^[1-9][0-9]{7}$/);
        expect(parsed.data.order_number!.startsWith('0')).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('draws again, before creating the room, when a drawn number is taken', async () => {
    const agent = actor('agent', newId());
    const taken = await start(agent, newOrder());
    draw.mockReturnValueOnce(taken.room_id);

    const room = await start(agent, newOrder());

    expect(room.room_id).not.toBe(taken.room_id);
    expect(room.room_id).toMatch(/^0[0-9]{7}$/);
    expect((await getRoomByRef(tenant, identifiers.refOfRoomId(room._id)!))?.room_id).toBe(room.room_id);
    expect(await owner(room.room_id)).toBe(room._id);
    expect(await owner(taken.room_id)).toBe(taken._id);
  });

  it('callers who lose the creation race free the numbers they reserved', async () => {
    const agent = actor('agent', newId());
    const drawn = Array.from({ length: 10 }, () => realDraw());
    const queue = [...drawn];
    draw.mockImplementation(() => queue.shift() ?? realDraw());
    const order = newOrder();
    const rooms = await Promise.all(drawn.map(() => start(agent, order)));

    const [room] = rooms;
    expect(new Set(rooms.map((each) => `${each._id}/${each.room_id}`)).size).toBe(1);
    const owners = await Promise.all(drawn.map(owner));
    // Exactly the winner's number stays reserved, for the room; every other drawn number is free.
    expect(owners.filter((each) => each !== undefined)).toEqual([room!._id]);
    expect(owners[drawn.indexOf(room!.room_id)]).toBe(room!._id);
  });

  it("an order's conversations share its number, reserved for the order", async () => {
    const agent = actor('agent', newId());
    const order = newOrder();
    const orderNumber = anOrderNumber();
    const withUser = await start(agent, order, { order_number: orderNumber });
    const withVendor = await start(agent, order, { order_number: orderNumber, type: 'agent-to-vendor' });
    expect([withUser.room_id, withVendor.room_id]).toEqual([orderNumber, orderNumber]);
    expect(await owner(orderNumber)).toBe(`ORDER#${order.order_id}`);
  });
});

describe('an order_number that is not the order’s own', () => {
  it('held by another order: 409 ORDER_NUMBER_TAKEN, no room and no reservation written', async () => {
    const agent = actor('agent', newId());
    const first = newOrder();
    const orderNumber = anOrderNumber();
    const room = await start(agent, first, { order_number: orderNumber });

    const second = newOrder();
    await expect(start(agent, second, { order_number: orderNumber })).rejects.toMatchObject({
      code: 'ORDER_NUMBER_TAKEN',
      status: 409,
      errors: [{ path: 'order_number', message: expect.any(String) }],
    });
    expect(await conversationItems(second)).toEqual([]);
    expect(await owner(orderNumber)).toBe(`ORDER#${first.order_id}`);
    expect(await getRoomByRef(tenant, identifiers.refOfRoomId(room._id)!)).toMatchObject({ _id: room._id, room_id: orderNumber });
    // Through the real handler: the same 409 with its code, and still nothing written.
    const token = await tokenOf(tenant.clientId, agent);
    const third = newOrder();
    const reply = await invokeHttp(startChatHandler, {
      method: 'POST',
      path: SEED_PATH,
      body: { ...third, user_id: agent.userId, type: 'agent-to-user', order_number: Number(orderNumber) },
      token,
    });
    expect(reply.status).toBe(409);
    expect(reply.json).toMatchObject({ status: 409, code: 'ORDER_NUMBER_TAKEN' });
    expect(await conversationItems(third)).toEqual([]);
    expect(await owner(orderNumber)).toBe(`ORDER#${first.order_id}`);
  });

  it("another agent's generated number as order_number: refused (400), the victim's room and reservation unchanged", async () => {
    const victim = actor('agent', '133');
    const victimOrder = newOrder();
    const room = await start(victim, victimOrder);
    const reservation = await owner(room.room_id);
    expect(reservation).toBe(room._id);

    const attacker = actor('agent', '999');
    const attackerOrder = newOrder();
    const reply = await invokeHttp(startChatHandler, {
      method: 'POST',
      path: SEED_PATH,
      body: { ...attackerOrder, user_id: attacker.userId, type: 'agent-to-user', order_number: room.room_id },
      token: await tokenOf(tenant.clientId, attacker),
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ path: 'order_number' }] });
    const after = await getRoomByRef(tenant, identifiers.refOfRoomId(room._id)!);
    expect(after).toMatchObject({ _id: room._id, room_id: room.room_id, updated_date: room.updated_date });
    expect(await owner(room.room_id)).toBe(room._id);
    expect(await conversationItems(attackerOrder)).toEqual([]);
  });

  it('the number of a room created before generated numbers had their own range: 409, that room keeps it', async () => {
    // A room whose generated number lies in the order numbers' range, as rooms created earlier do.
    const victim = actor('agent', '133');
    const legacyNumber = anOrderNumber();
    draw.mockReturnValueOnce(legacyNumber);
    const room = await start(victim, newOrder());
    expect(room.room_id).toBe(legacyNumber);

    const attacker = actor('agent', '999');
    const attackerOrder = newOrder();
    for (let round = 0; round < 3; round++) {
      await expect(start(attacker, attackerOrder, { order_number: legacyNumber })).rejects.toMatchObject({ code: 'ORDER_NUMBER_TAKEN' });
    }
    const after = await getRoomByRef(tenant, identifiers.refOfRoomId(room._id)!);
    expect(after).toMatchObject({ _id: room._id, room_id: legacyNumber, updated_date: room.updated_date });
    expect(await owner(legacyNumber)).toBe(room._id);
    expect(await conversationItems(attackerOrder)).toEqual([]);
  });
});
