import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { PARTICIPANT_ROLES, type ParticipantRole } from '../rooms/chatType';
import type { LastMessage, Participant, Room } from '../rooms/room';
import { documentClient } from './client';
import { isConditionFailure } from './conditions';
import {
  expiryBucket,
  participantIndexKey,
  PARTICIPANT_INDEX,
  roomKey,
  roomNumberKey,
  type TenantKeyScope,
} from './keys';
import { UpdateExpression } from './updateExpression';

/** Stored room item: the room plus its keys, index keys and one attribute per participant. */
export type RoomItem = Omit<Room, 'participants'> & {
  pk: string;
  sk: string;
  conversation: string;
  expires_at: number;
  expiry_bucket: string;
} & Partial<Record<`p_${ParticipantRole}`, Participant>>;

const participantAttribute = (role: ParticipantRole) => `p_${role}` as const;

export const toRoom = (item: Record<string, unknown>): Room => {
  const {
    pk: _pk,
    sk: _sk,
    conversation: _conversation,
    expires_at: _expiresAt,
    expiry_bucket: _expiryBucket,
    agent_key: _agentKey,
    user_key: _userKey,
    vendor_key: _vendorKey,
    p_agent,
    p_user,
    p_vendor,
    ...room
  } = item as RoomItem & Record<string, unknown>;
  const participants: Room['participants'] = {};
  if (p_agent) participants.agent = p_agent;
  if (p_user) participants.user = p_user;
  if (p_vendor) participants.vendor = p_vendor;
  return { ...(room as Omit<Room, 'participants'>), participants };
};

/** What startChat writes: immutable room fields, the slots it knows, and the new activity time. */
export interface RoomUpsert {
  ref: string;
  conversation: string;
  /** Used only if the room does not exist yet. */
  candidate: { _id: string; room_id: string };
  fields: Pick<Room, 'type' | 'order_id' | 'order_vendor_id' | 'vendor_id' | 'agent_db' | 'db_name' | 'sub_domain' | 'client_id'>;
  participants: Partial<Record<ParticipantRole, Participant>>;
  now: string;
  expiresAt: number;
}

const SLOT_ATTRIBUTE = { agent: 'agent_id', user: 'order_user_id', vendor: 'vendor_user_id' } as const;

/**
 * Get-or-create in one conditional UpdateItem: every identity field is `if_not_exists`, so
 * concurrent first calls converge on one room; empty slots are filled, filled ones kept; the
 * activity time and expiry move forward and the room is (re)opened. The condition guards the
 * (astronomically unlikely) case of two conversations hashing to one reference.
 */
export const upsertRoom = async (tenant: TenantKeyScope, input: RoomUpsert): Promise<Room> => {
  const update = new UpdateExpression()
    .setIfAbsent('_id', input.candidate._id)
    .setIfAbsent('room_id', input.candidate.room_id)
    .setIfAbsent('conversation', input.conversation)
    .setIfAbsent('created_date', input.now)
    .setIfAbsent('__v', 0)
    .set('updated_date', input.now)
    .set('status', true)
    .set('expires_at', input.expiresAt)
    .set('expiry_bucket', expiryBucket(tenant, input.expiresAt));
  for (const [field, value] of Object.entries(input.fields)) update.setIfAbsent(field, value);
  for (const role of PARTICIPANT_ROLES) {
    const participant = input.participants[role];
    if (!participant) continue;
    update
      .setIfAbsent(SLOT_ATTRIBUTE[role], participant.user_id)
      .setIfAbsent(PARTICIPANT_INDEX[role].attribute, participantIndexKey(tenant, role, participant.user_id))
      .setIfAbsent(participantAttribute(role), participant);
  }
  const conversation = update.name('conversation');
  const { Attributes } = await documentClient().send(
    new UpdateCommand({
      TableName: config.chatTable,
      Key: roomKey(tenant, input.ref),
      UpdateExpression: update.toString(),
      ConditionExpression: `attribute_not_exists(pk) OR ${conversation} = ${update.value(input.conversation)}`,
      ExpressionAttributeNames: update.names,
      ExpressionAttributeValues: update.values,
      ReturnValues: 'ALL_NEW',
    }),
  );
  return toRoom(Attributes!);
};

export const getRoomByRef = async (tenant: TenantKeyScope, ref: string): Promise<Room | undefined> => {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: config.chatTable, Key: roomKey(tenant, ref), ConsistentRead: true }),
  );
  return Item ? toRoom(Item) : undefined;
};

/** Claim a generated room number for a room; false if another room of the tenant holds it. */
export const reserveRoomNumber = async (tenant: TenantKeyScope, roomNumber: string, roomIdOfOwner: string): Promise<boolean> => {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: config.chatTable,
        Item: { ...roomNumberKey(tenant, roomNumber), room: roomIdOfOwner },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Give a just-created room another number after its first choice turned out to be taken. */
export const renumberRoom = async (tenant: TenantKeyScope, ref: string, from: string, to: string): Promise<Room> => {
  const { Attributes } = await documentClient().send(
    new UpdateCommand({
      TableName: config.chatTable,
      Key: roomKey(tenant, ref),
      UpdateExpression: 'SET room_id = :to',
      ConditionExpression: 'room_id = :from',
      ExpressionAttributeValues: { ':from': from, ':to': to },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return toRoom(Attributes!);
};

/** What a touch of an existing room moves forward: activity time and expiry, exactly as upsertRoom does. */
export interface RoomTouch {
  now: string;
  expiresAt: number;
}

/**
 * Record a new message on its room: last-message preview, activity time and expiry. Conditional
 * on the room still being this incarnation (`_id`) and open, so a message is never attached to a
 * room that was closed, deleted or recreated meanwhile; and on the preview being older, so
 * concurrent senders can never move it (or the activity time) backwards.
 * False when the condition fails; the caller re-reads the room to tell why.
 */
export const touchRoomWithMessage = async (
  tenant: TenantKeyScope,
  ref: string,
  roomId: string,
  message: LastMessage,
  touch: RoomTouch,
): Promise<boolean> => {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: 'SET last_message = :message, updated_date = :now, expires_at = :expiresAt, expiry_bucket = :bucket',
        ConditionExpression: '#id = :roomId AND #status = :open AND (attribute_not_exists(last_message) OR last_message.#id < :messageId)',
        ExpressionAttributeNames: { '#id': '_id', '#status': 'status' },
        ExpressionAttributeValues: {
          ':message': message,
          ':now': touch.now,
          ':expiresAt': touch.expiresAt,
          ':bucket': expiryBucket(tenant, touch.expiresAt),
          ':roomId': roomId,
          ':open': true,
          ':messageId': message._id,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Close a room (status false) and touch it; undefined if no room with this `_id` exists. */
export const closeStoredRoom = async (tenant: TenantKeyScope, ref: string, roomId: string, touch: RoomTouch): Promise<Room | undefined> => {
  try {
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: 'SET #status = :closed, updated_date = :now, expires_at = :expiresAt, expiry_bucket = :bucket',
        ConditionExpression: '#id = :roomId',
        ExpressionAttributeNames: { '#id': '_id', '#status': 'status' },
        ExpressionAttributeValues: {
          ':closed': false,
          ':now': touch.now,
          ':expiresAt': touch.expiresAt,
          ':bucket': expiryBucket(tenant, touch.expiresAt),
          ':roomId': roomId,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRoom(Attributes!);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};
