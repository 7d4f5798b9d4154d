import type { SendPace } from '../messages/sendRate';

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
