import { toMessageData, type Message } from '../messages/message';
import type { ParticipantRole } from '../rooms/chatType';
import type { Room } from '../rooms/room';
import { toRoomData } from '../rooms/roomData';

/**
 * What a connection receives, as JSON text frames. `roomData` is the published room shape, so a
 * client handles rooms from the HTTP API and from the socket with one parser.
 */
export type RealtimeEvent =
  | { event: 'message.created'; roomData: ReturnType<typeof toRoomData>; messageData: ReturnType<typeof toMessageData> }
  | { event: 'room.read'; roomData: ReturnType<typeof toRoomData>; reader: { user_type: ParticipantRole; user_id: string }; message_id: string }
  | { event: 'room.closed'; roomData: ReturnType<typeof toRoomData> }
  | { event: 'room.opened'; roomData: ReturnType<typeof toRoomData> };

export type RealtimeEventName = RealtimeEvent['event'];

export const messageCreated = (room: Room, message: Message): RealtimeEvent => ({
  event: 'message.created',
  roomData: toRoomData(room),
  messageData: toMessageData(message),
});

export const roomRead = (room: Room, reader: { user_type: ParticipantRole; user_id: string }, messageId: string): RealtimeEvent => ({
  event: 'room.read',
  roomData: toRoomData(room),
  reader,
  message_id: messageId,
});

export const roomClosed = (room: Room): RealtimeEvent => ({ event: 'room.closed', roomData: toRoomData(room) });

export const roomOpened = (room: Room): RealtimeEvent => ({ event: 'room.opened', roomData: toRoomData(room) });

/** The answer to `{"action":"ping"}`. */
export const PONG = { event: 'pong' } as const;
