import type { Room } from '../../lib/rooms/room';

/**
 * A room as the use cases return it, for tests of code that only reads one (frames, events,
 * `roomData`): the published example's values, with the fields a test cares about changed.
 */
export const exampleRoom = (changes: Partial<Room> = {}): Room => ({
  _id: '641d731dee3408c461095a2b',
  status: true,
  type: 'agent_to_user',
  room_id: '52788594',
  order_id: '10',
  order_vendor_id: '9',
  vendor_id: '7',
  agent_db: 'ace',
  db_name: 'ace',
  sub_domain: '192.168.101.88',
  client_id: '1',
  agent_id: '141',
  participants: {},
  created_date: '2023-03-24T09:53:33.984Z',
  updated_date: '2023-03-24T10:13:40.620Z',
  __v: 0,
  ...changes,
});
