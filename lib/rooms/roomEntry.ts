import type { ParticipantRole } from './chatType';

/*
 * Membership as the store's conditions state it. The use cases decide these from the token
 * (lib/rooms/roomAccess.ts); the store (lib/store/rooms.ts) writes them into the condition of the
 * very write they guard. Both import them from here.
 */

/** A participant's hold on a room: the slot of their role names their user id. */
export interface SlotHolder {
  role: ParticipantRole;
  userId: string;
}

/** The slot a startChat caller must already hold, or may take while it is empty (`mayTakeEmpty`). */
export interface RoomSeat extends SlotHolder {
  mayTakeEmpty: boolean;
}

/**
 * Who may get into a conversation's room through startChat, decided from the token alone and
 * enforced by the store as the condition of the very write that touches or creates the room,
 * so no one can slip in between a check and a write.
 */
export interface RoomEntry {
  /** May create the room when the conversation has none yet. */
  mayCreate: boolean;
  /** Absent for an admin of the tenant, who may enter any room. */
  seat?: RoomSeat;
  /** May name the other participants (into empty slots only; a filled slot is never replaced). */
  namesOthers: boolean;
}
