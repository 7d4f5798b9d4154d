import { readMarksOf, readStateFor, unreadCount } from '../../lib/rooms/readState';

describe('read state from the room item alone', () => {
  const room = { message_count: 12, sent_agent: 7, sent_user: 4, sent_admin: 1 };

  it('counts only messages from others, after the cursor', () => {
    expect(unreadCount(room, 'user')).toBe(8);
    expect(unreadCount(room, 'agent')).toBe(5);
    expect(unreadCount(room, 'vendor')).toBe(12);
    expect(unreadCount({ ...room, read_user: { message_id: 'M', seen: 6 } }, 'user')).toBe(2);
    expect(unreadCount({}, 'user')).toBe(0);
  });

  it('marks what a reader of a message has seen, per role', () => {
    expect(readMarksOf(room)).toEqual({ agent: 5, user: 8, vendor: 12 });
    // Reading the newest message leaves nothing unread.
    expect(unreadCount({ ...room, read_user: { message_id: 'M', seen: readMarksOf(room).user } }, 'user')).toBe(0);
  });

  it('shows an admin (no participant) nulls', () => {
    expect(readStateFor({ ...room, read_agent: { message_id: 'M', seen: 5 } }, 'agent')).toEqual({ unread_count: 0, last_read_message_id: 'M' });
    expect(readStateFor(room, undefined)).toEqual({ unread_count: null, last_read_message_id: null });
  });
});
