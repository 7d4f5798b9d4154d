import { AppError } from '../errors';
import type { Actor, Role } from './tenant';

/**
 * The caller may act as `userId` in `role` (start its conversations, list its rooms) only if that
 * is who the token says they are; an `admin` of the tenant may act for anyone.
 */
export const assertActsAs = (actor: Actor, userId: string, role: Role): void => {
  if (actor.role === 'admin') return;
  if (actor.userId !== userId) {
    throw new AppError('FORBIDDEN', `Only ${role} ${userId} or an admin may do this: the token is another user's`);
  }
  if (actor.role !== role) {
    throw new AppError('FORBIDDEN', `Only a ${role} or an admin may do this: the token's role is ${actor.role}`);
  }
};
