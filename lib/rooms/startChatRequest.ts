import * as z from '../zod';
import { nameField as name, optionalField as optional } from '../fields';
import { platformId } from '../ids';
import { SLOT_OF_ROLE } from './chatType';
import { chatTypeField } from './chatTypeSchema';

/**
 * The order's 8-digit number, 10000000–99999999 as a JSON number or a string. A leading zero is
 * refused in both forms: generated room numbers start with one (lib/rooms/identifiers.ts), so the
 * two can never meet.
 */
const orderNumber = z.union(
  [
    z.string().check(z.regex(/^[1-9][0-9]{7}$/)),
    z.pipe(z.number().check(z.int(), z.minimum(10_000_000), z.maximum(99_999_999)), z.transform(String)),
  ],
  { error: 'must be the order\'s 8-digit number' },
);

/** Optional profile of the caller, shown to the other participants. */
export const participantProfile = z.object({
  username: optional(z.string().check(z.trim(), z.maxLength(200))),
  email: optional(z.string().check(z.trim(), z.maxLength(320))),
  phone_num: optional(z.string().check(z.trim(), z.maxLength(40))),
  display_image: optional(z.string().check(z.trim(), z.maxLength(2048))),
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
    type: chatTypeField,
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
  .check(
    z.superRefine((body, ctx) => {
      // The initiator's own slot is `user_id`; a different value for it is a contradiction.
      const slot = SLOT_OF_ROLE[body.type.initiator];
      const sent = body[slot];
      if (sent !== undefined && sent !== body.user_id) {
        ctx.addIssue({ code: 'custom', path: [slot], message: `must equal user_id for type ${body.type.type}` });
      }
    }),
  );

export type StartChatRequest = z.output<typeof startChatRequest>;
export type ParticipantProfile = z.output<typeof participantProfile>;
