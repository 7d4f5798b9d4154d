import type { ParticipantRole } from '../rooms/chatType';

/**
 * Every key of tenant data begins with `T#<client_id>#`, and only these functions build keys:
 * each takes the tenant and refuses to build one without it.
 */
export interface TenantKeyScope {
  readonly clientId: string;
}

export const tenantPrefix = (tenant: TenantKeyScope | undefined): string => {
  const clientId = tenant?.clientId;
  if (typeof clientId !== 'string' || !/^[1-9][0-9]*$/.test(clientId)) {
    throw new Error('A resolved tenant is required to address chat data');
  }
  return `T#${clientId}#`;
};

export interface ItemKey {
  pk: string;
  sk: string;
}

/** A room and everything stored under it (messages, …) share this partition. */
export const roomPartition = (tenant: TenantKeyScope, ref: string): string => `${tenantPrefix(tenant)}ROOM#${ref}`;

export const ROOM_SK = 'ROOM';

export const roomKey = (tenant: TenantKeyScope, ref: string): ItemKey => ({ pk: roomPartition(tenant, ref), sk: ROOM_SK });

/** Reserves a generated `room_id` so no two rooms of a tenant share one. */
export const roomNumberKey = (tenant: TenantKeyScope, roomNumber: string): ItemKey => ({
  pk: `${tenantPrefix(tenant)}ROOMNO#${roomNumber}`,
  sk: 'ROOMNO',
});

/** Partition key of the per-role indexes (byAgent, byUser, byVendor): a participant's rooms. */
export const participantIndexKey = (tenant: TenantKeyScope, role: ParticipantRole, userId: string): string =>
  `${tenantPrefix(tenant)}${role.toUpperCase()}#${userId}`;

export const PARTICIPANT_INDEX = {
  agent: { name: 'byAgent', attribute: 'agent_key' },
  user: { name: 'byUser', attribute: 'user_key' },
  vendor: { name: 'byVendor', attribute: 'vendor_key' },
} as const satisfies Record<ParticipantRole, { name: string; attribute: string }>;

/** Partition key of the byExpiry index: one bucket per tenant and UTC day of expiry. */
export const expiryBucket = (tenant: TenantKeyScope, expiresAtSeconds: number): string =>
  `${tenantPrefix(tenant)}EXP#${new Date(expiresAtSeconds * 1000).toISOString().slice(0, 10)}`;

export const EXPIRY_INDEX = 'byExpiry';
