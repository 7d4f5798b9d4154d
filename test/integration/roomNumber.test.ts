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
const request = (order_id: number) =>
  startChatRequest.parse({
    sub_domain: 'ace.localhost', client_id: 2, db_name: 'ace', user_id: '7', type: 'agent-to-user',
    order_vendor_id: 1, vendor_id: 1, order_id,
  });

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
