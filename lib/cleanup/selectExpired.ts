import { queryExpiredPage, type ExpiryEntry } from '../store/cleanup';
import { ROOM_SK, ROOM_TOMBSTONE_SK_PREFIX, type TenantKeyScope } from '../store/keys';
import type { PageRequest } from '../store/pageRequest';
import { epochSeconds } from '../time';

/**
 * Something in byExpiry that is due: a stale room, or the tombstone of a room deleted by a pass
 * that stopped before everything under it was deleted. A room is deleted only if it is still
 * expired at `selectedAt`, the time the pass judges by: a room touched since has a later expiry.
 */
export interface Candidate extends ExpiryEntry {
  kind: 'room' | 'tombstone' | 'other';
  /** Epoch seconds the pass selected it at. */
  selectedAt: number;
}

export interface CandidatePage {
  candidates: Candidate[];
  next?: Record<string, unknown>;
}

const kindOf = (sk: string): Candidate['kind'] =>
  sk === ROOM_SK ? 'room' : sk.startsWith(ROOM_TOMBSTONE_SK_PREFIX) ? 'tombstone' : 'other';

/**
 * Selection, the first phase of a pass: one page of a tenant's stale entries of one expiry day.
 * Exported on its own so a test can act between selection and deletion.
 */
export const selectExpiredPage = async (
  tenant: TenantKeyScope,
  day: string,
  now: Date,
  options: PageRequest,
): Promise<CandidatePage> => {
  const selectedAt = epochSeconds(now);
  const page = await queryExpiredPage(tenant, day, selectedAt, options);
  return {
    candidates: page.entries.map((entry) => ({ kind: kindOf(entry.sk), ...entry, selectedAt })),
    ...(page.next && { next: page.next }),
  };
};
