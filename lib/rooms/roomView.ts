import { toRoomData } from './roomData';
import type { Room } from './room';
import { toUserData } from './userData';

/** A room as the platform's listing shows it: `roomData` fields plus its participants. */
export const toRoomWithUsers = (room: Room) => ({ ...toRoomData(room), user_Data: toUserData(room) });

/** A room as the v1 endpoints show it: the listing shape plus the last-message preview. */
export const toRoomView = (room: Room) => ({ ...toRoomWithUsers(room), last_message: room.last_message ?? null });

export type RoomView = ReturnType<typeof toRoomView>;
