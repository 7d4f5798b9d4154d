import type { ParticipantRole } from './chatType';
import { readStateFor } from './readState';
import { toRoomData } from './roomData';
import type { Room } from './room';
import type { RoomViewBody, RoomWithUsersBody } from './roomSchemas';
import { toUserData } from './userData';

/**
 * A room as the platform's listing shows it: `roomData` fields, the viewer's unread count and read
 * cursor (null for an admin, who is no participant), and its participants with their read cursors.
 */
export const toRoomWithUsers = (room: Room, viewer: ParticipantRole | undefined): RoomWithUsersBody => ({
  ...toRoomData(room),
  ...readStateFor(room, viewer),
  user_Data: toUserData(room),
});

/** A room as the v1 endpoints show it: the listing shape plus the last-message preview. */
export const toRoomView = (room: Room, viewer: ParticipantRole | undefined): RoomViewBody => ({
  ...toRoomWithUsers(room, viewer),
  last_message: room.last_message ?? null,
});
