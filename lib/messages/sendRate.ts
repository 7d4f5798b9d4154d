/**
 * Per sender, per room flood limit: a generic cell rate algorithm (GCRA). One number per sender
 * is kept on the room item, the *theoretical arrival time* (TAT, epoch ms): the moment the sender
 * would be back to a full burst. A send is allowed while TAT − now ≤ (burst − 1) · interval and
 * moves TAT to max(TAT, now) + interval. So `burst` messages may go at once, then one every
 * `interval` (1 / perSecond); a sender who pauses earns the burst back.
 *
 * DynamoDB cannot compute max(), so a send is one of two conditional updates, picked from the
 * room read the send makes anyway, each with a condition that holds for any concurrent state in
 * its case: *fresh* (TAT absent or past: set it to now + interval) or *queued* (TAT ahead but
 * within the burst: add the interval). A concurrent sender who changed the case makes the
 * condition fail and the send re-reads; no state is ever over- or under-counted.
 */
export interface SendRateLimit {
  /** Messages a sender may send at once. */
  burst: number;
  /** Messages per second a sender may sustain. */
  perSecond: number;
}

export const DEFAULT_SEND_RATE_LIMIT: SendRateLimit = { burst: 20, perSecond: 5 };

export type SendPace =
  /** TAT absent or at most `now`: store `tat`; condition TAT absent or ≤ now. */
  | { kind: 'fresh'; now: number; tat: number }
  /** now < TAT ≤ latest: add `intervalMs`; condition now < TAT ≤ latest. */
  | { kind: 'queued'; now: number; intervalMs: number; latest: number };

export type PaceDecision = { allowed: true; pace: SendPace } | { allowed: false; retryAfterMs: number };

export const intervalMsOf = (limit: SendRateLimit): number => Math.ceil(1000 / limit.perSecond);

/** Whether a sender whose TAT is `tat` may send at `now` (epoch ms), and how to record it. */
export const paceSend = (tat: number | undefined, now: number, limit: SendRateLimit): PaceDecision => {
  const intervalMs = intervalMsOf(limit);
  const latest = now + (limit.burst - 1) * intervalMs;
  if (tat === undefined || tat <= now) return { allowed: true, pace: { kind: 'fresh', now, tat: now + intervalMs } };
  if (tat <= latest) return { allowed: true, pace: { kind: 'queued', now, intervalMs, latest } };
  return { allowed: false, retryAfterMs: tat - latest };
};

/** The key a sender's state is kept under in a room: their role and id. */
export const senderKey = (sender: { role: string; userId: string }): string => `${sender.role}#${sender.userId}`;
