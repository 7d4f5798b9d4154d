/**
 * Conversation types. Clients write `agent-to-user` or `agent_to_user`, and either side first;
 * both directions name the same conversation, reported in its canonical form.
 */
export const PARTICIPANT_ROLES = ['agent', 'user', 'vendor'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

export const CHAT_TYPES = ['agent_to_user', 'vendor_to_user', 'agent_to_vendor'] as const;
export type ChatType = (typeof CHAT_TYPES)[number];

const ROLES_OF: Record<ChatType, readonly [ParticipantRole, ParticipantRole]> = {
  agent_to_user: ['agent', 'user'],
  vendor_to_user: ['vendor', 'user'],
  agent_to_vendor: ['agent', 'vendor'],
};

/** The slot of the room each role's id fills. */
export const SLOT_OF_ROLE = {
  agent: 'agent_id',
  user: 'order_user_id',
  vendor: 'vendor_user_id',
} as const satisfies Record<ParticipantRole, string>;

export interface ConversationType {
  type: ChatType;
  /** Who starts it: the role whose slot the request's `user_id` fills. */
  initiator: ParticipantRole;
  counterpart: ParticipantRole;
}

export const ACCEPTED_TYPES = CHAT_TYPES.flatMap((type) => {
  const [a, b] = ROLES_OF[type];
  return [`${a}-to-${b}`, `${b}-to-${a}`];
});

/** `agent-to-user`, `user_to_agent`, … → the canonical type and who initiates; undefined if unsupported. */
export const parseChatType = (raw: string): ConversationType | undefined => {
  const match = /^(agent|user|vendor)[-_]to[-_](agent|user|vendor)$/.exec(raw);
  if (!match) return undefined;
  const initiator = match[1] as ParticipantRole;
  const counterpart = match[2] as ParticipantRole;
  const type = CHAT_TYPES.find((candidate) => {
    const [a, b] = ROLES_OF[candidate];
    return (a === initiator && b === counterpart) || (a === counterpart && b === initiator);
  });
  return type && { type, initiator, counterpart };
};

export const rolesOf = (type: ChatType): readonly ParticipantRole[] => ROLES_OF[type];
