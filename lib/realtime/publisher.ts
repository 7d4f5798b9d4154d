import { config } from '../config';
import { logger } from '../log';
import { PARTICIPANT_ROLES, type ParticipantRole } from '../rooms/chatType';
import type { Room } from '../rooms/room';
import { deleteConnection, queryConnectionIds } from '../store/connections';
import type { TenantKeyScope } from '../store/keys';
import { epochSeconds } from '../time';
import type { RealtimeEvent } from './events';
import { pushToConnection } from './gateway';

/** What one publication did: for logs and tests, never for the caller's answer. */
export interface Delivery {
  connections: number;
  sent: number;
  gone: number;
  failed: number;
}

const participantsOf = (room: Room): { role: ParticipantRole; userId: string }[] =>
  PARTICIPANT_ROLES.flatMap((role) => {
    const userId = room.participants[role]?.user_id;
    return userId ? [{ role, userId }] : [];
  });

/**
 * Push an event to every open connection of the room's participants, as the room is now (so a
 * participant added a moment ago receives it). Cost per event: one Query per participant (2 or 3)
 * plus one push per connection; a connection found gone is deleted (one more write). Never throws:
 * the write the event reports has already succeeded, and a recipient being offline must not fail it.
 */
export const publishToRoom = async (tenant: TenantKeyScope, room: Room, event: RealtimeEvent, now = new Date()): Promise<Delivery> => {
  const delivery: Delivery = { connections: 0, sent: 0, gone: 0, failed: 0 };
  const endpoint = config.websocketEndpoint;
  if (!endpoint) return delivery;
  const data = JSON.stringify(event);
  const nowSeconds = epochSeconds(now);
  await Promise.all(
    participantsOf(room).map(async ({ role, userId }) => {
      let connectionIds: string[];
      try {
        connectionIds = await queryConnectionIds(tenant, role, userId, nowSeconds);
      } catch (error) {
        delivery.failed++;
        logger.warn('Could not look up connections', { event: event.event, role, error });
        return;
      }
      delivery.connections += connectionIds.length;
      await Promise.all(
        connectionIds.map(async (connectionId) => {
          try {
            if ((await pushToConnection(endpoint, connectionId, data)) === 'sent') {
              delivery.sent++;
              return;
            }
            delivery.gone++;
            await deleteConnection(tenant, role, userId, connectionId);
          } catch (error) {
            delivery.failed++;
            logger.warn('Could not push an event', { event: event.event, connectionId, error });
          }
        }),
      );
    }),
  );
  return delivery;
};
