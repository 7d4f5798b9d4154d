import { PARTICIPANT_ROLES } from './chatType';
import { readCursorOf } from './readState';
import type { Room } from './room';
import { toRoomData } from './roomData';
import type { ParticipantBody } from './roomSchemas';

/**
 * The platform's `user_Data`: one entry per participant with the reference's field names, in its
 * order; values the service does not hold are "" (the platform's clients expect strings).
 * `room_id` is the room's `_id`, as on the platform.
 */
export const toUserData = (room: Room): ParticipantBody[] => {
  // The room's own fields as roomData reports them (name, slots with "" for unknown).
  const shared = toRoomData(room);
  return PARTICIPANT_ROLES.flatMap((role) => {
    const participant = room.participants[role];
    if (!participant) return [];
    return [
      {
        _id: participant._id,
        status: room.status,
        room_id: room._id,
        user_type: participant.user_type,
        user_id: participant.user_id,
        email: participant.email ?? '',
        username: participant.username ?? '',
        phone_num: participant.phone_num ?? '',
        display_image: participant.display_image ?? '',
        room_name: shared.room_name,
        vendor_id: shared.vendor_id,
        vendor_user_id: shared.vendor_user_id,
        order_user_id: shared.order_user_id,
        order_vendor_id: shared.order_vendor_id,
        auth_user_id: participant.user_id,
        created_date: participant.created_date,
        updated_date: participant.updated_date,
        __v: 0,
        // Read receipts: how far this participant has read.
        last_read_message_id: readCursorOf(room, role)?.message_id ?? null,
      },
    ];
  });
};
