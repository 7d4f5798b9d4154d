import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import type { Message } from '../messages/message';
import { documentClient } from './client';
import { conditionHeld, isConditionFailure } from './conditions';
import { MESSAGE_SK_PREFIX, messageDedupeKey, messageKey, roomPartition, type TenantKeyScope } from './keys';
import { fitsPageKey, type PageRequest } from './pageRequest';

/**
 * Messages and dedupe markers live in their room's partition and carry `room` (the room's `_id`),
 * so the cleanup cascade deletes exactly one room incarnation's children.
 */
export const toMessage = (item: Record<string, unknown>): Message => {
  const { pk: _pk, sk: _sk, room: _room, ...message } = item;
  return message as unknown as Message;
};

/**
 * Store a message, once: conditional on no item being there, so the same message written twice is
 * one item, and a late attempt of its send (an SDK retry, a slow copy) never puts back the text of
 * a message its sender has edited or deleted since.
 */
export const putMessage = async (tenant: TenantKeyScope, ref: string, message: Message): Promise<void> => {
  await conditionHeld(() =>
    documentClient(tenant).send(
      new PutCommand({
        TableName: config.chatTable,
        Item: { ...messageKey(tenant, ref, message._id), room: message.room_id, ...message },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
};

export const getMessage = async (tenant: TenantKeyScope, ref: string, messageId: string): Promise<Message | undefined> => {
  const { Item } = await documentClient(tenant).send(
    new GetCommand({ TableName: config.chatTable, Key: messageKey(tenant, ref, messageId), ConsistentRead: true }),
  );
  return Item ? toMessage(Item) : undefined;
};

const dedupeMarkerKey = (tenant: TenantKeyScope, ref: string, message: Message) =>
  messageDedupeKey(tenant, ref, { type: message.sender_type, id: message.sender_id }, message.client_message_id!);

/** A sender's claim of a `client_message_id`: the message's `_id` and time, never its text. */
const dedupeMarker = (tenant: TenantKeyScope, ref: string, message: Message) => ({
  ...dedupeMarkerKey(tenant, ref, message),
  room: message.room_id,
  message_id: message._id,
  created_date: message.created_date,
});

/**
 * `original` is undefined when the marker was withdrawn between the claim and its read (a refused
 * send releasing it): the caller claims again.
 */
export type DedupeClaim = { claimed: true } | { claimed: false; original: Message | undefined };

/**
 * Claim a sender's `client_message_id` in a room for `message`, with one conditional put. If it
 * was claimed before (in this room incarnation), the first claim's message comes back instead:
 * its `_id` and time from the marker, the rest from this attempt (a retry sends the same text;
 * the stored message, if the first attempt got that far, is what the caller returns). A marker
 * naming `message` itself is this claim, applied by an attempt whose answer was lost (the SDK
 * retried it): claimed. The marker holds only the message's `_id` and time, never its text, so a
 * claim costs one write unit whatever the message's length. A marker left by an earlier
 * incarnation of the room (same partition, other `_id`) is replaced.
 */
export const claimClientMessageId = async (tenant: TenantKeyScope, ref: string, message: Message): Promise<DedupeClaim> => {
  try {
    await documentClient(tenant).send(
      new PutCommand({
        TableName: config.chatTable,
        Item: dedupeMarker(tenant, ref, message),
        ConditionExpression: 'attribute_not_exists(pk) OR room <> :room',
        ExpressionAttributeValues: { ':room': message.room_id },
      }),
    );
    return { claimed: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const marker = await readMarker(tenant, ref, message);
  if (marker?.message_id === message._id) return { claimed: true };
  return { claimed: false, original: marker && { ...message, _id: marker.message_id, created_date: marker.created_date } };
};

const readMarker = async (tenant: TenantKeyScope, ref: string, message: Message): Promise<{ message_id: string; created_date: string } | undefined> => {
  const { Item } = await documentClient(tenant).send(
    new GetCommand({ TableName: config.chatTable, Key: dedupeMarkerKey(tenant, ref, message), ConsistentRead: true }),
  );
  return Item && Item.room === message.room_id ? { message_id: String(Item.message_id), created_date: String(Item.created_date) } : undefined;
};

/** Whether the sender's `client_message_id` of `message` is claimed in this room incarnation (one read, no write). */
export const isClientMessageIdClaimed = async (tenant: TenantKeyScope, ref: string, message: Message): Promise<boolean> =>
  (await readMarker(tenant, ref, message)) !== undefined;

/**
 * Take over a claim whose message was never written (its attempt is long over): the marker now
 * names `message`, so a retry is stored as itself. Conditional on the marker still naming the
 * abandoned message, so of two retries taking over at once only one wins. False if it lost.
 */
export const takeOverClientMessageId = async (tenant: TenantKeyScope, ref: string, abandoned: Message, message: Message): Promise<boolean> => {
  return conditionHeld(async () => {
    await documentClient(tenant).send(
      new PutCommand({
        TableName: config.chatTable,
        Item: dedupeMarker(tenant, ref, message),
        ConditionExpression: 'room = :room AND message_id = :abandoned',
        ExpressionAttributeValues: { ':room': message.room_id, ':abandoned': abandoned._id },
      }),
    );
  });
};

/**
 * Withdraw a claim made for `message` when its send was refused (the room closed, vanished, or the
 * sender is over the limit) before the message could be written: the id stays free for a later
 * send, and no marker outlives a deleted room (the cleanup cascade may already have passed). Only our own
 * claim is removed: the condition checks it still names this room and this message.
 */
export const releaseClientMessageId = async (tenant: TenantKeyScope, ref: string, message: Message): Promise<void> => {
  await conditionHeld(() =>
    documentClient(tenant).send(
      new DeleteCommand({
        TableName: config.chatTable,
        Key: dedupeMarkerKey(tenant, ref, message),
        ConditionExpression: 'room = :room AND message_id = :id',
        ExpressionAttributeValues: { ':room': message.room_id, ':id': message._id },
      }),
    ),
  );
};

/** Whether `key` can continue a page of this room's messages (the room's partition, a message sort key). */
export const isMessagesPageKey = (tenant: TenantKeyScope, ref: string, key: Record<string, string | number>): boolean =>
  fitsPageKey(
    {
      partition: { pk: roomPartition(tenant, ref) },
      sort: { sk: (sk) => typeof sk === 'string' && sk.startsWith(MESSAGE_SK_PREFIX) && sk.length > MESSAGE_SK_PREFIX.length },
    },
    key,
  );

export interface MessagesQueryResult {
  messages: Message[];
  lastKey?: Record<string, string>;
}

/**
 * One page of a room's messages, newest first: a single Query on the room's partition. Paging
 * continues strictly below the last key returned, so messages sent meanwhile (larger ULIDs) never
 * shift later pages. Children of an earlier incarnation awaiting cleanup are filtered out.
 */
export const queryMessages = async (
  tenant: TenantKeyScope,
  ref: string,
  roomId: string,
  page: PageRequest,
): Promise<MessagesQueryResult> => {
  const { Items = [], LastEvaluatedKey } = await documentClient(tenant).send(
    new QueryCommand({
      TableName: config.chatTable,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'room = :room',
      ExpressionAttributeValues: { ':pk': roomPartition(tenant, ref), ':prefix': MESSAGE_SK_PREFIX, ':room': roomId },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: page.startKey,
    }),
  );
  return { messages: Items.map(toMessage), lastKey: LastEvaluatedKey as MessagesQueryResult['lastKey'] };
};
