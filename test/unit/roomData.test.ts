import { roomName } from '../../lib/rooms/room';
import { toRoomData } from '../../lib/rooms/roomData';
import { exampleRoom } from '../support/rooms';

const room = exampleRoom({ order_user_id: '1', vendor_user_id: '141' });

describe('roomName', () => {
  it('matches the published example: vendor_id after oderVendor, spelling included', () => {
    // The example pairs "vendor_id": "7" and "order_vendor_id": "9" with oderVendor-7.
    expect(roomName(room)).toBe('OrderNo-52788594-orderId-10-oderVendor-7-agentId-141');
  });

  it('leaves an unknown agent empty', () => {
    expect(roomName({ ...room, agent_id: undefined })).toBe('OrderNo-52788594-orderId-10-oderVendor-7-agentId-');
  });
});

describe('toRoomData', () => {
  it('has exactly the 18 published fields in the published order', () => {
    expect(Object.keys(toRoomData(room))).toEqual([
      '_id', 'status', 'type', 'room_id', 'room_name', 'order_vendor_id', 'order_id', 'agent_db', 'vendor_id',
      'sub_domain', 'vendor_user_id', 'order_user_id', 'agent_id', 'db_name', 'client_id', 'created_date',
      'updated_date', '__v',
    ]);
  });

  it('reports unknown slots as empty strings and never leaks storage fields', () => {
    const data = toRoomData({ ...room, agent_id: undefined, order_user_id: undefined, vendor_user_id: undefined });
    expect(data).toMatchObject({ agent_id: '', order_user_id: '', vendor_user_id: '' });
    expect(JSON.stringify(data)).not.toMatch(/T#|pk|expires/);
  });
});
