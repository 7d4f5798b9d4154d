import type { ParticipantRole } from '../rooms/chatType';
import type { Role } from '../tenancy/tenant';
import { dayStart, utcDay } from '../time';

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

/** Reserves a room number (a generated `room_id` or an order number) so numbers stay unique per tenant. */
export const roomNumberKey = (tenant: TenantKeyScope, roomNumber: string): ItemKey => ({
  pk: `${tenantPrefix(tenant)}ROOMNO#${roomNumber}`,
  sk: 'ROOMNO',
});

/**
 * Partition key of the per-role indexes (byAgent, byUser, byVendor): a participant's rooms, newest
 * activity first by `activity_minute`.
 */
export const participantIndexKey = (tenant: TenantKeyScope, role: ParticipantRole, userId: string): string =>
  `${tenantPrefix(tenant)}${role.toUpperCase()}#${userId}`;

export const PARTICIPANT_INDEX = {
  agent: { name: 'byAgent', attribute: 'agent_key' },
  user: { name: 'byUser', attribute: 'user_key' },
  vendor: { name: 'byVendor', attribute: 'vendor_key' },
} as const satisfies Record<ParticipantRole, { name: string; attribute: string }>;

/** Sort key of the per-role indexes. */
export const ACTIVITY_ATTRIBUTE = 'activity_minute';

/** Partition key of the byExpiry index: one bucket per tenant and UTC day. */
export const expiryBucket = (tenant: TenantKeyScope, expiresAtSeconds: number): string =>
  `${tenantPrefix(tenant)}EXP#${utcDay(expiresAtSeconds)}`;

export const EXPIRY_INDEX = 'byExpiry';

/** Sort key of byExpiry. */
export const EXPIRY_HOUR_ATTRIBUTE = 'expiry_hour';

const MINUTE_SECONDS = 60;
const HOUR_SECONDS = 3600;

/** Where a room with this expiry sits in byExpiry: the hour at or after it, in that hour's day. */
export const expiryIndexAttributes = (tenant: TenantKeyScope, expiresAtSeconds: number) => {
  const expiryHour = Math.ceil(expiresAtSeconds / HOUR_SECONDS) * HOUR_SECONDS;
  return { expiry_bucket: expiryBucket(tenant, expiryHour), [EXPIRY_HOUR_ATTRIBUTE]: expiryHour };
};

/**
 * The index attributes every room write sets from its activity time and expiry. They are coarse
 * on purpose: a write that gives an index key the value it already has does not touch the index,
 * so the room's entries in the participants' indexes move at most once a minute (lists are in
 * activity order to the minute) and its byExpiry entry at most once an hour. The exact
 * `updated_date` and `expires_at` live only on the room item. Rounding the expiry up means
 * byExpiry never names a room before it is due; cleanup may find it up to an hour late.
 */
export const roomIndexAttributes = (tenant: TenantKeyScope, activity: { now: string; expiresAt: number }) => ({
  [ACTIVITY_ATTRIBUTE]: Math.floor(Date.parse(activity.now) / 1000 / MINUTE_SECONDS) * MINUTE_SECONDS,
  ...expiryIndexAttributes(tenant, activity.expiresAt),
});

/**
 * A message of a room: in the room's partition, sorted by its ULID, so a Query on the partition
 * with `begins_with(sk, MSG#)` pages the conversation in time order without any index.
 */
export const MESSAGE_SK_PREFIX = 'MSG#';

export const messageKey = (tenant: TenantKeyScope, ref: string, messageId: string): ItemKey => ({
  pk: roomPartition(tenant, ref),
  sk: `${MESSAGE_SK_PREFIX}${messageId}`,
});

/**
 * A sender's `client_message_id` claimed in a room: one marker per (sender, id), in the room's
 * partition so the cleanup cascade removes it with the room.
 */
export const messageDedupeKey = (
  tenant: TenantKeyScope,
  ref: string,
  sender: { type: string; id: string },
  clientMessageId: string,
): ItemKey => ({
  pk: roomPartition(tenant, ref),
  sk: `${messageDedupePrefix(sender)}${clientMessageId}`,
});

/** What the sort key of every `client_message_id` claim of one sender begins with (their claims in a room). */
export const messageDedupePrefix = (sender: { type: string; id: string }): string => `DEDUPE#${sender.type}#${sender.id}#`;

/**
 * The live WebSocket connections of one person (role + user id): one partition per person, so the
 * fan-out of a room's event is one Query per participant, and a connection is found again (to be
 * deleted) from the identity its authorizer recorded.
 */
export const connectionPartition = (tenant: TenantKeyScope, role: Role, userId: string): string =>
  `${tenantPrefix(tenant)}CONN#${role.toUpperCase()}#${userId}`;

export const CONNECTION_SK_PREFIX = 'CONN#';

export const connectionKey = (tenant: TenantKeyScope, role: Role, userId: string, connectionId: string): ItemKey => ({
  pk: connectionPartition(tenant, role, userId),
  sk: `${CONNECTION_SK_PREFIX}${connectionId}`,
});

/** Where a tenant's cleanup resumes: one item per tenant, outside every room partition. */
export const cleanupCursorKey = (tenant: TenantKeyScope): ItemKey => ({ pk: `${tenantPrefix(tenant)}CLEANUP`, sk: 'CURSOR' });

export const ROOM_TOMBSTONE_SK_PREFIX = 'GONE#';

/**
 * Left in a deleted room's partition until everything under that room is deleted. It takes the
 * room's place in byExpiry, so a pass that stops halfway through a large room is resumed by the
 * next pass; named by the room `_id` so a room recreated in the partition has its own.
 */
export const roomTombstoneKey = (tenant: TenantKeyScope, ref: string, roomId: string): ItemKey => ({
  pk: roomPartition(tenant, ref),
  sk: `${ROOM_TOMBSTONE_SK_PREFIX}${roomId}`,
});

/** The byExpiry partition of one UTC day (`YYYY-MM-DD`) of a tenant. */
export const expiryBucketOfDay = (tenant: TenantKeyScope, day: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`Not a UTC day: ${day}`);
  return expiryBucket(tenant, dayStart(day));
};

/** True if a key read back from the store addresses this tenant's data (guards keys from an index). */
export const isTenantKey = (tenant: TenantKeyScope, key: string): boolean => key.startsWith(tenantPrefix(tenant));

const ATTACHMENT_SK_PREFIX = 'ATT#';

/**
 * An upload requested for a room (lib/store/attachments.ts): in the room's partition, so the
 * cleanup cascade removes it with the room, and a request names only attachments of its own room.
 */
export const attachmentKey = (tenant: TenantKeyScope, ref: string, attachmentId: string): ItemKey => ({
  pk: roomPartition(tenant, ref),
  sk: `${ATTACHMENT_SK_PREFIX}${attachmentId}`,
});

/**
 * Every S3 object of a tenant (attachments) lies under `<client_id>/`: the tenant-access role
 * reaches only that prefix, and the in-process guard (lib/store/tenantGuard.ts) checks it first.
 */
export const objectPrefix = (tenant: TenantKeyScope): string => {
  tenantPrefix(tenant);
  return `${tenant.clientId}/`;
};

/** An upload not yet sent: tagged `pending` by its form, so the bucket's lifecycle deletes it after a day. */
export const pendingObjectKey = (tenant: TenantKeyScope, roomId: string, attachmentId: string): string =>
  `${objectPrefix(tenant)}pending/${roomId}/${attachmentId}`;

/** Everything sent in one room incarnation: the cleanup cascade deletes this prefix with the room. */
export const roomObjectsPrefix = (tenant: TenantKeyScope, roomId: string): string => `${objectPrefix(tenant)}rooms/${roomId}/`;

/** An attachment as sent in one message: its own copy, which no form can overwrite and which goes with the message. */
export const sentObjectKey = (tenant: TenantKeyScope, roomId: string, messageId: string, attachmentId: string): string =>
  `${roomObjectsPrefix(tenant, roomId)}${messageId}/${attachmentId}`;

/** An epoch millisecond as a sort key part: zero-padded wide enough for any this service will see, so keys sort as numbers. */
const sortableEpochMs = (epochMs: number): string => String(epochMs).padStart(15, '0');

/** The progress of one person's erasure while it runs (lib/store/erasures.ts): keyed by the person, so a second call resumes it. */
export const erasureProgressKey = (tenant: TenantKeyScope, person: { role: ParticipantRole; userId: string }): ItemKey => ({
  pk: `${tenantPrefix(tenant)}PRIVACY#${person.role.toUpperCase()}#${person.userId}`,
  sk: 'ERASURE',
});

/** The tenant's privacy audit trail: one partition, one item per completed erasure, named by its id only. */
export const erasureAuditPartition = (tenant: TenantKeyScope): string => `${tenantPrefix(tenant)}PRIVACY`;

export const ERASURE_AUDIT_SK_PREFIX = 'ERASURE#';

export const erasureAuditKey = (tenant: TenantKeyScope, erasureId: string): ItemKey => ({
  pk: erasureAuditPartition(tenant),
  sk: `${ERASURE_AUDIT_SK_PREFIX}${erasureId}`,
});

/** One shard of a tenant's pending webhook deliveries (lib/store/webhooks.ts), sorted by when each is due. */
export const webhookDuePartition = (tenant: TenantKeyScope, shard: number): string => `${tenantPrefix(tenant)}WEBHOOK#DUE#${shard}`;

/** `<due epoch ms>#<delivery_id>`; without a delivery id, the bound below everything due later than `dueAt`. */
export const webhookDueSortKey = (dueAt: number, deliveryId = ''): string => `${sortableEpochMs(dueAt)}#${deliveryId}`;

/** The tenant's deliveries that ran out of attempts, keyed by delivery id. */
export const webhookFailedPartition = (tenant: TenantKeyScope): string => `${tenantPrefix(tenant)}WEBHOOK#FAILED`;

export const webhookFailedKey = (tenant: TenantKeyScope, deliveryId: string): ItemKey => ({ pk: webhookFailedPartition(tenant), sk: deliveryId });

/** What the local stack's webhook receiver was sent (lib/store/playgroundWebhooks.ts): one partition per tenant. */
export const playgroundWebhookPartition = (tenant: TenantKeyScope): string => `${tenantPrefix(tenant)}PLAYGROUND_WEBHOOK`;

/** The count of copies received of one webhook-id. */
export const playgroundWebhookCountKey = (tenant: TenantKeyScope, webhookId: string): ItemKey => ({
  pk: playgroundWebhookPartition(tenant),
  sk: `ID#${webhookId}`,
});

export const PLAYGROUND_WEBHOOK_RECEIVED_SK_PREFIX = 'AT#';

/** One delivery received, sorted by when it arrived. */
export const playgroundWebhookReceivedKey = (
  tenant: TenantKeyScope,
  received: { received_at: number; webhook_id: string; attempt: number },
): ItemKey => ({
  pk: playgroundWebhookPartition(tenant),
  sk: `${PLAYGROUND_WEBHOOK_RECEIVED_SK_PREFIX}${sortableEpochMs(received.received_at)}#${received.webhook_id}#${received.attempt}`,
});
