import type { ChatType, ParticipantRole } from './chatType';
import type { Role } from '../tenancy/tenant';
import type { RecordedMessage, RoomReadState } from './readState';

/** A participant as stored inside its room (one per filled slot). */
export interface Participant {
  _id: string;
  user_type: ParticipantRole;
  user_id: string;
  username?: string;
  email?: string;
  phone_num?: string;
  display_image?: string;
  created_date: string;
  updated_date: string;
}

export interface LastMessage {
  _id: string;
  /** The message's first characters (lib/messages/message.ts previewText); absent once it is deleted. */
  text?: string;
  sender_id: string;
  sender_type: Role;
  created_date: string;
  edited_date?: string;
  deleted?: true;
  deleted_date?: string;
}

/** A chat room: one per (tenant, order, order vendor, conversation type); read state as in readState.ts. */
export interface Room extends RoomReadState {
  _id: string;
  status: boolean;
  type: ChatType;
  room_id: string;
  order_id: string;
  order_vendor_id: string;
  vendor_id: string;
  agent_db: string;
  db_name: string;
  sub_domain: string;
  client_id: string;
  agent_id?: string;
  order_user_id?: string;
  vendor_user_id?: string;
  participants: Partial<Record<ParticipantRole, Participant>>;
  last_message?: LastMessage;
  /**
   * When the room last reopened, while that reopen's `room.opened` is not known to have reached
   * everyone; "" when nothing is pending, absent while the room is closed. Internal.
   */
  reopened_at?: string;
  /** When the room closed, while it stays closed: names its `room.closed` event. Internal. */
  closed_at?: string;
  /** The messages recorded last, newest first (lib/store/roomItem.ts). Internal, never in a response. */
  recorded?: RecordedMessage[];
  /** Flood-limit state per sender (lib/messages/sendRate.ts); internal, never in a response. */
  send_rates?: Record<string, number>;
  /**
   * Set before the room's first upload form is handed out (lib/attachments/requestUpload.ts): the
   * room may hold files, so its cleanup deletes them; a room without it touches no S3. Internal.
   */
  has_files?: true;
  created_date: string;
  updated_date: string;
  __v: number;
}

/**
 * The platform's room name, as its published example shows it: the vendor after `oderVendor-`
 * (spelled as the contract spells it) is `vendor_id`, not `order_vendor_id`.
 */
export const roomName = (room: Pick<Room, 'room_id' | 'order_id' | 'vendor_id' | 'agent_id'>): string =>
  `OrderNo-${room.room_id}-orderId-${room.order_id}-oderVendor-${room.vendor_id}-agentId-${room.agent_id ?? ''}`;
