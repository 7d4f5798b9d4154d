import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { Message } from '../messages/message';
import { senderKey } from '../messages/sendRate';
import type { PersonRef } from '../privacy/person';
import { SLOT_OF_ROLE } from '../rooms/chatType';
import type { Room } from '../rooms/room';
import { documentClient } from './client';
import { conditionHeld } from './conditions';
import {
  CONNECTION_SK_PREFIX,
  connectionPartition,
  isTenantKey,
  MESSAGE_SK_PREFIX,
  messageDedupePrefix,
  messageKey,
  participantIndexKey,
  PARTICIPANT_INDEX,
  roomKey,
  roomPartition,
  type ItemKey,
  type TenantKeyScope,
} from './keys';
import type { PageRequest } from './pageRequest';
import { profileAttribute, sendRateSender, toRoom } from './roomItem';
import { queryAllItems } from './tenantItems';

/*
 * What exporting and erasing one person's chat data reads and writes: their rooms by the per-role
 * index, their messages and `client_message_id` claims in a room's partition, their connections
 * (lib/store/erasures.ts keeps the erasure's own records). Every request goes through the
 * tenant's guarded client.
 */

/** The room partitions the person's role index names, one page of them (keys only: the index holds no more). */
export const queryIndexedRoomRefs = async (
  tenant: TenantKeyScope,
  person: PersonRef,
  page: PageRequest,
): Promise<{ refs: string[]; next?: Record<string, string | number> }> => {
  const index = PARTICIPANT_INDEX[person.role];
  const { Items = [], LastEvaluatedKey } = await documentClient(tenant).send(
    new QueryCommand({
      TableName: config.chatTable,
      IndexName: index.name,
      KeyConditionExpression: '#key = :key',
      ExpressionAttributeNames: { '#key': index.attribute },
      ExpressionAttributeValues: { ':key': participantIndexKey(tenant, person.role, person.userId) },
      // Oldest activity first: an export lists a person's history in the order it happened.
      ScanIndexForward: true,
      Limit: page.limit,
      ExclusiveStartKey: page.startKey,
    }),
  );
  const roomPrefix = roomPartition(tenant, '');
  const refs = Items.map((item) => {
    const pk = String(item.pk);
    if (!isTenantKey(tenant, pk) || !pk.startsWith(roomPrefix)) throw new Error('A participant index returned a key outside the tenant\'s rooms');
    return pk.slice(roomPrefix.length);
  });
  return { refs, ...(LastEvaluatedKey && { next: LastEvaluatedKey as Record<string, string | number> }) };
};

/** A room as erasure sees it. */
export interface RoomOfPerson {
  room: Room;
  /** The person's index still names the room: their slot (already locked to an anonymous id, or not yet). */
  indexed: boolean;
  /** The room item's attributes holding the person's pacing state (named by their role and id). */
  rateAttributes: string[];
}

/** The room stored under `ref` (strongly consistent), undefined if there is none. */
export const readRoomOfPerson = async (tenant: TenantKeyScope, ref: string, person: PersonRef): Promise<RoomOfPerson | undefined> => {
  const { Item } = await documentClient(tenant).send(
    new GetCommand({ TableName: config.chatTable, Key: roomKey(tenant, ref), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const sender = senderKey({ role: person.role, userId: person.userId });
  return {
    room: toRoom(Item),
    indexed: Item[PARTICIPANT_INDEX[person.role].attribute] === participantIndexKey(tenant, person.role, person.userId),
    rateAttributes: Object.keys(Item).filter((attribute) => sendRateSender(attribute) === sender),
  };
};

/**
 * Take the person's slot from them: it names `anonymousId` from now on, so they can no longer enter,
 * send or read. Their index entry stays until the room is done, so a crash leaves the room findable.
 * False if the slot no longer holds them (or the room is another incarnation).
 */
export const lockSlot = (tenant: TenantKeyScope, ref: string, roomId: string, person: PersonRef, anonymousId: string): Promise<boolean> =>
  conditionHeld(() =>
    documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: 'SET #slot = :anonymous',
        ConditionExpression: '#id = :roomId AND #slot = :userId',
        ExpressionAttributeNames: { '#id': '_id', '#slot': SLOT_OF_ROLE[person.role] },
        ExpressionAttributeValues: { ':roomId': roomId, ':userId': person.userId, ':anonymous': anonymousId },
      }),
    ),
  );

/** A message as stored, with what a deletion leaves (`deleted`, `deleted_date`) when it has been taken back or erased. */
export type StoredMessage = Omit<Message, 'text'> & { text?: string; deleted?: boolean; deleted_date?: string };

/**
 * One page of the messages the person sent in a room's partition, oldest first (a Query of the
 * partition's messages, filtered by sender: it reads the room's messages, returns theirs).
 * Every incarnation of the room in the partition is included: all of it is stored data of theirs.
 */
export const queryPersonMessages = async (
  tenant: TenantKeyScope,
  ref: string,
  person: PersonRef,
  startKey: Record<string, unknown> | undefined,
  /** Messages of the room examined by this page (theirs or not); up to 1 MB of them when absent. */
  limit?: number,
): Promise<{ messages: StoredMessage[]; next?: Record<string, unknown> }> => {
  const { Items = [], LastEvaluatedKey } = await documentClient(tenant).send(
    new QueryCommand({
      TableName: config.chatTable,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'sender_id = :userId AND sender_type = :role',
      ExpressionAttributeValues: { ':pk': roomPartition(tenant, ref), ':prefix': MESSAGE_SK_PREFIX, ':userId': person.userId, ':role': person.role },
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: startKey,
    }),
  );
  const messages = Items.map(({ pk: _pk, sk: _sk, room: _room, ...message }) => message as StoredMessage);
  return { messages, ...(LastEvaluatedKey && { next: LastEvaluatedKey }) };
};

/**
 * Erase one message: its text, client id and attachments are removed from the item, the sender
 * becomes the room's anonymous participant, and the tombstone (`deleted`, `deleted_date`) keeps its
 * place, so paging, counts and read cursors are unchanged. Conditional on the person still being
 * its sender: erasing twice writes once. False if it was not theirs (any more).
 */
export const eraseMessage = (
  tenant: TenantKeyScope,
  ref: string,
  messageId: string,
  person: PersonRef,
  anonymousId: string,
  deletedDate: string,
): Promise<boolean> =>
  conditionHeld(() =>
    documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: messageKey(tenant, ref, messageId),
        UpdateExpression:
          'SET #deleted = :true, #deletedDate = if_not_exists(#deletedDate, :now), #sender = :anonymous REMOVE #text, #clientId, #attachments',
        ConditionExpression: '#sender = :userId AND #senderType = :role',
        ExpressionAttributeNames: {
          '#deleted': 'deleted',
          '#deletedDate': 'deleted_date',
          '#sender': 'sender_id',
          '#senderType': 'sender_type',
          '#text': 'text',
          '#clientId': 'client_message_id',
          '#attachments': 'attachments',
        },
        ExpressionAttributeValues: { ':true': true, ':now': deletedDate, ':anonymous': anonymousId, ':userId': person.userId, ':role': person.role },
      }),
    ),
  );

/** The keys of the person's `client_message_id` claims in a room (their keys name the person). */
export const queryPersonClaimKeys = async (tenant: TenantKeyScope, ref: string, person: PersonRef): Promise<ItemKey[]> => {
  const items = await queryAllItems(tenant, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ProjectionExpression: 'pk, sk',
    ExpressionAttributeValues: { ':pk': roomPartition(tenant, ref), ':prefix': messageDedupePrefix({ type: person.role, id: person.userId }) },
    ConsistentRead: true,
  });
  return items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
};

/** What the room item keeps of the person after erasure, decided from the room as last read. */
export interface RoomItemErasure {
  roomId: string;
  /** The index still names the room for them: their slot (already locked to `anonymousId`) is theirs to unlink. */
  indexed: boolean;
  anonymousId: string;
  /** The attributes of their pacing state, from the room as read. */
  rateAttributes: string[];
  /** The preview is their message: it becomes this tombstone, on condition it is still that message. */
  preview?: { messageId: string; tombstone: Record<string, unknown> };
}

/**
 * The room item's last traces of the person, in one conditional UpdateItem: their pacing state
 * goes; if the slot was theirs, their profile and read cursor go and their index entry now names
 * the anonymous id (so no listing or index key holds their id, and nobody can fill the slot from
 * the index side); a preview of their message becomes its tombstone. False when the room changed
 * since it was read (another incarnation, another preview): read it again and retry.
 */
export const eraseFromRoomItem = async (tenant: TenantKeyScope, ref: string, person: PersonRef, erasure: RoomItemErasure): Promise<boolean> => {
  const indexAttribute = PARTICIPANT_INDEX[person.role].attribute;
  const names: Record<string, string> = { '#id': '_id' };
  const values: Record<string, unknown> = { ':roomId': erasure.roomId };
  const set: string[] = [];
  const remove: string[] = [];
  erasure.rateAttributes.forEach((attribute, i) => {
    names[`#rate${i}`] = attribute;
    remove.push(`#rate${i}`);
  });
  const conditions = ['#id = :roomId'];
  if (erasure.indexed) {
    Object.assign(names, {
      '#slot': SLOT_OF_ROLE[person.role],
      '#indexKey': indexAttribute,
      '#profile': profileAttribute(person.role),
      '#read': `read_${person.role}`,
    });
    Object.assign(values, {
      ':anonymous': erasure.anonymousId,
      ':personKey': participantIndexKey(tenant, person.role, person.userId),
      ':anonymousKey': participantIndexKey(tenant, person.role, erasure.anonymousId),
    });
    set.push('#indexKey = :anonymousKey');
    remove.push('#profile', '#read');
    conditions.push('#slot = :anonymous', '#indexKey = :personKey');
  }
  if (erasure.preview) {
    Object.assign(values, { ':previewId': erasure.preview.messageId, ':tombstone': erasure.preview.tombstone });
    set.push('last_message = :tombstone');
    conditions.push('last_message.#id = :previewId');
  }
  if (set.length === 0 && remove.length === 0) return true;
  return conditionHeld(() =>
    documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: [set.length > 0 && `SET ${set.join(', ')}`, remove.length > 0 && `REMOVE ${remove.join(', ')}`].filter(Boolean).join(' '),
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
};

/** A stored WebSocket connection of the person, as exported. */
export interface StoredConnection {
  key: ItemKey;
  connection_id: string;
  connected_at?: string;
  expires_at?: number;
}

/** The person's WebSocket connections, expired ones included (TTL deletes them late). */
export const queryPersonConnections = async (tenant: TenantKeyScope, person: PersonRef): Promise<StoredConnection[]> => {
  const items = await queryAllItems(tenant, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': connectionPartition(tenant, person.role, person.userId), ':prefix': CONNECTION_SK_PREFIX },
    ConsistentRead: true,
  });
  return items.map((item) => ({
    key: { pk: String(item.pk), sk: String(item.sk) },
    connection_id: String(item.sk).slice(CONNECTION_SK_PREFIX.length),
    ...(item.connected_at !== undefined && { connected_at: String(item.connected_at) }),
    ...(item.expires_at !== undefined && { expires_at: Number(item.expires_at) }),
  }));
};
