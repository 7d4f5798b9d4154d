import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { tenantRecord, type TenantRecord } from '../tenancy/tenant';
import { registryClient } from './client';
import { isConditionFailure } from './conditions';

/**
 * The registry table is keyed by `client_id`; it holds tenant metadata, never chat data. Besides
 * the tenant records it holds claim items, `UNIQUE#<field>#<value>`, one per tenant `sub_domain`
 * and `db_name`: DynamoDB has one unique key per table, so uniqueness of the other two is a
 * conditional write of a claim (dynalite has no transactions, so no TransactWriteItems either).
 */
const CLAIM_PREFIX = 'UNIQUE#';

export const CLAIMED_FIELDS = ['sub_domain', 'db_name'] as const;
export type ClaimedField = (typeof CLAIMED_FIELDS)[number];

/** Both identifiers compare case-insensitively: `Ace` and `ace` would be one tenant to a person. */
const claimKey = (field: ClaimedField, value: string) => `${CLAIM_PREFIX}${field}#${value.toLowerCase()}`;

/** A registry item that is a claim, not a tenant record (a registry Scan skips these). */
export const isClaimItem = (item: Record<string, unknown>): boolean =>
  typeof item.client_id === 'string' && item.client_id.startsWith(CLAIM_PREFIX);

type ClaimItem = {
  client_id: string;
  owner: string;
  claim_id: string;
  claimed_at: number;
};

/** Another tenant (or an add in progress) holds the value; `holder` is its client_id when known. */
export class TenantConflict extends Error {
  override readonly name = 'TenantConflict';

  constructor(
    readonly field: 'client_id' | ClaimedField,
    readonly value: string,
    readonly holder?: string,
  ) {
    super(
      field === 'client_id'
        ? `client_id ${value} already exists`
        : `${field} ${value} is held by ${holder ? `tenant ${holder}` : 'a tenant being added right now'}`,
    );
  }
}

export class TenantNotFound extends Error {
  override readonly name = 'TenantNotFound';

  constructor(readonly clientId: string) {
    super(`no tenant with client_id ${clientId}`);
  }
}

const table = () => config.tenantsTable;

export const getTenantRecord = async (clientId: string): Promise<TenantRecord | undefined> => {
  const { Item } = await registryClient().send(new GetCommand({ TableName: table(), Key: { client_id: clientId } }));
  return Item ? tenantRecord.parse(Item) : undefined;
};

const getItem = async (key: string): Promise<Record<string, unknown> | undefined> =>
  (await registryClient().send(new GetCommand({ TableName: table(), Key: { client_id: key }, ConsistentRead: true }))).Item;

/**
 * Write a record and its claims unconditionally: seeding and tests restore known tenants with it.
 * Operators add tenants with createTenantRecord, which refuses anything already taken.
 */
export const putTenantRecord = async (record: TenantRecord): Promise<void> => {
  for (const item of tenantRecordItems(record)) await registryClient().send(new PutCommand({ TableName: table(), Item: item }));
};

/** A record's registry items, claims first: what putTenantRecord writes (the local seed too). */
export const tenantRecordItems = (record: TenantRecord): Array<Record<string, unknown>> => {
  const parsed = tenantRecord.parse(record);
  const claims = CLAIMED_FIELDS.map(
    (field): ClaimItem => ({ client_id: claimKey(field, parsed[field]), owner: parsed.client_id, claim_id: randomUUID(), claimed_at: Date.now() }),
  );
  return [...claims, parsed];
};

/** Whether the claim's owner really holds the value: a claim left by an interrupted add does not. */
const claimIsHeld = async (claim: ClaimItem, field: ClaimedField): Promise<boolean> => {
  const owner = await getItem(claim.owner);
  return typeof owner?.[field] === 'string' && claimKey(field, owner[field]) === claim.client_id;
};

/**
 * Claim `value` for `owner`. A claim whose owner does not hold the value and that is older than
 * `staleClaimMs` was left by an add that died between its writes: it is taken over, conditional on
 * its claim_id, so two adders can never both take it. A younger one may be an add in progress.
 */
const claim = async (field: ClaimedField, value: string, owner: string, claimId: string, staleClaimMs: number): Promise<void> => {
  const item: ClaimItem = { client_id: claimKey(field, value), owner, claim_id: claimId, claimed_at: Date.now() };
  try {
    await registryClient().send(
      new PutCommand({ TableName: table(), Item: item, ConditionExpression: 'attribute_not_exists(client_id)' }),
    );
    return;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const existing = (await getItem(item.client_id)) as ClaimItem | undefined;
  if (!existing) return claim(field, value, owner, claimId, staleClaimMs);
  const held = await claimIsHeld(existing, field);
  if (held || Date.now() - existing.claimed_at < staleClaimMs) throw new TenantConflict(field, value, held ? existing.owner : undefined);
  try {
    await registryClient().send(
      new PutCommand({
        TableName: table(),
        Item: item,
        ConditionExpression: 'claim_id = :abandoned',
        ExpressionAttributeValues: { ':abandoned': existing.claim_id },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new TenantConflict(field, value);
    throw error;
  }
};

/** Remove this add's claim; one that is no longer ours is left alone. */
const release = async (field: ClaimedField, value: string, claimId: string): Promise<void> => {
  try {
    await registryClient().send(
      new DeleteCommand({
        TableName: table(),
        Key: { client_id: claimKey(field, value) },
        ConditionExpression: 'claim_id = :mine',
        ExpressionAttributeValues: { ':mine': claimId },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

export interface CreateOptions {
  /** How old an unheld claim must be before it counts as abandoned (default one minute). */
  staleClaimMs?: number;
}

/**
 * Add a tenant only if its client_id, sub_domain and db_name are all free: claim the two names,
 * then write the record conditional on the client_id being new. Any refusal releases the claims
 * this call made, so a refused add leaves nothing behind.
 */
export const createTenantRecord = async (record: TenantRecord, { staleClaimMs = 60_000 }: CreateOptions = {}): Promise<void> => {
  const parsed = tenantRecord.parse(record);
  // Only for a clear message: the conditional put below is what refuses an existing client_id.
  if (await getItem(parsed.client_id)) throw new TenantConflict('client_id', parsed.client_id);
  const claimId = randomUUID();
  const claimed: ClaimedField[] = [];
  try {
    for (const field of CLAIMED_FIELDS) {
      await claim(field, parsed[field], parsed.client_id, claimId, staleClaimMs);
      claimed.push(field);
    }
    await registryClient().send(
      new PutCommand({ TableName: table(), Item: parsed, ConditionExpression: 'attribute_not_exists(client_id)' }),
    );
  } catch (error) {
    for (const field of claimed) await release(field, parsed[field], claimId);
    if (isConditionFailure(error)) throw new TenantConflict('client_id', parsed.client_id);
    throw error;
  }
};

/** The fields an update may change: the identifiers and their claims never change. */
type MutableField = Exclude<keyof TenantRecord, 'client_id' | ClaimedField>;

const UPDATE_ATTEMPTS = 5;

/**
 * Read, change and validate a record with the registry's schema, then write only the changed
 * fields, conditional on the record's `revision` being the one read (a concurrent change makes it
 * read again). Attributes this schema does not know are left as they are.
 */
export const updateTenantRecord = async (
  clientId: string,
  change: (current: TenantRecord) => TenantRecord,
): Promise<TenantRecord> => {
  for (let attempt = 1; ; attempt++) {
    const item = await getItem(clientId);
    if (!item || isClaimItem(item)) throw new TenantNotFound(clientId);
    const current = tenantRecord.parse(item);
    const next = tenantRecord.parse(change(structuredClone(current)));
    if (next.client_id !== current.client_id || next.sub_domain !== current.sub_domain || next.db_name !== current.db_name) {
      throw new Error('a tenant update cannot change client_id, sub_domain or db_name');
    }
    const fields = (Object.keys({ ...current, ...next }) as MutableField[]).filter(
      (field) => JSON.stringify(current[field]) !== JSON.stringify(next[field]),
    );
    if (fields.length === 0) return next;
    const revision = typeof item.revision === 'number' ? item.revision : undefined;
    const names: Record<string, string> = { '#revision': 'revision' };
    const values: Record<string, unknown> = { ':next': (revision ?? 0) + 1 };
    const sets = ['#revision = :next'];
    const removes: string[] = [];
    fields.forEach((field, i) => {
      names[`#f${i}`] = field;
      if (next[field] === undefined) removes.push(`#f${i}`);
      else {
        sets.push(`#f${i} = :f${i}`);
        values[`:f${i}`] = next[field];
      }
    });
    if (revision !== undefined) values[':read'] = revision;
    try {
      await registryClient().send(
        new UpdateCommand({
          TableName: table(),
          Key: { client_id: clientId },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: `attribute_exists(client_id) AND ${revision === undefined ? 'attribute_not_exists(#revision)' : '#revision = :read'}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return next;
    } catch (error) {
      if (!isConditionFailure(error) || attempt >= UPDATE_ATTEMPTS) throw error;
    }
  }
};

export interface TenantList {
  records: TenantRecord[];
  /** Registry records that do not parse; reported, never fatal to the others. */
  invalid: number;
}

/**
 * Every tenant in the registry. A Scan is right here: the registry holds one small record per
 * tenant (never chat data) and its name claims, and a pass needs all of them. The chat table is
 * never scanned.
 */
export const listTenantRecords = async (): Promise<TenantList> => {
  const records: TenantRecord[] = [];
  let invalid = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await registryClient().send(new ScanCommand({ TableName: config.tenantsTable, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      if (isClaimItem(item)) continue;
      const parsed = tenantRecord.safeParse(item);
      if (parsed.success) records.push(parsed.data);
      else invalid++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { records, invalid };
};
