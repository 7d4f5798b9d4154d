import { roomName, type Room } from './room';
import type { RoomDataBody } from './roomSchemas';

/** The published `roomData`: exactly these 18 fields, in this order, unknown slots as "". */
export const toRoomData = (room: Room): RoomDataBody => ({
  _id: room._id,
  status: room.status,
  type: room.type,
  room_id: room.room_id,
  room_name: roomName(room),
  order_vendor_id: room.order_vendor_id,
  order_id: room.order_id,
  agent_db: room.agent_db,
  vendor_id: room.vendor_id,
  sub_domain: room.sub_domain,
  vendor_user_id: room.vendor_user_id ?? '',
  order_user_id: room.order_user_id ?? '',
  agent_id: room.agent_id ?? '',
  db_name: room.db_name,
  client_id: room.client_id,
  created_date: room.created_date,
  updated_date: room.updated_date,
  __v: room.__v,
});

export type RoomData = RoomDataBody;
