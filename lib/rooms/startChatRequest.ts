import { z } from 'zod';
import { platformId } from '../ids';
import { ACCEPTED_TYPES, parseChatType, SLOT_OF_ROLE } from './chatType';

/** Clients send absent optional fields as missing, `null` or `""`; all three mean "not given". */
const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => (value === null || value === '' ? undefined : value), schema.optional());

const name = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const chatType = z.string().transform((raw, ctx) => {
  const parsed = parseChatType(raw);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: `must be one of ${ACCEPTED_TYPES.join(', ')} (dashes or underscores)` });
    return z.NEVER;
  }
  return parsed;
});

const orderNumber = z.union(
  [z.string().regex(/^[0-9]{8}$/), z.number().int().min(10_000_000).max(99_999_999).transform(String)],
  { error: 'must be the order\'s 8-digit number' },
);

/** Optional profile of the caller, shown to the other participants. */
export const participantProfile = z.object({
  username: optional(z.string().trim().max(200)),
  email: optional(z.string().trim().max(320)),
  phone_num: optional(z.string().trim().max(40)),
  display_image: optional(z.string().trim().max(2048)),
});

/**
 * `POST /api/v1/chat/startChat`: the published body (first eight fields, all required)
 * plus optional fields that fill the other participants' slots.
 */
export const startChatRequest = z
  .object({
    sub_domain: name(253),
    client_id: platformId,
    db_name: name(64),
    user_id: platformId,
    type: chatType,
    order_vendor_id: platformId,
    vendor_id: platformId,
    order_id: platformId,
    agent_id: optional(platformId),
    order_user_id: optional(platformId),
    vendor_user_id: optional(platformId),
    agent_db: optional(name(64)),
    order_number: optional(orderNumber),
    participant: optional(participantProfile),
  })
  .superRefine((body, ctx) => {
    // The initiator's own slot is `user_id`; a different value for it is a contradiction.
    const slot = SLOT_OF_ROLE[body.type.initiator];
    const sent = body[slot];
    if (sent !== undefined && sent !== body.user_id) {
      ctx.addIssue({ code: 'custom', path: [slot], message: `must equal user_id for type ${body.type.type}` });
    }
  });

export type StartChatRequest = z.output<typeof startChatRequest>;
export type ParticipantProfile = z.output<typeof participantProfile>;
