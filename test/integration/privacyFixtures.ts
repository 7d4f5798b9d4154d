import { randomBytes, randomInt } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { openConnection } from '../../lib/realtime/connections';
import { markRoomRead } from '../../lib/rooms/markRoomRead';
import { markRoomReadRequest } from '../../lib/rooms/markRoomReadRequest';
import { reassignParticipant } from '../../lib/rooms/reassignParticipant';
import { startChat } from '../../lib/rooms/startChat';
import { startChatRequest } from '../../lib/rooms/startChatRequest';
import { createDocumentClient } from '../../lib/store/client';
import { tenantPrefix } from '../../lib/store/keys';
import type { Actor, Tenant } from '../../lib/tenancy/tenant';
import { epochSeconds } from '../../lib/time';
import { actor, newId, newOrder, tenant1 } from './chatFixtures';

/** Fixtures of the privacy tests (not a test file itself). */

const canary = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;

/**
 * A user id of 13 digits below any epoch-millisecond value the store holds (pacing state), so
 * finding it in an item with no digit either side can only mean the person.
 */
export const distinctUserId = () => String(randomInt(1_000_000_000_000, 1_099_000_000_000));

/** What must be gone from the tenant after the erasure: the person's id, profile and every text they wrote. */
export interface PersonSecrets {
  userId: string;
  username: string;
  email: string;
  phone: string;
  texts: string[];
  clientMessageIds: string[];
}

export interface PersonRoom {
  roomId: string;
  /** The other participant, who keeps writing and reading. */
  other: Actor;
  /** The room's messages, oldest first, with who sent them. */
  sent: { id: string; by: 'person' | 'other'; text: string }[];
}

export interface PersonFixture {
  tenant: Tenant;
  person: Actor;
  secrets: PersonSecrets;
  /** Rooms whose user slot is theirs. */
  current: PersonRoom[];
  /** A room they wrote in before an admin gave its user slot to someone else. */
  former: PersonRoom;
}

const say = async (tenant: Tenant, room: PersonRoom, who: Actor, by: 'person' | 'other', secrets: PersonSecrets, withClientId = false) => {
  const text = by === 'person' ? canary('said') : canary('other-said');
  const clientMessageId = withClientId ? canary('cmid') : undefined;
  const sent = await sendMessage(tenant, who, room.roomId, sendMessageRequest.parse({ text, client_message_id: clientMessageId }));
  room.sent.push({ id: sent.message._id, by, text });
  if (by === 'person') {
    secrets.texts.push(text);
    if (clientMessageId) secrets.clientMessageIds.push(clientMessageId);
  }
  return sent.message;
};

/** A room of an order: `other` opens it naming the person, who joins it with their profile. */
const openRoom = async (tenant: Tenant, person: Actor, other: Actor, profile: Record<string, string>): Promise<PersonRoom> => {
  const order = newOrder(tenant);
  const vendor = other.role === 'vendor';
  await startChat(
    tenant,
    other,
    startChatRequest.parse({ ...order, user_id: other.userId, type: vendor ? 'vendor-to-user' : 'agent-to-user', order_user_id: person.userId }),
  );
  const joined = await startChat(
    tenant,
    person,
    startChatRequest.parse({
      ...order,
      user_id: person.userId,
      type: vendor ? 'user-to-vendor' : 'user-to-agent',
      ...(vendor ? { vendor_user_id: other.userId } : { agent_id: other.userId }),
      participant: profile,
    }),
  );
  return { roomId: joined._id, other, sent: [] };
};

/**
 * One customer of `tenant` with three current rooms (two agents and a vendor, who write too), a
 * room they were reassigned out of, a read cursor, `client_message_id`s and an open connection.
 */
export const personWithRooms = async (tenant: Tenant = tenant1, userId = distinctUserId()): Promise<PersonFixture> => {
  const person = actor('user', userId);
  const secrets: PersonSecrets = {
    userId,
    username: canary('Pat'),
    email: `${canary('pat')}@example.com`,
    phone: `+4420${randomInt(10_000_000, 99_999_999)}`,
    texts: [],
    clientMessageIds: [],
  };
  const profile = { username: secrets.username, email: secrets.email, phone_num: secrets.phone };
  const current = [
    await openRoom(tenant, person, actor('agent', newId()), profile),
    await openRoom(tenant, person, actor('vendor', newId()), profile),
    await openRoom(tenant, person, actor('agent', newId()), profile),
  ];
  const [first, second, third] = current as [PersonRoom, PersonRoom, PersonRoom];
  // The first room's last word is theirs (the preview names them); the second's is the vendor's.
  await say(tenant, first, first.other, 'other', secrets);
  await say(tenant, first, person, 'person', secrets, true);
  await say(tenant, first, first.other, 'other', secrets);
  await say(tenant, first, person, 'person', secrets, true);
  await say(tenant, second, person, 'person', secrets);
  await say(tenant, second, second.other, 'other', secrets);
  const read = await say(tenant, third, third.other, 'other', secrets);
  await markRoomRead(tenant, person, third.roomId, markRoomReadRequest.parse({ message_id: read._id }));
  await say(tenant, third, person, 'person', secrets, true);

  const former = await openRoom(tenant, person, actor('agent', newId()), profile);
  await say(tenant, former, person, 'person', secrets, true);
  await say(tenant, former, former.other, 'other', secrets);
  await say(tenant, former, person, 'person', secrets);
  await reassignParticipant(tenant, actor('admin', '1'), former.roomId, 'user', newId());

  await openConnection(tenant, person, `conn-${randomBytes(6).toString('hex')}`, epochSeconds(new Date()) + 3600);
  return { tenant, person, secrets, current, former };
};

/** Every item of the tenant, read by a Scan of the whole table (test code only: no tenant client may scan). */
export const tenantItems = async (tenant: Tenant): Promise<Record<string, unknown>[]> => {
  const client = createDocumentClient();
  const prefix = tenantPrefix(tenant);
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: config.chatTable, ExclusiveStartKey: startKey, ConsistentRead: true }));
    for (const item of page.Items ?? []) if (String(item.pk).startsWith(prefix)) items.push(item);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The items of the tenant holding anything of the person: their id (not inside a longer number), profile or texts. */
export const itemsNaming = async (tenant: Tenant, secrets: PersonSecrets): Promise<Record<string, unknown>[]> => {
  const id = new RegExp(`(?<![0-9])${escape(secrets.userId)}(?![0-9])`);
  const values = [secrets.username, secrets.email, secrets.phone, ...secrets.texts, ...secrets.clientMessageIds];
  return (await tenantItems(tenant)).filter((item) => {
    const text = JSON.stringify(item);
    return id.test(text) || values.some((value) => text.includes(value));
  });
};
