import * as managementApi from '../aws/apiGatewayManagement';
import { isRetryableFault, retryBackoffMs } from '../aws/retries';
import { config } from '../config';
import { AppError } from '../errors';
import { logger } from '../log';
import { PARTICIPANT_ROLES, type ParticipantRole } from '../rooms/chatType';
import type { Room } from '../rooms/room';
import { functionTransport } from '../store/client';
import { deleteConnection, queryConnections, type StoredConnection } from '../store/connections';
import type { TenantKeyScope } from '../store/keys';
import { epochSeconds } from '../time';
import type { RealtimeEvent } from './events';

/**
 * What one publication did. `failed` counts what still failed after every retry: a participant
 * whose connections could not be looked up, or a connection a push did not reach. Then the event
 * may be missing at some live connection, and `complete` is false.
 */
export interface DeliveryReport {
  /** Connections of the room's participants found in the store, expired ones included. */
  connections: number;
  /** Pushes API Gateway accepted. */
  delivered: number;
  /** Connections API Gateway no longer knew (410): their records were deleted. */
  gone: number;
  /** Connections whose token had expired: sent nothing, closed and forgotten. */
  expired: number;
  /** Lookups and pushes that failed for good; see `complete`. */
  failed: number;
  /** True when every live connection of every participant was given the event. */
  complete: boolean;
  /** The participants (by slot) at least one of whose connections was given the event. */
  reached: ParticipantRole[];
}

interface PublishOptions {
  now?: Date;
  /**
   * When to stop retrying failed lookups and pushes (epoch ms): the caller's request must still
   * answer in time. Defaults to PUBLISH_RETRY_WINDOW_MS after publishing starts.
   */
  retryUntil?: number;
}

/**
 * How long a publication keeps retrying what failed, on top of the store client's and the push's
 * own retries (3 attempts each). Short: the request that publishes is waiting to answer.
 */
const PUBLISH_RETRY_WINDOW_MS = 2000;

/** Rounds of a publication: the first, and retries of what failed in it. */
export const PUBLISH_ROUNDS = 3;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One thing a round does: look up a participant's connections, or push to one connection. */
type Target =
  | { kind: 'participant'; role: ParticipantRole; userId: string }
  | { kind: 'connection'; role: ParticipantRole; userId: string; connectionId: string };

interface Failure {
  target: Target;
  error: unknown;
}

const participantsOf = (room: Room): Target[] =>
  PARTICIPANT_ROLES.flatMap((role) => {
    const userId = room.participants[role]?.user_id;
    return userId ? [{ kind: 'participant' as const, role, userId }] : [];
  });

interface Publication {
  tenant: TenantKeyScope;
  api: managementApi.ManagementApi;
  data: string;
  nowSeconds: number;
  report: DeliveryReport;
}

/**
 * A connection whose token expired hears nothing more: close it (its $disconnect then runs too)
 * and delete its record. The record goes only once the close is answered, so a close that fails
 * is tried again by the next publication (and the record's TTL drops it in the end anyway).
 */
const endExpired = async (publication: Publication, role: ParticipantRole, userId: string, connectionId: string): Promise<void> => {
  publication.report.expired++;
  try {
    await managementApi.deleteConnection(publication.api, connectionId);
    await deleteConnection(publication.tenant, role, userId, connectionId);
  } catch (error) {
    logger.warn('Could not close an expired connection', { connectionId, error });
  }
};

const push = async (publication: Publication, target: Extract<Target, { kind: 'connection' }>): Promise<void> => {
  if ((await managementApi.postToConnection(publication.api, target.connectionId, publication.data)) === 'sent') {
    publication.report.delivered++;
    if (!publication.report.reached.includes(target.role)) publication.report.reached.push(target.role);
    return;
  }
  publication.report.gone++;
  await deleteConnection(publication.tenant, target.role, target.userId, target.connectionId);
};

/** Look a participant up and push to each live connection; what fails is handed back to retry. */
const reach = async (publication: Publication, target: Target): Promise<Failure[]> => {
  if (target.kind === 'connection') {
    try {
      await push(publication, target);
      return [];
    } catch (error) {
      return [{ target, error }];
    }
  }
  let connections: StoredConnection[];
  try {
    connections = await queryConnections(publication.tenant, target.role, target.userId);
  } catch (error) {
    return [{ target, error }];
  }
  publication.report.connections += connections.length;
  const failures = await Promise.all(
    connections.map(async ({ connectionId, expiresAt }) => {
      if (expiresAt <= publication.nowSeconds) {
        await endExpired(publication, target.role, target.userId, connectionId);
        return [];
      }
      return reach(publication, { kind: 'connection', role: target.role, userId: target.userId, connectionId });
    }),
  );
  return failures.flat();
};

/**
 * Push an event to every open connection of the room's participants, as the room is now (so a
 * participant added a moment ago receives it). Cost per event: one Query per participant (2 or 3)
 * plus one push per connection; a connection found gone is deleted (one more write), one whose
 * token expired is closed and deleted instead of pushed to.
 *
 * Delivery: at least once to every live connection when the report is `complete`. A lookup or
 * push that fails after its client's own retries is tried again, in up to PUBLISH_ROUNDS rounds
 * until `retryUntil`; a refusal that retrying cannot mend (a 403, a bad request) is not. A push
 * whose answer was lost may have arrived and arrive again: clients dedupe on `event_id`. Never
 * throws, and never hides a failure: what still failed is in the report.
 *
 * How a caller treats the report: through deliverRoomEvent (lib/realtime/delivery.ts), the one
 * place use cases hand events over. The write the event reports has already succeeded, so the
 * event must not be lost silently: a caller whose client retries idempotently answers 503
 * (`undeliveredEvent`), and the retry, finding the write done, publishes again with the same
 * `event_id`; any other caller logs and counts it, and its recipients catch up from the HTTP API.
 * Connections that vanished without $disconnect (an instance killed) keep their records until a
 * push meets them and gets 410, or their TTL passes.
 */
export const publishToRoom = async (
  tenant: TenantKeyScope,
  room: Room,
  event: RealtimeEvent,
  { now = new Date(), retryUntil = Date.now() + PUBLISH_RETRY_WINDOW_MS }: PublishOptions = {},
): Promise<DeliveryReport> => {
  const report: DeliveryReport = { connections: 0, delivered: 0, gone: 0, expired: 0, failed: 0, complete: true, reached: [] };
  const endpoint = config.websocketEndpoint;
  if (!endpoint) return report;
  const publication: Publication = {
    tenant,
    api: { transport: functionTransport(), endpoint },
    data: JSON.stringify(event),
    nowSeconds: epochSeconds(now),
    report,
  };
  let pending = participantsOf(room);
  for (let round = 1; pending.length > 0; round++) {
    const failures = (await Promise.all(pending.map((target) => reach(publication, target)))).flat();
    const backoff = retryBackoffMs(round);
    const mayRetry = round < PUBLISH_ROUNDS && Date.now() + backoff < retryUntil;
    const again = mayRetry ? failures.filter((failure) => isRetryableFault(failure.error)) : [];
    for (const { target, error } of failures.filter((failure) => !again.includes(failure))) {
      report.failed++;
      logger.warn(target.kind === 'participant' ? 'Could not look up connections' : 'Could not push an event', {
        event: event.event,
        event_id: event.event_id,
        role: target.role,
        ...(target.kind === 'connection' && { connectionId: target.connectionId }),
        error,
      });
    }
    pending = again.map((failure) => failure.target);
    if (pending.length > 0) await pause(backoff);
  }
  report.complete = report.failed === 0;
  report.reached.sort((a, b) => PARTICIPANT_ROLES.indexOf(a) - PARTICIPANT_ROLES.indexOf(b));
  return report;
};

/**
 * The error a retryable caller throws for an incomplete publication: 503 with Retry-After, so the
 * client retries the (idempotent) request and that retry publishes the event again.
 */
export const undeliveredEvent = (report: DeliveryReport, event: RealtimeEvent): AppError =>
  new AppError('SERVICE_UNAVAILABLE', 'The change was saved but not every connection was told; retry the request', undefined, {
    retryAfterSeconds: 1,
    cause: { event_id: event.event_id, report },
  });
