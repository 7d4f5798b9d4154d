import { toMessageData, type MessageData, type Message } from '../messages/message';
import type { ParticipantRole } from '../rooms/chatType';
import type { Room } from '../rooms/room';
import { toRoomData, type RoomData } from '../rooms/roomData';

/**
 * What a connection receives, as JSON text frames. `roomData` is the published room shape, so a
 * client handles rooms from the HTTP API and from the socket with one parser.
 *
 * `event_id` names the fact an event reports, not the publication: it is built only from that
 * fact's own ids, so a retried request that publishes the same fact again (or two copies of one
 * request racing) sends the same id, and a client that may receive an event more than once drops
 * the ids it has seen. Different facts never share an id.
 */
export type RealtimeEvent =
  | { event: 'message.created'; event_id: string; roomData: RoomData; messageData: MessageData }
  | { event: 'message.updated'; event_id: string; roomData: RoomData; messageData: MessageData }
  | { event: 'message.deleted'; event_id: string; roomData: RoomData; messageData: MessageData }
  | { event: 'room.read'; event_id: string; roomData: RoomData; reader: { user_type: ParticipantRole; user_id: string }; message_id: string }
  | { event: 'room.closed'; event_id: string; roomData: RoomData }
  | { event: 'room.opened'; event_id: string; roomData: RoomData }
  | {
      event: 'participant.reassigned';
      event_id: string;
      roomData: RoomData;
      participant: { user_type: ParticipantRole; user_id: string };
      reassigned_date: string;
    };

/** A message is created once: its `_id` names it. */
export const messageCreated = (room: Room, message: Message): RealtimeEvent => ({
  event: 'message.created',
  event_id: `message.created:${message._id}`,
  roomData: toRoomData(room),
  messageData: toMessageData(message),
});

/** Each edit of a message has its own `edited_date` (they only move forward): the message and that time name it. */
export const messageUpdated = (room: Room, message: Message): RealtimeEvent => ({
  event: 'message.updated',
  event_id: `message.updated:${message._id}:${message.edited_date}`,
  roomData: toRoomData(room),
  messageData: toMessageData(message),
});

/** A message is deleted once: its `_id` names it. `messageData` is the tombstone. */
export const messageDeleted = (room: Room, message: Message): RealtimeEvent => ({
  event: 'message.deleted',
  event_id: `message.deleted:${message._id}`,
  roomData: toRoomData(room),
  messageData: toMessageData(message),
});

/**
 * A read cursor moves forward only, so one participant reaches one message once: the room, the
 * slot, its holder (a slot can change hands) and the message name it.
 */
export const roomRead = (room: Room, reader: { user_type: ParticipantRole; user_id: string }, messageId: string): RealtimeEvent => ({
  event: 'room.read',
  event_id: `room.read:${room._id}:${reader.user_type}:${reader.user_id}:${messageId}`,
  roomData: toRoomData(room),
  reader,
  message_id: messageId,
});

/**
 * A room closes and reopens many times; each change is named by the time of the write that made
 * it, which the room keeps while that state lasts (`closed_at`, `reopened_at`), so a retry that
 * finds the change already made, or a later touch telling a reopen not yet delivered, sends the
 * same id. Rooms closed before those times were kept are named by their `updated_date`.
 */
export const roomClosed = (room: Room): RealtimeEvent => ({
  event: 'room.closed',
  event_id: `room.closed:${room._id}:${room.closed_at || room.updated_date}`,
  roomData: toRoomData(room),
});

export const roomOpened = (room: Room): RealtimeEvent => ({
  event: 'room.opened',
  event_id: `room.opened:${room._id}:${room.reopened_at || room.updated_date}`,
  roomData: toRoomData(room),
});

/**
 * A slot changed hands (reassignParticipant). The holder keeps the time they took the slot (their
 * seat's `created_date`) while they hold it, so a retry that finds the reassignment already made
 * tells the same id; the slot, the new holder and that time name it. It goes to the room as it is
 * after the change: the new holder and the others, never the previous holder, who has lost the room.
 */
export const participantReassigned = (room: Room, role: ParticipantRole): RealtimeEvent => {
  const holder = room.participants[role];
  if (!holder) throw new Error(`Room ${room._id} has no ${role} to announce`);
  return {
    event: 'participant.reassigned',
    event_id: `participant.reassigned:${room._id}:${role}:${holder.user_id}:${holder.created_date}`,
    roomData: toRoomData(room),
    participant: { user_type: role, user_id: holder.user_id },
    reassigned_date: holder.created_date,
  };
};

/** The answer to `{"action":"ping"}`. */
export const PONG = { event: 'pong' } as const;
