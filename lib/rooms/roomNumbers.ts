import { AppError } from '../errors';
import { orderNumberOwner, reserveRoomNumber } from '../store/roomNumbers';
import type { Tenant } from '../tenancy/tenant';
import { randomRoomNumber } from './identifiers';

/**
 * A taken draw is drawn again. Even a tenant holding a million live generated numbers (a tenth of
 * them) takes a draw one time in ten, so this many draws in a row fail one time in 10^8.
 */
const ROOM_NUMBER_ATTEMPTS = 8;

/** Draw and reserve a fresh generated number for the room `roomId`. */
export const reserveGeneratedNumber = async (tenant: Tenant, roomId: string): Promise<string> => {
  for (let attempt = 0; attempt < ROOM_NUMBER_ATTEMPTS; attempt++) {
    const number = randomRoomNumber();
    if (await reserveRoomNumber(tenant, number, roomId)) return number;
  }
  throw new Error('Could not reserve a room number');
};

/**
 * Reserve an order's number for the order (its conversations share it). A number another order
 * holds, or a room created before generated numbers had their own range, is refused with 409
 * ORDER_NUMBER_TAKEN and nothing is written: no request changes the number of a room it is not
 * creating.
 */
export const reserveOrderNumber = async (tenant: Tenant, orderNumber: string, orderId: string): Promise<void> => {
  if (await reserveRoomNumber(tenant, orderNumber, orderNumberOwner(orderId))) return;
  throw new AppError('ORDER_NUMBER_TAKEN', 'order_number is the number of another order', [
    { path: 'order_number', message: 'is already the number of another order' },
  ]);
};
