import { z } from 'zod';
import { ACCEPTED_TYPES, parseChatType, type ChatType } from './chatType';

/** A conversation type used as a filter: any accepted spelling, compared in canonical form. */
export const chatTypeFilter = z.string().transform((raw, ctx): ChatType => {
  const parsed = parseChatType(raw.trim());
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: `must be one of ${ACCEPTED_TYPES.join(', ')} (dashes or underscores)` });
    return z.NEVER;
  }
  return parsed.type;
});
