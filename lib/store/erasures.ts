import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { COUNT_NAMES, noCounts, type ErasureCounts, type PersonRef, type RequestedBy } from '../privacy/person';
import type { ParticipantRole } from '../rooms/chatType';
import { documentClient } from './client';
import { conditionHeld, unlessConditionFails } from './conditions';
import { ERASURE_AUDIT_SK_PREFIX, erasureAuditKey, erasureAuditPartition, erasureProgressKey, type TenantKeyScope } from './keys';
import { deleteItem, queryAllItems } from './tenantItems';

/*
 * The erasure's own items: its progress while it runs (keyed by the person, so a second call
 * finds and resumes it; deleted when it completes) and the tenant's audit trail of completed
 * erasures, which names no one.
 */

export interface ErasureProgress {
  erasure_id: string;
  requested_by: RequestedBy;
  requested_date: string;
  counts: ErasureCounts;
  /**
   * The rooms being erased right now (room partition reference → the anonymous id the person
   * takes there): an erasure resumed after a crash finishes these first, with the same ids,
   * even where nothing else would find the room again. References are hashes, not personal data.
   */
  pending: Record<string, string>;
}

const countsOf = (item: Record<string, unknown>): ErasureCounts =>
  Object.fromEntries(COUNT_NAMES.map((name) => [name, Number(item[name] ?? 0)])) as unknown as ErasureCounts;

const toProgress = (item: Record<string, unknown>): ErasureProgress => ({
  erasure_id: String(item.erasure_id),
  requested_by: item.requested_by as RequestedBy,
  requested_date: String(item.requested_date),
  counts: countsOf(item),
  pending: (item.pending as Record<string, string> | undefined) ?? {},
});

/** The person's erasure in progress, if one is. */
export const getErasureProgress = async (tenant: TenantKeyScope, person: PersonRef): Promise<ErasureProgress | undefined> => {
  const { Item } = await documentClient(tenant).send(
    new GetCommand({ TableName: config.chatTable, Key: erasureProgressKey(tenant, person), ConsistentRead: true }),
  );
  return Item ? toProgress(Item) : undefined;
};

/**
 * The person's erasure in progress, or `fresh` started now: one conditional Put. Of two calls at
 * once, both continue the one that was written first (same id, same audit record).
 */
export const startOrResumeErasure = async (
  tenant: TenantKeyScope,
  person: PersonRef,
  fresh: Pick<ErasureProgress, 'erasure_id' | 'requested_by' | 'requested_date'>,
): Promise<{ progress: ErasureProgress; resumed: boolean }> => {
  const existing = await getErasureProgress(tenant, person);
  if (existing) return { progress: existing, resumed: true };
  const written = await conditionHeld(() =>
    documentClient(tenant).send(
      new PutCommand({
        TableName: config.chatTable,
        Item: { ...erasureProgressKey(tenant, person), ...fresh, pending: {} },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  if (written) return { progress: { ...fresh, counts: noCounts(), pending: {} }, resumed: false };
  const winner = await getErasureProgress(tenant, person);
  if (!winner) throw new Error('An erasure record vanished between its write and its read');
  return { progress: winner, resumed: true };
};

/**
 * The person's erasure record went while this run was using it: a concurrent run of the same
 * erasure completed it. The run starts over (finding whatever is left, most likely nothing).
 */
export class ErasureCompletedElsewhere extends Error {
  override readonly name = 'ErasureCompletedElsewhere';
  constructor() {
    super('The erasure was completed by a concurrent run');
  }
}

/** A write to the progress record, conditional on it still existing (it is never recreated by accident). */
const onProgress = async <T>(write: () => Promise<T>): Promise<T> => {
  const result = await unlessConditionFails(write);
  if (result === undefined) throw new ErasureCompletedElsewhere();
  return result;
};

/** The ADD clause of counts (only those above zero), or undefined when there is nothing to add. */
const addCounts = (counts: Partial<ErasureCounts>) => {
  const added = COUNT_NAMES.filter((name) => (counts[name] ?? 0) > 0);
  if (added.length === 0) return undefined;
  return {
    clause: `ADD ${added.map((name) => `#${name} :${name}`).join(', ')}`,
    names: Object.fromEntries(added.map((name) => [`#${name}`, name])),
    values: Object.fromEntries(added.map((name) => [`:${name}`, counts[name]])),
  };
};

/** Add what a step erased to the running counts (one UpdateItem). */
export const addErasureCounts = async (tenant: TenantKeyScope, person: PersonRef, counts: Partial<ErasureCounts>): Promise<void> => {
  const add = addCounts(counts);
  if (!add) return;
  await onProgress(() =>
    documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: erasureProgressKey(tenant, person),
        UpdateExpression: add.clause,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: add.names,
        ExpressionAttributeValues: add.values,
      }),
    ),
  );
};

/**
 * Note that the erasure is entering room `ref`, where the person becomes `anonymousId` unless an
 * earlier attempt already chose one: the id in force comes back.
 */
export const enterRoom = async (tenant: TenantKeyScope, person: PersonRef, ref: string, anonymousId: string): Promise<string> => {
  const { Attributes } = await onProgress(() =>
    documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: erasureProgressKey(tenant, person),
        UpdateExpression: 'SET #pending.#ref = if_not_exists(#pending.#ref, :anonymous)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#pending': 'pending', '#ref': ref },
        ExpressionAttributeValues: { ':anonymous': anonymousId },
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
  );
  return String((Attributes?.pending as Record<string, string>)[ref]);
};

/** The room is done: it leaves the pending rooms, and the room is counted (one UpdateItem). */
export const leaveRoom = async (tenant: TenantKeyScope, person: PersonRef, ref: string, counts: Partial<ErasureCounts>): Promise<void> => {
  const add = addCounts(counts);
  await onProgress(() =>
    documentClient(tenant).send(
      new UpdateCommand({
        TableName: config.chatTable,
        Key: erasureProgressKey(tenant, person),
        UpdateExpression: `REMOVE #pending.#ref${add ? ` ${add.clause}` : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#pending': 'pending', '#ref': ref, ...add?.names },
        ...(add && { ExpressionAttributeValues: add.values }),
      }),
    ),
  );
};

/** A completed erasure as the audit trail keeps it: no id, name or text of the person. */
export interface ErasureAudit extends Omit<ErasureProgress, 'pending'> {
  role: ParticipantRole;
  completed_date: string;
}

/**
 * Record the erasure as complete, then drop its progress item (the last item naming the person).
 * The audit record is written first and whole, so a crash between the two leaves the progress
 * item, and the next call completes again into the same audit record.
 */
export const completeErasure = async (tenant: TenantKeyScope, person: PersonRef, audit: ErasureAudit): Promise<void> => {
  const { erasure_id, role, requested_by, requested_date, completed_date, counts } = audit;
  await documentClient(tenant).send(
    new PutCommand({
      TableName: config.chatTable,
      Item: { ...erasureAuditKey(tenant, erasure_id), erasure_id, role, requested_by, requested_date, completed_date, ...counts },
    }),
  );
  await deleteItem(tenant, erasureProgressKey(tenant, person));
};

/** The tenant's completed erasures, oldest first (erasure ids sort in time order). */
export const listErasureAudits = async (tenant: TenantKeyScope): Promise<ErasureAudit[]> => {
  const items = await queryAllItems(tenant, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': erasureAuditPartition(tenant), ':prefix': ERASURE_AUDIT_SK_PREFIX },
    ConsistentRead: true,
  });
  return items.map((item) => {
    const { pending: _pending, ...progress } = toProgress(item);
    return { ...progress, role: item.role as ParticipantRole, completed_date: String(item.completed_date) };
  });
};
