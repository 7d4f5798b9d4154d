import type { Message } from '../../lib/messages/message';
import { messageCreated, roomClosed, roomOpened, roomRead } from '../../lib/realtime/events';
import type { Room } from '../../lib/rooms/room';
import { exampleRoom } from '../support/rooms';

const room = (changes: Partial<Room> = {}): Room =>
  exampleRoom({ _id: 'room-1', created_date: '2026-01-01T00:00:00.000Z', updated_date: '2026-01-01T00:00:00.000Z', ...changes });

const message = (id: string): Message =>
  ({ _id: id, room_id: 'room-1', text: 'hi', sender_id: '133', sender_type: 'agent', created_date: '2026-01-01T00:00:00.000Z' }) as Message;

describe('event ids', () => {
  it('name the fact, so publishing it again (the room having moved on since) gives the same id', () => {
    const later = room({ updated_date: '2026-01-02T00:00:00.000Z', __v: 5 });
    expect(messageCreated(room(), message('m1')).event_id).toBe('message.created:m1');
    expect(messageCreated(later, message('m1')).event_id).toBe('message.created:m1');
    const reader = { user_type: 'user' as const, user_id: '7' };
    expect(roomRead(room(), reader, 'm1').event_id).toBe('room.read:room-1:user:7:m1');
    expect(roomRead(later, reader, 'm1').event_id).toBe('room.read:room-1:user:7:m1');
    expect(roomClosed(room({ status: false })).event_id).toBe('room.closed:room-1:2026-01-01T00:00:00.000Z');
    expect(roomOpened(room()).event_id).toBe('room.opened:room-1:2026-01-01T00:00:00.000Z');
  });

  it('differ for different facts', () => {
    const reader = { user_type: 'user' as const, user_id: '7' };
    const ids = [
      messageCreated(room(), message('m1')).event_id,
      messageCreated(room(), message('m2')).event_id,
      roomRead(room(), reader, 'm1').event_id,
      roomRead(room(), reader, 'm2').event_id,
      roomRead(room(), { user_type: 'user', user_id: '8' }, 'm1').event_id,
      roomRead(room(), { user_type: 'agent', user_id: '7' }, 'm1').event_id,
      roomRead(room({ _id: 'room-2' }), reader, 'm1').event_id,
      roomClosed(room()).event_id,
      roomClosed(room({ updated_date: '2026-01-02T00:00:00.000Z' })).event_id,
      roomOpened(room()).event_id,
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('travel in the frame next to the event name', () => {
    expect(JSON.parse(JSON.stringify(roomClosed(room())))).toMatchObject({ event: 'room.closed', event_id: 'room.closed:room-1:2026-01-01T00:00:00.000Z' });
  });
});
