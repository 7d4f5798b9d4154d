import * as z from '../zod';
import { epochSeconds } from '../time';
import { PONG } from './events';

/** Frames a client may send; the route key is `action` (API Gateway's default selection expression). */
const clientMessage = z.object({ action: z.literal('ping') });

/**
 * The answer to a client's frame: `pong` to a ping, an error naming the field otherwise. Once the
 * connection's token has expired (`tokenExpiresAt`, epoch seconds) every frame is answered
 * TOKEN_EXPIRED: the connection hears no more events and the client should reconnect with a new
 * token (the next publication that meets the connection closes it).
 */
export const answerClientMessage = (body: string | undefined, tokenExpiresAt: number, now = new Date()) => {
  if (epochSeconds(now) >= tokenExpiresAt) {
    return { event: 'error', code: 'TOKEN_EXPIRED', message: 'Access token has expired; reconnect with a new token' } as const;
  }
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
