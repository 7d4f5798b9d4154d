import { logger } from '../log';
import {
  isOrderOwner,
  orderNumberOwner,
  releaseRoomNumber,
  reserveRoomNumber,
  roomNumberOwner,
  transferRoomNumber,
} from '../store/roomNumbers';
import { renumberRoom } from '../store/rooms';
import type { Tenant } from '../tenancy/tenant';
import { randomRoomNumber, refOfRoomId } from './identifiers';

/** A taken room number is a 1-in-10^8-per-room event; a few fresh draws always suffice. */
const ROOM_NUMBER_ATTEMPTS = 5;

/** Draw and reserve a fresh 8-digit number for the room `roomId`. */
export const reserveGeneratedNumber = async (tenant: Tenant, roomId: string): Promise<string> => {
  for (let attempt = 0; attempt < ROOM_NUMBER_ATTEMPTS; attempt++) {
    const number = randomRoomNumber();
    if (await reserveRoomNumber(tenant, number, roomId)) return number;
  }
  throw new Error('Could not reserve a room number');
};

/**
 * Reserve an order's number for the order. The platform's number is the room's number whatever
 * happens; if a generated number got there first (before the order was known here), that room
 * takes a fresh number — reserved before it changes, so it is never without one — and hands the
 * order its number. A number held by a room that is not (or no longer) carrying it stays put: the
 * room may be a moment from being created with it.
 */
export const reserveOrderNumber = async (tenant: Tenant, orderNumber: string, orderId: string): Promise<void> => {
  const order = orderNumberOwner(orderId);
  if (await reserveRoomNumber(tenant, orderNumber, order)) return;
  const holder = await roomNumberOwner(tenant, orderNumber);
  const ref = holder && !isOrderOwner(holder) ? refOfRoomId(holder) : undefined;
  if (!holder || !ref) {
    logger.warn('Order number held by another order', { orderNumber });
    return;
  }
  const fresh = await reserveGeneratedNumber(tenant, holder);
  if (await renumberRoom(tenant, ref, holder, orderNumber, fresh)) {
    await transferRoomNumber(tenant, orderNumber, holder, order);
    return;
  }
  await releaseRoomNumber(tenant, fresh, holder);
  logger.warn('Order number held by a room not carrying it', { orderNumber });
};
