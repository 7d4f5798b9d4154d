import type { SendPace } from '../messages/sendRate';
import { PARTICIPANT_ROLES, SLOT_OF_ROLE, type ParticipantRole } from '../rooms/chatType';
import type { RecordedMessage } from '../rooms/readState';
import type { Participant, Room } from '../rooms/room';
import type { SlotHolder } from '../rooms/roomEntry';
import type { ParticipantProfile } from '../rooms/startChatRequest';
import type { Role } from '../tenancy/tenant';
import type { PARTICIPANT_INDEX, roomIndexAttributes } from './keys';

/*
 * What a stored room item holds besides the room's own fields, and how it maps to a Room: its
 * participants' seats and profiles, and the senders' pacing state. lib/store/rooms.ts reads and
 * writes the item; lib/store/participantRooms.ts lists it.
 */

/**
 * A participant as the room item stores it: only what no other attribute holds. Their role is the
 * attribute's name, their user id the slot (`agent_id`, …), their profile `profile_<role>`, and
 * `updated_date` is `created_date` (the seat itself never changes). Every touch and message
 * rewrites the whole room item, so each byte here is paid for on every write.
 */
interface StoredParticipant {
  _id: string;
  created_date: string;
}

/** Stored room item: the room plus its keys, index keys and its participants' seats and profiles. */
export type RoomItem = Omit<Room, 'participants'> & {
  pk: string;
  sk: string;
  conversation: string;
  expires_at: number;
} & ReturnType<typeof roomIndexAttributes> &
  Partial<Record<`p_${ParticipantRole}`, StoredParticipant>> &
  Partial<Record<`profile_${ParticipantRole}`, ParticipantProfile>> &
  Partial<Record<RecordedAttribute, string>> & {
    /** Written by touches before reopens were recognised by `reopened_at`; no longer read. */
    status_before_touch?: boolean;
  };

export const participantAttribute = (role: ParticipantRole) => `p_${role}` as const;

/** A participant's own latest profile, kept beside the slot so that whoever named them first does not fix it. */
export const profileAttribute = (role: ParticipantRole) => `profile_${role}` as const;

/**
 * The messages most recently recorded on the room, newest first: `rec0` … `rec7`, each the
 * message's `_id` followed by one letter for its sender's role. A send's one room update shifts
 * them along (`rec1` takes `rec0`'s value, …, the oldest falls off) and is conditional on its
 * message not being among them, so the fact "this message is counted here" is part of the write
 * itself: a repeat of that update (an SDK retry of an applied request, a client's retry, a
 * concurrent copy of the send) changes nothing and says so by failing. The letters give the counts
 * just after any of them (lib/rooms/readState.ts). Separate attributes rather than a list: an
 * update can copy one attribute into another, but cannot both append to a list and drop its head.
 * About 250 bytes, written with every message.
 */
export const RECORDED_WINDOW = 8;

type RecordedAttribute = `rec${number}`;

const RECORDED_ATTRIBUTES: RecordedAttribute[] = Array.from({ length: RECORDED_WINDOW }, (_, slot) => `rec${slot}` as const);

const ROLE_LETTERS = { agent: 'a', user: 'u', vendor: 'v', admin: 'd' } as const satisfies Record<Role, string>;

const ROLE_OF_LETTER = Object.fromEntries(Object.entries(ROLE_LETTERS).map(([role, letter]) => [letter, role])) as Record<string, Role>;

/** How a recorded message is written into the window: its `_id` and its sender's role letter. */
export const recordedEntry = (message: RecordedMessage): string => `${message._id}${ROLE_LETTERS[message.sender_type]}`;

/** The window as a stored item holds it, newest first; slots never written yet (or blank) are skipped. */
const recordedOf = (stored: Record<string, unknown>): RecordedMessage[] => {
  const recorded: RecordedMessage[] = [];
  for (const attribute of RECORDED_ATTRIBUTES) {
    const entry = stored[attribute];
    if (typeof entry !== 'string' || entry.length < 2) continue;
    const sender_type = ROLE_OF_LETTER[entry.slice(-1)];
    if (sender_type) recorded.push({ _id: entry.slice(0, -1), sender_type });
  }
  return recorded;
};

interface RecordedClause {
  set: string;
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * The SET that enters `message` into the window and the condition that it is not there yet, for
 * the send's one UpdateItem. A slot not written yet is copied as "" (an update may not read an
 * attribute that does not exist), and a missing attribute never equals the entry.
 */
export const recordedClause = (message: RecordedMessage): RecordedClause => {
  const names: Record<string, string> = {};
  RECORDED_ATTRIBUTES.forEach((attribute, slot) => {
    names[`#rec${slot}`] = attribute;
  });
  const set = RECORDED_ATTRIBUTES.map((_, slot) => (slot === 0 ? '#rec0 = :recEntry' : `#rec${slot} = if_not_exists(#rec${slot - 1}, :recBlank)`));
  const condition = `NOT (${RECORDED_ATTRIBUTES.map((_, slot) => `#rec${slot} = :recEntry`).join(' OR ')})`;
  return { set: set.join(', '), condition, names, values: { ':recEntry': recordedEntry(message), ':recBlank': '' } };
};

const PROFILE_FIELDS = ['username', 'email', 'phone_num', 'display_image'] as const;

/** Split a participant into the seat stored under `p_<role>` and the profile stored beside it. */
export const storedParts = (participant: Participant): { seat: StoredParticipant; profile?: ParticipantProfile } => {
  const profile: ParticipantProfile = {};
  for (const field of PROFILE_FIELDS) if (participant[field] !== undefined) profile[field] = participant[field];
  return { seat: { _id: participant._id, created_date: participant.created_date }, ...(Object.keys(profile).length > 0 && { profile }) };
};

const participantOf = (item: Record<string, unknown>, role: ParticipantRole): Participant | undefined => {
  const seat = item[participantAttribute(role)] as (StoredParticipant & Partial<Participant>) | undefined;
  if (!seat) return undefined;
  const profile = item[profileAttribute(role)] as ParticipantProfile | undefined;
  return {
    user_type: role,
    user_id: String(item[SLOT_OF_ROLE[role]]),
    ...seat,
    ...profile,
    updated_date: seat.updated_date ?? seat.created_date,
  };
};

/** What the stored item holds besides the room's own fields: keys, index keys, seats and profiles. */
const STORAGE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'pk',
  'sk',
  'conversation',
  'expires_at',
  'expiry_bucket',
  'expiry_hour',
  'activity_minute',
  'agent_key',
  'user_key',
  'vendor_key',
  'p_agent',
  'p_user',
  'p_vendor',
  'profile_agent',
  'profile_user',
  'profile_vendor',
  'status_before_touch',
  ...RECORDED_ATTRIBUTES,
] satisfies Array<Exclude<keyof RoomItem, keyof Room> | (typeof PARTICIPANT_INDEX)[ParticipantRole]['attribute']>);

/** The room a stored item holds, read in one pass over its attributes (lists map up to a page of them). */
export const toRoom = (stored: Record<string, unknown>): Room => {
  const room: Record<string, unknown> = {};
  let rates: Record<string, number> | undefined;
  for (const attribute of Object.keys(stored)) {
    if (STORAGE_ATTRIBUTES.has(attribute)) continue;
    const sender = sendRateSender(attribute);
    if (sender === undefined) room[attribute] = stored[attribute];
    else (rates ??= {})[sender] = Number(stored[attribute]);
  }
  const recorded = recordedOf(stored);
  if (recorded.length > 0) room.recorded = recorded;
  const participants: Room['participants'] = {};
  for (const role of PARTICIPANT_ROLES) {
    const participant = participantOf(stored, role);
    if (participant) participants[role] = participant;
  }
  room.participants = participants;
  if (rates) room.send_rates = rates;
  return room as unknown as Room;
};

/**
 * Flood-limit state on the room item (lib/messages/sendRate.ts): one number per sender who has
 * sent, `rate#<role>#<user id>` = their theoretical arrival time in epoch ms. It lives on the item
 * the send updates anyway, so pacing costs no extra write, holds across Lambda containers and goes
 * with the room. A room has a handful of senders: a few dozen bytes.
 */
const SEND_RATE_PREFIX = 'rate#';

const sendRateAttribute = (sender: string): string => `${SEND_RATE_PREFIX}${sender}`;

/** The sender whose pacing state `attribute` holds, or undefined if it is not a pacing attribute. */
export const sendRateSender = (attribute: string): string | undefined =>
  attribute.startsWith(SEND_RATE_PREFIX) ? attribute.slice(SEND_RATE_PREFIX.length) : undefined;

export interface SendRateClause {
  set: string;
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * The condition that the caller still holds their slot, for the condition of every write a
 * participant makes (lib/store/rooms.ts, lib/store/messageChanges.ts); nothing for an admin
 * (undefined holder), who acts on any room.
 */
export const holderClause = (holder: SlotHolder | undefined): { condition?: string; names: Record<string, string>; values: Record<string, unknown> } =>
  holder
    ? { condition: '#holderSlot = :holder', names: { '#holderSlot': SLOT_OF_ROLE[holder.role] }, values: { ':holder': holder.userId } }
    : { names: {}, values: {} };

/** The SET and the condition that record one send of `sender` under `pace`, for the send's one UpdateItem. */
export const sendRateClause = (sender: string, pace: SendPace): SendRateClause => {
  const names = { '#rate': sendRateAttribute(sender) };
  if (pace.kind === 'fresh') {
    return {
      set: '#rate = :rateTat',
      condition: '(attribute_not_exists(#rate) OR #rate <= :rateNow)',
      names,
      values: { ':rateTat': pace.tat, ':rateNow': pace.now },
    };
  }
  return {
    set: '#rate = #rate + :rateStep',
    condition: '(#rate > :rateNow AND #rate <= :rateLatest)',
    names,
    values: { ':rateStep': pace.intervalMs, ':rateNow': pace.now, ':rateLatest': pace.latest },
  };
};
