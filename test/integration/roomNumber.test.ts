import { randomInt } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import * as identifiers from '../../lib/rooms/identifiers';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { documentClient } from '../../lib/store/client';
import { roomNumberKey } from '../../lib/store/keys';
import { getRoomByRef } from '../../lib/store/rooms';
import type { Tenant } from '../../lib/tenancy/tenant';

// Only the room-number draw is replaced; every write still goes to the local DynamoDB.
jest.mock('../../lib/rooms/identifiers', () => {
  const actual = jest.requireActual('../../lib/rooms/identifiers');
  return { ...actual, randomRoomNumber: jest.fn(actual.randomRoomNumber) };
});
const draw = jest.mocked(identifiers.randomRoomNumber);

const tenant: Tenant = { clientId: '2', subDomain: 'ace.localhost', dbName: 'ace', name: 'Ace', status: 'active', retentionDays: 30 };
const body = (order_id: number) => ({
  sub_domain: 'ace.localhost', client_id: 2, db_name: 'ace', user_id: '7', type: 'agent-to-user',
  order_vendor_id: 1, vendor_id: 1, order_id,
});
const request = (order_id: number) => startChatRequest.parse(body(order_id));

it('draws again, before creating the room, when the first room number is taken', async () => {
  const agent = { userId: '7', role: 'agent' as const };
  const taken = await startChat(tenant, agent, request(randomInt(1, 2 ** 40)));
  draw.mockReturnValueOnce(taken.room_id);

  const room = await startChat(tenant, agent, request(randomInt(1, 2 ** 40)));

  expect(room.room_id).not.toBe(taken.room_id);
  expect((await getRoomByRef(tenant, identifiers.refOfRoomId(room._id)!))?.room_id).toBe(room.room_id);
  const owner = await documentClient(tenant).send(new GetCommand({ TableName: config.chatTable, Key: roomNumberKey(tenant, room.room_id) }));
  expect(owner.Item?.room).toBe(room._id);
  const original = await documentClient(tenant).send(new GetCommand({ TableName: config.chatTable, Key: roomNumberKey(tenant, taken.room_id) }));
  expect(original.Item?.room).toBe(taken._id);
});

const owner = async (roomNumber: string) =>
  (await documentClient(tenant).send(new GetCommand({ TableName: config.chatTable, Key: roomNumberKey(tenant, roomNumber), ConsistentRead: true })))
    .Item?.room;

it('never draws a number an order holds: order numbers are reserved for their order', async () => {
  const agent = { userId: '7', role: 'agent' as const };
  const orderNumber = String(randomInt(10_000_000, 100_000_000));
  const order_id = randomInt(1, 2 ** 40);
  const withOrderNumber = await startChat(tenant, agent, startChatRequest.parse({ ...body(order_id), order_number: orderNumber }));
  expect(withOrderNumber.room_id).toBe(orderNumber);
  expect(await owner(orderNumber)).toBe(`ORDER#${order_id}`);
  // The order's other conversation shares the number.
  const vendorSide = await startChat(tenant, agent, startChatRequest.parse({ ...body(order_id), order_number: orderNumber, type: 'agent-to-vendor' }));
  expect(vendorSide.room_id).toBe(orderNumber);

  draw.mockReturnValueOnce(orderNumber);
  const generated = await startChat(tenant, agent, request(randomInt(1, 2 ** 40)));
  expect(generated.room_id).not.toBe(orderNumber);
  expect(await owner(generated.room_id)).toBe(generated._id);
});

it('callers who lose the creation race free the numbers they reserved', async () => {
  const agent = { userId: '7', role: 'agent' as const };
  const drawn = Array.from({ length: 10 }, () => String(randomInt(10_000_000, 100_000_000)));
  for (const number of drawn) draw.mockReturnValueOnce(number);
  const order_id = randomInt(1, 2 ** 40);
  const rooms = await Promise.all(drawn.map(() => startChat(tenant, agent, request(order_id))));

  const [room] = rooms;
  expect(new Set(rooms.map((each) => `${each._id}/${each.room_id}`)).size).toBe(1);
  const owners = await Promise.all(drawn.map(owner));
  // Exactly the winner's number stays reserved, for the room; every other drawn number is free.
  expect(owners.filter((each) => each !== undefined)).toEqual([room!._id]);
  expect(owners[drawn.indexOf(room!.room_id)]).toBe(room!._id);
});

it('an order whose number a generated room took first gets it back; that room is renumbered', async () => {
  const agent = { userId: '7', role: 'agent' as const };
  const generated = await startChat(tenant, agent, request(randomInt(1, 2 ** 40)));
  const order_id = randomInt(1, 2 ** 40);

  const ordered = await startChat(tenant, agent, startChatRequest.parse({ ...body(order_id), order_number: generated.room_id }));

  expect(ordered.room_id).toBe(generated.room_id);
  expect(await owner(generated.room_id)).toBe(`ORDER#${order_id}`);
  const renumbered = await getRoomByRef(tenant, identifiers.refOfRoomId(generated._id)!);
  expect(renumbered?._id).toBe(generated._id);
  expect(renumbered?.room_id).not.toBe(generated.room_id);
  expect(await owner(renumbered!.room_id)).toBe(generated._id);
});
