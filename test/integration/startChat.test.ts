import { randomInt } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { documentClient } from '../../lib/store/client';
import { roomNumberKey } from '../../lib/store/keys';
import { getRoomByRef, touchRoomAsMember } from '../../lib/store/rooms';
import { refOfRoomId } from '../../lib/rooms/identifiers';
import type { Actor } from '../../lib/tenancy/tenant';
import { SEED_BODY } from '../../scripts/local/seedRequest';
import { tenant1 as tenant } from './chatFixtures';

const agent: Actor = { userId: '133', role: 'agent' };

/** A fresh order per test: test files run in parallel against one store. */
const newOrder = () => randomInt(1, 2 ** 40);

const request = (fields: Record<string, unknown> = {}) => startChatRequest.parse({ ...SEED_BODY, ...fields });

/** Counts the requests the shared client sends, to hold startChat to its request budget. */
const countRequests = () => {
  const counter = { count: 0 };
  const name = `count-${Math.random()}`;
  documentClient(tenant).middlewareStack.add(
    (next) => async (args) => {
      counter.count++;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { counter, stop: () => documentClient(tenant).middlewareStack.remove(name) };
};

describe('startChat against the local DynamoDB', () => {
  it('creates a room, then returns the same room touched', async () => {
    const order_id = newOrder();
    const first = await startChat(tenant, agent, request({ order_id }), new Date('2026-01-01T10:00:00.000Z'));
    const again = await startChat(tenant, agent, request({ order_id }), new Date('2026-01-01T10:05:00.000Z'));

    expect(first).toMatchObject({
      type: 'agent_to_user',
      order_id: String(order_id),
      agent_id: '133',
      agent_db: 'salesdemo',
      client_id: '1',
      status: true,
      __v: 0,
      created_date: '2026-01-01T10:00:00.000Z',
    });
    expect(first._id).toMatch(/^[0-9a-f]{24}$/);
    // A generated number: 8 digits, the first a zero (order numbers never start with one).
    expect(first.room_id).toMatch(/^0[0-9]{7}$/);
    expect(again._id).toBe(first._id);
    expect(again.room_id).toBe(first.room_id);
    expect(again.created_date).toBe(first.created_date);
    expect(again.updated_date).toBe('2026-01-01T10:05:00.000Z');
  });

  it('names the same conversation from either side', async () => {
    const order_id = newOrder();
    const byAgent = await startChat(tenant, agent, request({ order_id, order_user_id: 1 }));
    const byUser = await startChat(tenant, { userId: '1', role: 'user' }, request({ order_id, user_id: 1, type: 'user_to_agent' }));
    expect(byUser._id).toBe(byAgent._id);
    expect(byUser.type).toBe('agent_to_user');
  });

  it('keeps conversations of one order apart by type and by order vendor', async () => {
    const order_id = newOrder();
    const ids = new Set([
      (await startChat(tenant, agent, request({ order_id }))). _id,
      (await startChat(tenant, agent, request({ order_id, type: 'agent-to-vendor' })))._id,
      (await startChat(tenant, agent, request({ order_id, order_vendor_id: 3 })))._id,
    ]);
    expect(ids.size).toBe(3);
  });

  it('fills empty participant slots and keeps filled ones', async () => {
    const order_id = newOrder();
    const created = await startChat(tenant, agent, request({ order_id }));
    expect(created).toMatchObject({ agent_id: '133' });
    expect(created.order_user_id).toBeUndefined();

    const filled = await startChat(tenant, agent, request({ order_id, order_user_id: '77', vendor_user_id: 88 }));
    expect(filled).toMatchObject({ agent_id: '133', order_user_id: '77', vendor_user_id: '88' });
    expect(Object.keys(filled.participants).sort()).toEqual(['agent', 'user', 'vendor']);

    // Another customer cannot replace the named one: refused like a room that does not exist.
    await expect(
      startChat(tenant, { userId: '99', role: 'user' }, request({ order_id, user_id: 99, type: 'user-to-agent' })),
    ).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' });
    const kept = await startChat(tenant, agent, request({ order_id, order_user_id: '99' }));
    expect(kept.order_user_id).toBe('77');
  });

  it('50 concurrent first calls yield exactly one room', async () => {
    const order_id = newOrder();
    const rooms = await Promise.all(Array.from({ length: 50 }, () => startChat(tenant, agent, request({ order_id }))));
    expect(new Set(rooms.map((room) => room._id)).size).toBe(1);
    expect(new Set(rooms.map((room) => room.room_id)).size).toBe(1);

    const { Item } = await documentClient(tenant).send(
      new GetCommand({ TableName: config.chatTable, Key: roomNumberKey(tenant, rooms[0]!.room_id) }),
    );
    expect(Item?.room).toBe(rooms[0]!._id);
  });

  it('uses the order number as room_id when given, shared by the order conversations', async () => {
    const order_id = newOrder();
    const order_number = String(randomInt(10_000_000, 100_000_000));
    const withUser = await startChat(tenant, agent, request({ order_id, order_number }));
    const withVendor = await startChat(tenant, agent, request({ order_id, order_number, type: 'agent-to-vendor' }));
    expect(withUser.room_id).toBe(order_number);
    expect(withVendor.room_id).toBe(order_number);
    expect(withVendor._id).not.toBe(withUser._id);
  });

  it('reserves every generated room number for its room', async () => {
    const rooms = await Promise.all(Array.from({ length: 20 }, () => startChat(tenant, agent, request({ order_id: newOrder() }))));
    const owners = await Promise.all(
      rooms.map((room) =>
        documentClient(tenant).send(new GetCommand({ TableName: config.chatTable, Key: roomNumberKey(tenant, room.room_id) })),
      ),
    );
    expect(owners.map(({ Item }) => Item?.room)).toEqual(rooms.map((room) => room._id));
  });

  it('a touch costs one request; a new room four (touch, read, number reservation, create)', async () => {
    const order_id = newOrder();
    const create = countRequests();
    await startChat(tenant, agent, request({ order_id }));
    create.stop();
    const touch = countRequests();
    await startChat(tenant, agent, request({ order_id }));
    touch.stop();
    expect(create.counter.count).toBe(4);
    expect(touch.counter.count).toBe(1);
  });

  it('reopens a closed room', async () => {
    const order_id = newOrder();
    const room = await startChat(tenant, agent, request({ order_id }));
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { roomKey } = await import('../../lib/store/keys');
    await documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, refOfRoomId(room._id)!),
        UpdateExpression: 'SET #s = :f',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':f': false },
      }),
    );
    const reopened = await startChat(tenant, agent, request({ order_id }));
    expect(reopened).toMatchObject({ _id: room._id, status: true });
  });

  it('refuses callers acting for someone else or in another role', async () => {
    await expect(startChat(tenant, { userId: '999', role: 'agent' }, request())).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(startChat(tenant, { userId: '133', role: 'user' }, request())).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('stores every key of the room under the tenant prefix', async () => {
    const room = await startChat(tenant, agent, request({ order_id: newOrder(), order_user_id: 5, vendor_user_id: 6 }));
    const { Items = [] } = await documentClient(tenant).send(
      new QueryCommand({
        TableName: config.chatTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `T#1#ROOM#${refOfRoomId(room._id)}` },
      }),
    );
    expect(Items).toHaveLength(1);
    for (const key of ['pk', 'agent_key', 'user_key', 'vendor_key', 'expiry_bucket']) {
      expect(Items[0]![key]).toMatch(/^T#1#/);
    }
  });
});

describe('the room repository', () => {
  it('refuses to run without a tenant', async () => {
    await expect(getRoomByRef(undefined as never, 'abc')).rejects.toThrow('A resolved tenant is required');
    await expect(
      touchRoomAsMember({ clientId: '' }, {
        ref: 'abc',
        conversation: 'x',
        fields: {} as never,
        participants: {},
        now: new Date().toISOString(),
        expiresAt: 0,
      }, undefined),
    ).rejects.toThrow('A resolved tenant is required');
  });

  it('cannot reach another tenant\'s room with the same reference', async () => {
    const room = await startChat(tenant, agent, request({ order_id: newOrder() }));
    const ref = refOfRoomId(room._id)!;
    expect(await getRoomByRef(tenant, ref)).toBeDefined();
    expect(await getRoomByRef({ clientId: '2' }, ref)).toBeUndefined();
  });
});
