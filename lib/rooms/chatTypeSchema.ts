import * as z from '../zod';
import { ACCEPTED_TYPES, parseChatType, type ConversationType } from './chatType';

/** Every spelling clients use: `agent-to-user` and `agent_to_user`, either side first. */
const SPELLINGS = ACCEPTED_TYPES.flatMap((type) => [type, type.replaceAll('-', '_')]) as [string, ...string[]];

/** A conversation type in a request: any accepted spelling, parsed to the canonical type and its initiator. */
export const chatTypeField = z.pipe(
  z.enum(SPELLINGS, { error: `must be one of ${ACCEPTED_TYPES.join(', ')} (dashes or underscores)` }),
  z.transform((raw: string): ConversationType => parseChatType(raw)!),
);

/** A conversation type used as a filter: compared in canonical form, whoever starts it. */
export const chatTypeFilter = z.pipe(chatTypeField, z.transform((conversation: ConversationType) => conversation.type));
