import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { decodeCursor, encodeCursor } from '../../lib/paging/cursor';
import { documentClient } from '../../lib/store/client';
import { listMessages } from '../../lib/messages/listMessages';
import { listMessagesParams } from '../../lib/messages/listMessagesParams';
import { sendMessage } from '../../lib/messages/sendMessage';
import { listRooms } from '../../lib/rooms/listRooms';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { listRoomsParams } from '../../lib/rooms/roomParams';
import type { Actor, Tenant } from '../../lib/tenancy/tenant';
import { actor, newId, newOrder, openConversation, tenant1, tenant2 } from './chatFixtures';

const pageOf = (tenant: Tenant, who: Actor, roomId: string, cursor?: string) =>
  listMessages(tenant, who, listMessagesParams.parse({ _id: roomId, limit: '2', ...(cursor && { cursor }) }));

const errorCode = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code,
  );

const withMessages = async (count: number) => {
  const conversation = await openConversation();
  for (let i = 0; i < count; i++) await sendMessage(tenant1, conversation.agent, conversation.room._id, { text: `m${i}` });
  return conversation;
};

describe('paging cursors', () => {
  it('are opaque: no key, tenant or room id can be read out of them', async () => {
    const { room, agent } = await withMessages(3);
    const { nextCursor } = await pageOf(tenant1, agent, room._id);
    expect(nextCursor).toEqual(expect.any(String));
    const decoded = nextCursor!
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join(' ');
    expect(decoded).not.toMatch(/T#1#|ROOM#|MSG#/);
    expect(decoded).not.toContain(room._id);
  });

  it('refuse tampering, another room, another query and another tenant with INVALID_CURSOR', async () => {
    const { room, agent } = await withMessages(3);
    const other = await withMessages(3);
    const { nextCursor } = await pageOf(tenant1, agent, room._id);
    const cursor = nextCursor!;

    const parts = cursor.split('.');
    const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    const tampered = [
      parts.map((part, i) => (i === 3 ? flip(part) : part)).join('.'), // ciphertext
      parts.map((part, i) => (i === 4 ? flip(part) : part)).join('.'), // tag
      parts.map((part, i) => (i === 2 ? flip(part) : part)).join('.'), // iv
      `${cursor}x`,
      'not-a-cursor',
      Buffer.from(JSON.stringify({ pk: 'T#1#ROOM#x', sk: 'MSG#1' })).toString('base64url'),
    ];
    for (const forged of tampered) expect(await errorCode(pageOf(tenant1, agent, room._id, forged))).toBe('INVALID_CURSOR');

    // Another room's (valid) cursor, presented by someone allowed to read this room.
    const otherCursor = (await pageOf(tenant1, other.agent, other.room._id)).nextCursor!;
    expect(await errorCode(pageOf(tenant1, actor('admin', '1'), room._id, otherCursor))).toBe('INVALID_CURSOR');

    // A rooms-listing cursor is not a messages cursor.
    const roomsScope = { tenant: '1', query: `rooms:agent:${agent.userId}::::` };
    const roomsCursor = (await encodeCursor(roomsScope, { pk: 'x', sk: 'y' }))!;
    expect(await errorCode(pageOf(tenant1, agent, room._id, roomsCursor))).toBe('INVALID_CURSOR');

    // The same query, but another tenant: the cursor is bound to the tenant it was issued for.
    const scope = { tenant: '1', query: `messages:${room._id}` };
    expect(await decodeCursor(scope, cursor, () => true)).toEqual(expect.objectContaining({ pk: expect.any(String) }));
    await expect(decodeCursor({ ...scope, tenant: '2' }, cursor, () => true)).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('refuse a cursor that decrypts but whose key is not of its query with INVALID_CURSOR, not a 500', async () => {
    const { room, agent } = await withMessages(3);
    const other = await withMessages(1);
    const scope = { tenant: tenant1.clientId, query: `messages:${room._id}` };
    const partition = `T#1#ROOM#${room._id.slice(8)}`;
    const keys = [
      { pk: other.room._id, sk: 'MSG#01J0000000000000000000000' }, // another partition
      { pk: `T#1#ROOM#${other.room._id.slice(8)}`, sk: 'MSG#01J0000000000000000000000' }, // another room's partition
      { pk: partition }, // no sort key
      {}, // empty
      { pk: partition, sk: '' },
      { pk: partition, sk: 'ROOM' }, // not a message
      { pk: partition, sk: 'MSG#01J0000000000000000000000', extra: 'x' },
    ];
    for (const key of keys) {
      const forged = (await encodeCursor(scope, key as Record<string, string>))!;
      expect(await errorCode(pageOf(tenant1, agent, room._id, forged))).toBe('INVALID_CURSOR');
    }
    // The check is not too strict: the partition written out by hand is the one the query uses.
    const genuine = (await encodeCursor(scope, { pk: partition, sk: 'MSG#01J0000000000000000000000' }))!;
    expect(await errorCode(pageOf(tenant1, agent, room._id, genuine))).toBe('resolved');

    const agentOnly = actor('agent', newId());
    await startChat(tenant1, agentOnly, startChatRequest.parse({ ...newOrder(), user_id: agentOnly.userId, type: 'agent-to-vendor' }));
    const roomsScope = { tenant: '1', query: `rooms:agent:${agentOnly.userId}:::` };
    const listWith = async (key: Record<string, string | number>) =>
      errorCode(listRooms(tenant1, agentOnly, listRoomsParams.parse({ limit: '2', cursor: (await encodeCursor(roomsScope, key))! })));
    const roomKeys = { pk: partition, sk: 'ROOM', activity_minute: 29_000_000 * 60 };
    expect(await listWith({ ...roomKeys, agent_key: `T#1#AGENT#${newId()}` })).toBe('INVALID_CURSOR'); // another agent's index partition
    expect(await listWith({ ...roomKeys, agent_key: `T#1#AGENT#${agentOnly.userId}`, activity_minute: '' })).toBe('INVALID_CURSOR');
    expect(await listWith({ pk: partition, sk: 'ROOM', agent_key: `T#1#AGENT#${agentOnly.userId}` })).toBe('INVALID_CURSOR');
    expect(await listWith({ ...roomKeys, agent_key: `T#1#AGENT#${agentOnly.userId}`, pk: 'T#2#ROOM#x' })).toBe('INVALID_CURSOR');
    expect(await listWith({ ...roomKeys, agent_key: `T#1#AGENT#${agentOnly.userId}` })).toBe('resolved');
  });

  it('refuse a cursor sealed with the real key whose sort key is over DynamoDB\'s 1024 bytes with INVALID_CURSOR, not a 500', async () => {
    const { room, agent } = await withMessages(3);
    const scope = { tenant: tenant1.clientId, query: `messages:${room._id}` };
    const partition = `T#1#ROOM#${room._id.slice(8)}`;
    const longKey = { pk: partition, sk: `MSG#${'0'.repeat(1096)}` };
    expect(Buffer.byteLength(longKey.sk)).toBe(1100);
    // The store itself refuses to start a query there: that refusal was the 500.
    const refusedByStore = documentClient(tenant1).send(
      new QueryCommand({
        TableName: config.chatTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ExclusiveStartKey: longKey,
      }),
    );
    await expect(refusedByStore).rejects.toMatchObject({ name: 'ValidationException' });

    const forged = (await encodeCursor(scope, longKey))!;
    expect(listMessagesParams.safeParse({ _id: room._id, cursor: forged }).success).toBe(true);
    expect(await errorCode(pageOf(tenant1, agent, room._id, forged))).toBe('INVALID_CURSOR');
    // The same listing with a key inside the limits continues.
    const genuine = (await encodeCursor(scope, { pk: partition, sk: 'MSG#01J0000000000000000000000' }))!;
    expect(await errorCode(pageOf(tenant1, agent, room._id, genuine))).toBe('resolved');
  });

  it('a rooms cursor continues only its own listing', async () => {
    const agent = actor('agent', newId());
    for (let i = 0; i < 3; i++) {
      await startChat(tenant1, agent, startChatRequest.parse({ ...newOrder(), user_id: agent.userId, type: 'agent-to-vendor' }));
    }
    const first = await listRooms(tenant1, agent, listRoomsParams.parse({ limit: '2' }));
    expect(first.rooms).toHaveLength(2);
    const second = await listRooms(tenant1, agent, listRoomsParams.parse({ limit: '2', cursor: first.nextCursor }));
    expect(second.rooms).toHaveLength(1);
    expect(new Set([...first.rooms, ...second.rooms].map((room) => room._id)).size).toBe(3);

    const filtered = listRooms(tenant1, agent, listRoomsParams.parse({ limit: '2', status: 'true', cursor: first.nextCursor }));
    await expect(filtered).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    const someoneElse = listRooms(tenant1, actor('admin', '9'), listRoomsParams.parse({ role: 'agent', user_id: newId(), cursor: first.nextCursor }));
    await expect(someoneElse).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    const otherTenant = listRooms(tenant2, agent, listRoomsParams.parse({ limit: '2', cursor: first.nextCursor }));
    await expect(otherTenant).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });
});
