import { countsJustAfter, readMarksOf } from '../../lib/rooms/readState';
import { RECORDED_WINDOW, recordedClause, recordedEntry, toRoom } from '../../lib/store/roomItem';

describe('the window of recorded messages on the room item', () => {
  const base = { pk: 'T#1#ROOM#r', sk: 'ROOM', _id: 'room-1', status: true };

  it('reads newest first, skipping slots not written yet, and stays out of the room fields', () => {
    const room = toRoom({ ...base, rec0: recordedEntry({ _id: 'M3', sender_type: 'user' }), rec1: recordedEntry({ _id: 'M2', sender_type: 'admin' }), rec2: '', rec3: '' });
    expect(room.recorded).toEqual([
      { _id: 'M3', sender_type: 'user' },
      { _id: 'M2', sender_type: 'admin' },
    ]);
    expect(Object.keys(room).filter((key) => key.startsWith('rec'))).toEqual(['recorded']);
    expect(toRoom(base)).not.toHaveProperty('recorded');
  });

  it('shifts every slot along in one SET and refuses an entry already there', () => {
    const clause = recordedClause({ _id: 'M9', sender_type: 'agent' });
    expect(clause.values).toEqual({ ':recEntry': 'M9a', ':recBlank': '' });
    expect(clause.set.match(/#rec[0-9]+ = /g)).toHaveLength(RECORDED_WINDOW);
    expect(clause.set).toContain(`#rec${RECORDED_WINDOW - 1} = if_not_exists(#rec${RECORDED_WINDOW - 2}, :recBlank)`);
    expect(clause.condition.match(/= :recEntry/g)).toHaveLength(RECORDED_WINDOW);
  });
});

describe('countsJustAfter', () => {
  // Four messages: agent M1, user M2, admin M3, agent M4 (newest first in the window).
  const state = {
    message_count: 4,
    sent_agent: 2,
    sent_user: 1,
    sent_admin: 1,
    recorded: [
      { _id: 'M4', sender_type: 'agent' as const },
      { _id: 'M3', sender_type: 'admin' as const },
      { _id: 'M2', sender_type: 'user' as const },
      { _id: 'M1', sender_type: 'agent' as const },
    ],
  };

  it('takes back what was recorded after the message', () => {
    expect(countsJustAfter(state, 'M4')).toEqual({ message_count: 4, sent_agent: 2, sent_user: 1, sent_vendor: 0, sent_admin: 1 });
    expect(countsJustAfter(state, 'M2')).toEqual({ message_count: 2, sent_agent: 1, sent_user: 1, sent_vendor: 0, sent_admin: 0 });
    expect(readMarksOf(countsJustAfter(state, 'M1')!)).toEqual({ agent: 0, user: 1, vendor: 1 });
  });

  it('does not know a message the window no longer holds', () => {
    expect(countsJustAfter(state, 'M0')).toBeUndefined();
  });
});
