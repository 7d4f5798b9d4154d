import { toRoom } from '../../lib/store/roomItem';

describe('toRoom', () => {
  const fields = {
    _id: '641d731d0123456789abcdef',
    status: true,
    type: 'agent_to_user',
    room_id: '12345678',
    order_id: '5',
    order_vendor_id: '2',
    vendor_id: '3',
    agent_db: 'salesdemo',
    db_name: 'salesdemo',
    sub_domain: 'shop.test',
    client_id: '1',
    agent_id: '133',
    order_user_id: '9',
    created_date: '2026-11-25T10:00:00.000Z',
    updated_date: '2026-11-25T10:05:00.000Z',
    __v: 0,
  };
  const stored = {
    pk: 'T#1#ROOM#0123456789abcdef',
    sk: 'ROOM',
    ...fields,
    conversation: '5#2#agent_to_user',
    expires_at: 1_800_000_000,
    expiry_bucket: 'T#1#EXP#2027-01-15',
    expiry_hour: 1_800_003_600,
    activity_minute: 1_764_064_800,
    agent_key: 'T#1#AGENT#133',
    user_key: 'T#1#USER#9',
    p_agent: { _id: 'a'.repeat(24), created_date: '2026-11-25T10:00:00.000Z' },
    profile_agent: { username: 'Ann' },
    p_user: { _id: 'b'.repeat(24), created_date: '2026-11-25T10:01:00.000Z' },
    'rate#agent#133': '1764065100000',
    'rate#user#9': 1_764_065_000_000,
  };

  it('keeps the room fields in stored order, leaves out keys, index keys, seats and profiles, and reads pacing state', () => {
    const room = toRoom(stored);
    expect(Object.keys(room)).toEqual([...Object.keys(fields), 'participants', 'send_rates']);
    expect(room).toMatchObject(fields);
    expect(room.participants).toEqual({
      agent: { user_type: 'agent', user_id: '133', _id: 'a'.repeat(24), created_date: '2026-11-25T10:00:00.000Z', username: 'Ann', updated_date: '2026-11-25T10:00:00.000Z' },
      user: { user_type: 'user', user_id: '9', _id: 'b'.repeat(24), created_date: '2026-11-25T10:01:00.000Z', updated_date: '2026-11-25T10:01:00.000Z' },
    });
    expect(room.send_rates).toEqual({ 'agent#133': 1_764_065_100_000, 'user#9': 1_764_065_000_000 });
  });

  it('has no send_rates before anyone sent', () => {
    const { 'rate#agent#133': _a, 'rate#user#9': _u, ...quiet } = stored;
    expect(toRoom(quiet)).not.toHaveProperty('send_rates');
  });
});
