import type { SendPace } from '../messages/sendRate';
import { PARTICIPANT_ROLES, SLOT_OF_ROLE, type ParticipantRole } from '../rooms/chatType';
import type { Participant, Room } from '../rooms/room';
import type { ParticipantProfile } from '../rooms/startChatRequest';
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
  Partial<Record<`profile_${ParticipantRole}`, ParticipantProfile>>;

export const participantAttribute = (role: ParticipantRole) => `p_${role}` as const;

/** A participant's own latest profile, kept beside the slot so that whoever named them first does not fix it. */
export const profileAttribute = (role: ParticipantRole) => `profile_${role}` as const;

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
