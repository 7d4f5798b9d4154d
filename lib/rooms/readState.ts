import { ROLES, type Role } from '../tenancy/tenant';
import { PARTICIPANT_ROLES, type ParticipantRole } from './chatType';

/**
 * Read state lives on the room item, so a listing computes every room's unread count from the
 * room alone (no request per room):
 * - `message_count` and `sent_<role>` count the room's messages, all and per sender role;
 * - `read_<role>` is a participant's cursor: the last message they read and how many messages
 *   from others they had seen with it (`seen`).
 * Unread for a role = messages from others (`message_count - sent_<role>`) − `seen`.
 */
export interface ReadCursor {
  message_id: string;
  seen: number;
}

export type ReadCounters = { message_count?: number } & Partial<Record<`sent_${Role}`, number>>;

export type ReadCursors = Partial<Record<`read_${ParticipantRole}`, ReadCursor>>;

export type RoomReadState = ReadCounters & ReadCursors;

/** A message the room recorded (counted) lately: enough to tell the counts just after it. */
export interface RecordedMessage {
  _id: string;
  sender_type: Role;
}

/** Per participant role: how many messages from others the room holds (what a reader of everything has seen). */
export type ReadMarks = Record<ParticipantRole, number>;

const othersCount = (state: ReadCounters, role: ParticipantRole): number => (state.message_count ?? 0) - (state[`sent_${role}`] ?? 0);

/** Stored with each message: what a reader of that message has seen, per role, from the counts just after it. */
export const readMarksOf = (state: ReadCounters): ReadMarks =>
  Object.fromEntries(PARTICIPANT_ROLES.map((role) => [role, othersCount(state, role)])) as ReadMarks;

/**
 * The counts just after `messageId` was recorded, from a later state of the room: what was
 * recorded after it (the newer part of `recorded`, newest first) taken back off. Undefined when
 * the message is not among the recorded ones, so the room no longer tells.
 */
export const countsJustAfter = (state: ReadCounters & { recorded?: RecordedMessage[] }, messageId: string): ReadCounters | undefined => {
  const recorded = state.recorded ?? [];
  const position = recorded.findIndex((entry) => entry._id === messageId);
  if (position < 0) return undefined;
  const counts: ReadCounters = { message_count: (state.message_count ?? 0) - position };
  for (const role of ROLES) counts[`sent_${role}`] = (state[`sent_${role}`] ?? 0) - recorded.slice(0, position).filter((later) => later.sender_type === role).length;
  return counts;
};

export const readCursorOf = (state: RoomReadState, role: ParticipantRole): ReadCursor | undefined => state[`read_${role}`];

export const unreadCount = (state: RoomReadState, role: ParticipantRole): number =>
  Math.max(0, othersCount(state, role) - (readCursorOf(state, role)?.seen ?? 0));

/** The caller's read state as every room view shows it; an admin (no participant) sees nulls. */
export const readStateFor = (state: RoomReadState, viewer: ParticipantRole | undefined) => ({
  unread_count: viewer ? unreadCount(state, viewer) : null,
  last_read_message_id: viewer ? (readCursorOf(state, viewer)?.message_id ?? null) : null,
});
