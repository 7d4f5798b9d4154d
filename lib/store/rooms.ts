import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { PARTICIPANT_ROLES, SLOT_OF_ROLE, type ParticipantRole } from '../rooms/chatType';
import type { ReadCursor } from '../rooms/readState';
import type { SendPace } from '../messages/sendRate';
import type { LastMessage, Participant, Room } from '../rooms/room';
import type { RoomSeat, SlotHolder } from '../rooms/roomEntry';
import type { ParticipantProfile } from '../rooms/startChatRequest';
import { documentClient } from './client';
import { conditionHeld, isConditionFailure, unlessConditionFails } from './conditions';
import {
  participantIndexKey,
  PARTICIPANT_INDEX,
  roomIndexAttributes,
  roomKey,
  type TenantKeyScope,
} from './keys';
import { holderClause, participantAttribute, profileAttribute, recordedClause, sendRateClause, storedParts, toRoom } from './roomItem';
import { UpdateExpression } from './updateExpression';

/** What startChat writes: immutable room fields, the slots it knows, and the new activity time. */
export interface RoomUpsert {
  ref: string;
  conversation: string;
  fields: Pick<Room, 'type' | 'order_id' | 'order_vendor_id' | 'vendor_id' | 'agent_db' | 'db_name' | 'sub_domain' | 'client_id'>;
  participants: Partial<Record<ParticipantRole, Participant>>;
  /** The caller's profile for their own seat, replacing what they sent before. */
  ownProfile?: ParticipantProfile;
  now: string;
  expiresAt: number;
}

/**
 * Touch an existing room as one of its members, in one conditional UpdateItem: empty slots named
 * by the call are filled (filled ones kept), the activity time and expiry move forward and the
 * room is (re)opened. The condition is the membership rule: the room exists, is this
 * conversation's (two conversations hashing to one reference stay apart), and the caller's seat
 * holds them or, where allowed, is empty. Undefined when the condition fails: nothing is written.
 */
export const touchRoomAsMember = async (tenant: TenantKeyScope, input: RoomUpsert, seat: RoomSeat | undefined): Promise<Room | undefined> => {
  const update = new UpdateExpression()
    .set('updated_date', input.now)
    .set('status', true)
    // A closed room has none, so the touch that reopens it leaves its own time here; later touches
    // (and retries of that one) keep it until its `room.opened` is known delivered (settleReopen).
    .setIfAbsent('reopened_at', input.now)
    .set('expires_at', input.expiresAt);
  for (const [attribute, value] of Object.entries(roomIndexAttributes(tenant, input))) update.set(attribute, value);
  const ownProfile = seat && input.ownProfile && Object.keys(input.ownProfile).length > 0 ? input.ownProfile : undefined;
  for (const role of PARTICIPANT_ROLES) {
    const participant = input.participants[role];
    if (!participant) continue;
    const parts = storedParts(participant);
    update
      .setIfAbsent(SLOT_OF_ROLE[role], participant.user_id)
      .setIfAbsent(PARTICIPANT_INDEX[role].attribute, participantIndexKey(tenant, role, participant.user_id))
      .setIfAbsent(participantAttribute(role), parts.seat);
    if (parts.profile && !(ownProfile && seat?.role === role)) update.setIfAbsent(profileAttribute(role), parts.profile);
  }
  if (seat && ownProfile) update.set(profileAttribute(seat.role), ownProfile);
  const conditions = [`attribute_exists(pk)`, `${update.name('conversation')} = ${update.value(input.conversation)}`];
  if (seat) {
    const slot = update.name(SLOT_OF_ROLE[seat.role]);
    const holds = `${slot} = ${update.value(seat.userId)}`;
    conditions.push(seat.mayTakeEmpty ? `(attribute_not_exists(${slot}) OR ${holds})` : holds);
  }
  return unlessConditionFails(async () => {
    const { Attributes } = await documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, input.ref),
        UpdateExpression: `${update.toString()} REMOVE ${update.name('closed_at')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: update.values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRoom(Attributes!);
  });
};

/**
 * Create a conversation's room with its (already reserved) number, only if the conversation has
 * none: of concurrent first calls exactly one creates; the others get undefined and touch the
 * winner's room instead. Undefined also when this very put was applied and its answer lost (the
 * SDK's retry then meets the room it made): the caller tells the two apart by the room's number.
 */
export const createRoom = async (tenant: TenantKeyScope, input: RoomUpsert & { _id: string; room_id: string }): Promise<Room | undefined> => {
  const item: Record<string, unknown> = {
    ...roomKey(tenant, input.ref),
    _id: input._id,
    room_id: input.room_id,
    conversation: input.conversation,
    ...input.fields,
    status: true,
    reopened_at: '',
    created_date: input.now,
    updated_date: input.now,
    __v: 0,
    expires_at: input.expiresAt,
    ...roomIndexAttributes(tenant, input),
  };
  for (const role of PARTICIPANT_ROLES) {
    const participant = input.participants[role];
    if (!participant) continue;
    const parts = storedParts(participant);
    item[SLOT_OF_ROLE[role]] = participant.user_id;
    item[PARTICIPANT_INDEX[role].attribute] = participantIndexKey(tenant, role, participant.user_id);
    item[participantAttribute(role)] = parts.seat;
    if (parts.profile) item[profileAttribute(role)] = parts.profile;
  }
  return unlessConditionFails(async () => {
    await documentClient(tenant).send(
      new PutCommand({ TableName: config.chatTable, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return toRoom(item);
  });
};

export const getRoomByRef = async (tenant: TenantKeyScope, ref: string): Promise<Room | undefined> => {
  const { Item } = await documentClient(tenant).send(
    new GetCommand({ TableName: config.chatTable, Key: roomKey(tenant, ref), ConsistentRead: true }),
  );
  return Item ? toRoom(Item) : undefined;
};


/** What a touch of an existing room moves forward: activity time and expiry, exactly as upsertRoom does. */
export interface RoomTouch {
  now: string;
  expiresAt: number;
}

/** The `SET` clauses (and their values) of a touch: exact times on the item, coarse index keys. */
const touchClauses = (tenant: TenantKeyScope, touch: RoomTouch) => {
  const index = roomIndexAttributes(tenant, touch);
  return {
    clauses: 'updated_date = :now, expires_at = :expiresAt, activity_minute = :activity, expiry_hour = :expiryHour, expiry_bucket = :bucket',
    values: {
      ':now': touch.now,
      ':expiresAt': touch.expiresAt,
      ':activity': index.activity_minute,
      ':expiryHour': index.expiry_hour,
      ':bucket': index.expiry_bucket,
    },
  };
};

/** A send's touch: the activity it moves forward and the sender's pacing step. */
export interface MessageTouch extends RoomTouch {
  /** The slot the sender must still hold; undefined for an admin. */
  holder: SlotHolder | undefined;
  sender: string;
  pace: SendPace;
  /** False when a newer message already holds the preview (and moved activity and expiry past this one). */
  preview: boolean;
}

/**
 * What recording a message did: the room just after it, or nothing, because the condition failed.
 * `afterRetries`: the SDK had sent the update more than once, so an earlier attempt whose answer
 * was lost may have applied it.
 */
type MessageRecording = { recorded: Room } | { recorded?: undefined; afterRetries: boolean };

const sdkAttempts = (error: unknown): number => (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;

/**
 * Record a new message on its room, in one conditional UpdateItem: the sender's pacing state
 * (lib/store/roomItem.ts), the counts (`message_count`, `sent_<sender role>`: see
 * lib/rooms/readState.ts), the window of recently recorded messages and, with `preview`, the
 * last-message preview, activity time and expiry. Conditional on the message not being in that
 * window (so a repeat of this write counts nothing: the caller re-reads and finds it there); on the
 * room still being this incarnation (`_id`) and open, so a message is never attached to a room
 * that was closed, deleted or recreated meanwhile; on the sender still holding their slot, so a
 * participant removed meanwhile records nothing; on the sender's pacing step still fitting; with
 * `preview`, on the preview being older, so concurrent senders can never move it (or the
 * activity time) backwards.
 */
export const touchRoomWithMessage = async (
  tenant: TenantKeyScope,
  ref: string,
  roomId: string,
  message: LastMessage,
  touch: MessageTouch,
): Promise<MessageRecording> => {
  const rate = sendRateClause(touch.sender, touch.pace);
  const recorded = recordedClause(message);
  const holder = holderClause(touch.holder);
  const set = [rate.set, recorded.set];
  const condition = [recorded.condition, '#id = :roomId', '#status = :open', ...(holder.condition ? [holder.condition] : []), rate.condition];
  const values: Record<string, unknown> = {
    ':roomId': roomId,
    ':open': true,
    ':one': 1,
    ...holder.values,
    ...rate.values,
    ...recorded.values,
  };
  if (touch.preview) {
    const touched = touchClauses(tenant, touch);
    set.push('last_message = :message', touched.clauses);
    condition.push('(attribute_not_exists(last_message) OR last_message.#id < :messageId)');
    Object.assign(values, { ':message': message, ':messageId': message._id, ...touched.values });
  }
  try {
    const { Attributes } = await documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: `SET ${set.join(', ')} ADD message_count :one, #sent :one`,
        ConditionExpression: condition.join(' AND '),
        ExpressionAttributeNames: {
          '#id': '_id',
          '#status': 'status',
          '#sent': `sent_${message.sender_type}`,
          ...holder.names,
          ...rate.names,
          ...recorded.names,
        },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { recorded: toRoom(Attributes!) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { afterRetries: sdkAttempts(error) > 1 };
  }
};

interface IncarnationUpdate {
  set: string;
  remove?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
  /** The slot the writer must still hold; undefined for an admin. */
  holder?: SlotHolder;
  /** A further condition of the write, over the names and values above. */
  condition?: string;
}

/**
 * One update of the room incarnation `roomId` that also touches it (activity, expiry, coarse index
 * keys); undefined if that incarnation no longer exists or the writer no longer holds their slot.
 */
const updateIncarnation = async (
  tenant: TenantKeyScope,
  ref: string,
  roomId: string,
  touch: RoomTouch,
  update: IncarnationUpdate,
): Promise<Room | undefined> => {
  const touched = touchClauses(tenant, touch);
  const holder = holderClause(update.holder);
  return unlessConditionFails(async () => {
    const { Attributes } = await documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: `SET ${update.set}, ${touched.clauses}${update.remove ? ` REMOVE ${update.remove}` : ''}`,
        ConditionExpression: ['#id = :roomId', ...(holder.condition ? [holder.condition] : []), ...(update.condition ? [update.condition] : [])].join(' AND '),
        ExpressionAttributeNames: { '#id': '_id', ...update.names, ...holder.names },
        ExpressionAttributeValues: { ...update.values, ...touched.values, ...holder.values, ':roomId': roomId },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRoom(Attributes!);
  });
};

/**
 * Close a room (status false) and touch it, as `holder` (undefined: an admin); undefined if no
 * room with this `_id` exists or the holder no longer holds their slot. `closed_at` keeps the time
 * of the close that closed it, so closing again (a retry) names the same close; a pending reopen
 * is over.
 */
export const closeStoredRoom = (
  tenant: TenantKeyScope,
  ref: string,
  roomId: string,
  touch: RoomTouch,
  holder: SlotHolder | undefined,
): Promise<Room | undefined> =>
  updateIncarnation(tenant, ref, roomId, touch, {
    set: '#status = :closed, #closedAt = if_not_exists(#closedAt, :now)',
    remove: '#reopenedAt',
    names: { '#status': 'status', '#closedAt': 'closed_at', '#reopenedAt': 'reopened_at' },
    values: { ':closed': false },
    holder,
  });

/**
 * The reopen at `reopenedAt` has been told to everyone: no touch needs to tell it again. Only that
 * reopen's mark is cleared (a later close and reopen made a new one). False if it was not there.
 */
export const settleReopen = (tenant: TenantKeyScope, ref: string, roomId: string, reopenedAt: string): Promise<boolean> =>
  conditionHeld(() =>
    documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: 'SET #reopenedAt = :settled',
        ConditionExpression: '#id = :roomId AND #reopenedAt = :reopenedAt',
        ExpressionAttributeNames: { '#id': '_id', '#reopenedAt': 'reopened_at' },
        ExpressionAttributeValues: { ':roomId': roomId, ':reopenedAt': reopenedAt, ':settled': '' },
      }),
    ),
  );

/**
 * Give a room's slot to `participant` (replacing whoever held it, with their profile), conditional
 * on the room still being this incarnation and on the slot not holding them already: the room as
 * it is then, or undefined if it is not this incarnation. A slot that already holds them is left
 * as it is (its holder keeps the time they took it, which names their `participant.reassigned`);
 * only when the write's condition failed does one consistent read tell that from a room gone.
 */
export const reassignRoomSlot = async (
  tenant: TenantKeyScope,
  ref: string,
  roomId: string,
  participant: Participant,
  touch: RoomTouch,
): Promise<Room | undefined> => {
  const role = participant.user_type;
  const written = await updateIncarnation(tenant, ref, roomId, touch, {
    set: '#slot = :userId, #indexKey = :indexKey, #participant = :participant',
    remove: '#profile',
    names: {
      '#slot': SLOT_OF_ROLE[role],
      '#indexKey': PARTICIPANT_INDEX[role].attribute,
      '#participant': participantAttribute(role),
      '#profile': profileAttribute(role),
    },
    values: {
      ':userId': participant.user_id,
      ':indexKey': participantIndexKey(tenant, role, participant.user_id),
      ':participant': storedParts(participant).seat,
    },
    condition: '(attribute_not_exists(#slot) OR #slot <> :userId)',
  });
  if (written) return written;
  const room = await getRoomByRef(tenant, ref);
  return room?._id === roomId && room.participants[role]?.user_id === participant.user_id ? room : undefined;
};

/**
 * Move a participant's read cursor forward: one UpdateItem, conditional on this room incarnation,
 * on the reader still holding their slot and on the cursor being behind (ULIDs sort in time
 * order). The room as it is now, or undefined when nothing moved (an older id, the room is gone or
 * the reader was removed: the caller re-reads to tell which).
 */
export const advanceReadCursor = (tenant: TenantKeyScope, ref: string, roomId: string, reader: SlotHolder, cursor: ReadCursor): Promise<Room | undefined> => {
  const holder = holderClause(reader);
  return unlessConditionFails(async () => {
    const { Attributes } = await documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: roomKey(tenant, ref),
        UpdateExpression: 'SET #read = :cursor',
        ConditionExpression: `#id = :roomId AND ${holder.condition} AND (attribute_not_exists(#read) OR #read.message_id < :messageId)`,
        ExpressionAttributeNames: { '#id': '_id', '#read': `read_${reader.role}`, ...holder.names },
        ExpressionAttributeValues: { ':roomId': roomId, ':cursor': cursor, ':messageId': cursor.message_id, ...holder.values },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRoom(Attributes!);
  });
};
