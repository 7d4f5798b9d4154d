import { AppError } from '../errors';
import type { ParticipantRole } from '../rooms/chatType';
import { refOfRoomId } from '../rooms/identifiers';
import type { Actor } from '../tenancy/tenant';

/**
 * Whose data a privacy request is about: one person of one tenant, a participant role and the
 * platform's user id in it. The same id in another role is another person (the platform keeps its
 * agents, customers and vendors apart), and the same id in another tenant is someone else entirely.
 */
export interface PersonRef {
  role: ParticipantRole;
  userId: string;
}

/** The `format` of a person's export document (lib/privacy/privacySchemas.ts describes it). */
export const PERSON_EXPORT_FORMAT = 'chat-rooms/person-export/v1';

/** Who asked for an erasure: a tenant admin over HTTP, or an operator at the CLI. */
export interface RequestedBy {
  via: 'http' | 'cli';
  /** The admin's token role and user id (HTTP), or the operator's own label (CLI, optional). */
  role?: string;
  user_id?: string;
}

/** What an erasure changed, item by item; the audit record keeps these numbers, nothing else of the person. */
export interface ErasureCounts {
  /** Rooms the person was taken out of (their slot, profile, cursor, pacing state, preview). */
  rooms: number;
  /** Their messages turned into tombstones. */
  messages: number;
  /** Their `client_message_id` claims deleted. */
  client_message_ids: number;
  /** Their WebSocket connection records deleted. */
  connections: number;
}

export const COUNT_NAMES = ['rooms', 'messages', 'client_message_ids', 'connections'] as const satisfies readonly (keyof ErasureCounts)[];

export const noCounts = (): ErasureCounts => ({ rooms: 0, messages: 0, client_message_ids: 0, connections: 0 });

/** Privacy requests are the tenant's to make: its admin (the platform's backend), never a participant. */
export const adminOnly = (actor: Actor, what: string): void => {
  if (actor.role !== 'admin') throw new AppError('FORBIDDEN', `Only an admin of the tenant may ${what}`);
};

/**
 * The room partitions named by room `_id`s. A partition holds every incarnation of its
 * conversation's room, and all of them are searched for the person's data.
 */
export const roomRefsOf = (roomIds: readonly string[] | undefined): string[] =>
  [...new Set((roomIds ?? []).flatMap((roomId) => refOfRoomId(roomId) ?? []))];
