import * as z from '../zod';
import { PONG } from './events';

/** Frames a client may send; the route key is `action` (API Gateway's default selection expression). */
const clientMessage = z.object({ action: z.literal('ping') });

/** The answer to a client's frame: `pong` to a ping, an error naming the field otherwise. */
export const answerClientMessage = (body: string | undefined) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return { event: 'error', code: 'INVALID_JSON', message: 'Frames must be JSON, e.g. {"action":"ping"}' } as const;
  }
  if (!clientMessage.safeParse(parsed).success) {
    return { event: 'error', code: 'VALIDATION_ERROR', message: 'Unknown action', errors: [{ path: 'action', message: 'must be "ping"' }] } as const;
  }
  return PONG;
};
