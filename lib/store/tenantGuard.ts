import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { config } from '../config';
import { logger } from '../log';
import { EXPIRY_INDEX, objectPrefix, PARTICIPANT_INDEX, tenantPrefix, type TenantKeyScope } from './keys';

/**
 * The in-process wall between tenants: a DynamoDB client middleware that checks every command a
 * tenant-scoped client is about to send and refuses any that could touch a key outside the
 * tenant's prefix. Key builders already put the prefix on every key; this catches the bug that
 * would not (a key from a decoded cursor, a new query, a batch assembled by hand) before the
 * store sees it. In AWS, IAM checks the same rule again (`dynamodb:LeadingKeys`); locally this
 * is the only check.
 */

/** The table's partition key and each index's: every value of them begins with the tenant's prefix. */
export const TABLE_PARTITION_ATTRIBUTE = 'pk';
export const INDEX_PARTITION_ATTRIBUTES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.values(PARTICIPANT_INDEX).map(({ name, attribute }) => [name, attribute])),
  [EXPIRY_INDEX]: 'expiry_bucket',
};
const PARTITION_ATTRIBUTES = new Set([TABLE_PARTITION_ATTRIBUTE, ...Object.values(INDEX_PARTITION_ATTRIBUTES)]);

export class TenantGuardError extends Error {
  override readonly name = 'TenantGuardError';
  constructor(
    readonly clientId: string,
    readonly command: string,
    readonly reason: string,
  ) {
    super(`Tenant guard refused ${command} for tenant ${clientId}: ${reason}`);
  }
}

type Input = Record<string, any>;

/**
 * The command's input arrives before marshalling from the document client (`"T#1#…"`) and
 * marshalled from a plain client (`{ S: "T#1#…" }`); both are read.
 */
const stringOf = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
};

/** One check of one command: collects the first reason to refuse. */
class Inspection {
  reason: string | undefined;
  constructor(private readonly prefix: string) {}

  refuse(reason: string): void {
    this.reason ??= reason;
  }

  value(where: string, value: unknown): void {
    const text = stringOf(value);
    if (text === undefined) this.refuse(`${where} is not a string`);
    else if (!text.startsWith(this.prefix)) this.refuse(`${where} ${JSON.stringify(text)} is outside ${this.prefix}`);
  }

  table(where: string, name: unknown): void {
    if (name !== config.chatTable) this.refuse(`${where} ${JSON.stringify(name)} is not the tenant-partitioned chat table`);
  }

  /** A key, or an item written whole: its own key and every index key it puts the item under. */
  key(where: string, key: Input | undefined): void {
    if (!key || typeof key !== 'object') return this.refuse(`${where} is missing`);
    this.value(`${where}.${TABLE_PARTITION_ATTRIBUTE}`, key[TABLE_PARTITION_ATTRIBUTE]);
    // A start key of an index page also carries the index's partition value.
    for (const attribute of Object.keys(key)) {
      if (attribute !== TABLE_PARTITION_ATTRIBUTE && PARTITION_ATTRIBUTES.has(attribute)) this.value(`${where}.${attribute}`, key[attribute]);
    }
  }

  /** SET clauses that give an index partition attribute a value (`a = :v`, `a = if_not_exists(a, :v)`). */
  update(where: string, input: Input): void {
    const expression = String(input.UpdateExpression ?? '');
    const names: Input = input.ExpressionAttributeNames ?? {};
    const values: Input = input.ExpressionAttributeValues ?? {};
    for (const clause of setClauses(expression)) {
      const match = /^([#\w]+)\s*=\s*(.+)$/s.exec(clause);
      const attribute = match ? (names[match[1]!] ?? match[1]) : undefined;
      if (!attribute || !PARTITION_ATTRIBUTES.has(attribute)) continue;
      if (attribute === TABLE_PARTITION_ATTRIBUTE) {
        this.refuse(`${where} sets the partition key`);
        continue;
      }
      const placeholder = /^(?:if_not_exists\(\s*[#\w]+\s*,\s*)?(:\w+)\s*\)?$/.exec(match![2]!.trim())?.[1];
      if (!placeholder) this.refuse(`${where} sets ${attribute} to an expression the guard cannot read`);
      else this.value(`${where} ${attribute}`, values[placeholder]);
    }
  }

  query(input: Input): void {
    const index = input.IndexName as string | undefined;
    const attribute = index === undefined ? TABLE_PARTITION_ATTRIBUTE : INDEX_PARTITION_ATTRIBUTES[index];
    if (!attribute) return this.refuse(`index ${JSON.stringify(index)} has no known tenant partition key`);
    const names: Input = input.ExpressionAttributeNames ?? {};
    const values: Input = input.ExpressionAttributeValues ?? {};
    const placeholders: string[] = [];
    for (const part of String(input.KeyConditionExpression ?? '').split(/\s+AND\s+/i)) {
      const match = /^\(*\s*([#:\w]+)\s*=\s*([#:\w]+)\s*\)*$/.exec(part.trim());
      if (!match) continue;
      const [left, right] = [match[1]!, match[2]!];
      if ((names[left] ?? left) === attribute && right.startsWith(':')) placeholders.push(right);
      if ((names[right] ?? right) === attribute && left.startsWith(':')) placeholders.push(left);
    }
    if (placeholders.length !== 1) return this.refuse(`KeyConditionExpression does not name one ${attribute} value`);
    this.value(`KeyConditionExpression ${attribute}`, values[placeholders[0]!]);
    if (input.ExclusiveStartKey) this.key('ExclusiveStartKey', input.ExclusiveStartKey);
  }
}

/** The top-level clauses of an update expression's SET section. */
const setClauses = (expression: string): string[] => {
  const set = /\bSET\b([\s\S]*?)(?=\b(?:REMOVE|ADD|DELETE)\b|$)/i.exec(expression)?.[1] ?? '';
  const clauses: string[] = [];
  let depth = 0;
  let current = '';
  for (const character of set) {
    if (character === '(') depth++;
    if (character === ')') depth--;
    if (character === ',' && depth === 0) {
      clauses.push(current.trim());
      current = '';
    } else current += character;
  }
  if (current.trim()) clauses.push(current.trim());
  return clauses;
};

const each = <T>(list: unknown, visit: (entry: T, index: number) => void): void => {
  if (Array.isArray(list)) list.forEach((entry, index) => visit(entry as T, index));
};

/** The reason `commandName` with `input` must not be sent by the tenant's client, if any. */
export const tenantViolation = (tenant: TenantKeyScope, commandName: string, input: Input): string | undefined => {
  const check = new Inspection(tenantPrefix(tenant));
  const command = commandName.replace(/Command$/, '');
  switch (command) {
    case 'GetItem':
    case 'DeleteItem':
      check.table('TableName', input.TableName);
      check.key('Key', input.Key);
      break;
    case 'UpdateItem':
      check.table('TableName', input.TableName);
      check.key('Key', input.Key);
      check.update('UpdateExpression', input);
      break;
    case 'PutItem':
      check.table('TableName', input.TableName);
      check.key('Item', input.Item);
      break;
    case 'Query':
      check.table('TableName', input.TableName);
      check.query(input);
      break;
    case 'BatchGetItem':
      for (const [table, request] of Object.entries<Input>(input.RequestItems ?? {})) {
        check.table('RequestItems', table);
        each<Input>(request?.Keys, (key, i) => check.key(`RequestItems[${table}].Keys[${i}]`, key));
      }
      break;
    case 'BatchWriteItem':
      for (const [table, requests] of Object.entries<Input>(input.RequestItems ?? {})) {
        check.table('RequestItems', table);
        each<Input>(requests, (request, i) => {
          if (request?.PutRequest) check.key(`RequestItems[${table}][${i}].PutRequest.Item`, request.PutRequest.Item);
          else if (request?.DeleteRequest) check.key(`RequestItems[${table}][${i}].DeleteRequest.Key`, request.DeleteRequest.Key);
          else check.refuse(`RequestItems[${table}][${i}] is neither a put nor a delete`);
        });
      }
      break;
    case 'TransactGetItems':
      each<Input>(input.TransactItems, (entry, i) => {
        check.table(`TransactItems[${i}].Get.TableName`, entry?.Get?.TableName);
        check.key(`TransactItems[${i}].Get.Key`, entry?.Get?.Key);
      });
      break;
    case 'TransactWriteItems':
      each<Input>(input.TransactItems, (entry, i) => {
        const where = `TransactItems[${i}]`;
        const [kind, operation] = Object.entries<Input>(entry ?? {})[0] ?? [];
        if (!operation) return check.refuse(`${where} is empty`);
        check.table(`${where}.${kind}.TableName`, operation.TableName);
        if (kind === 'Put') check.key(`${where}.Put.Item`, operation.Item);
        else if (kind === 'Update' || kind === 'Delete' || kind === 'ConditionCheck') check.key(`${where}.${kind}.Key`, operation.Key);
        else check.refuse(`${where} is a ${kind}`);
        if (kind === 'Update') check.update(`${where}.Update`, operation);
      });
      break;
    default:
      // Scans, PartiQL statements and table operations cannot be bounded to a tenant's keys.
      check.refuse('a tenant-scoped client sends only keyed reads and writes and Queries');
  }
  return check.reason;
};

export const TENANT_GUARD_MIDDLEWARE = 'tenantGuard';

/**
 * Put the guard on a tenant's client. It runs first (initialize step), so a refused command
 * costs no credentials, no signing and no request; the refusal is logged here with the tenant
 * and the command and thrown, and the HTTP layer answers 500 without detail.
 */
export const addTenantGuard = (client: Pick<DynamoDBClient, 'middlewareStack'>, tenant: TenantKeyScope): void =>
  guardWith(client, tenant, 'DynamoDB', tenantViolation);

type Violation = (tenant: TenantKeyScope, commandName: string, input: Input) => string | undefined;

const guardWith = (client: Pick<DynamoDBClient, 'middlewareStack'>, tenant: TenantKeyScope, service: string, violation: Violation): void => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'an unnamed command';
      const reason = violation(tenant, command, args.input as Input);
      if (reason) {
        const error = new TenantGuardError(tenant.clientId, command.replace(/Command$/, ''), reason);
        logger.error(`Tenant guard refused a ${service} command`, { tenant: tenant.clientId, command: error.command, reason });
        throw error;
      }
      return next(args);
    },
    { step: 'initialize', priority: 'high', name: TENANT_GUARD_MIDDLEWARE },
  );
};

/**
 * The same wall for the tenant's S3 client (attachments): the attachments bucket only, and every
 * key, copy source and listed prefix under `<client_id>/`. In AWS the tenant-access role allows
 * only `<bucket>/${aws:PrincipalTag/tenant}/*` as well. Presigned GETs pass through it too (the
 * presigner runs the client's middleware); a presigned POST does not, so its key is checked by
 * `objectKeyViolation` before it is signed.
 */
export const objectViolation = (tenant: TenantKeyScope, commandName: string, input: Input): string | undefined => {
  const command = commandName.replace(/Command$/, '');
  if (input.Bucket !== config.attachmentsBucket) return `Bucket ${JSON.stringify(input.Bucket)} is not the attachments bucket`;
  switch (command) {
    case 'HeadObject':
    case 'GetObject':
    case 'PutObject':
    case 'DeleteObject':
      return objectKeyViolation(tenant, 'Key', input.Key);
    case 'CopyObject': {
      const source = typeof input.CopySource === 'string' ? decodeURIComponent(input.CopySource) : undefined;
      const bucket = `${config.attachmentsBucket}/`;
      if (!source?.startsWith(bucket)) return `CopySource ${JSON.stringify(source)} is not in the attachments bucket`;
      return objectKeyViolation(tenant, 'Key', input.Key) ?? objectKeyViolation(tenant, 'CopySource', source.slice(bucket.length));
    }
    case 'DeleteObjects': {
      const objects: Input[] = Array.isArray(input.Delete?.Objects) ? input.Delete.Objects : [];
      if (objects.length === 0) return 'Delete.Objects is empty';
      for (const [index, object] of objects.entries()) {
        const reason = objectKeyViolation(tenant, `Delete.Objects[${index}].Key`, object?.Key);
        if (reason) return reason;
      }
      return undefined;
    }
    case 'ListObjectsV2':
      return objectKeyViolation(tenant, 'Prefix', typeof input.Prefix === 'string' ? input.Prefix.replace(/\/$/, '') : input.Prefix);
    default:
      return 'a tenant-scoped S3 client sends only object reads, writes, copies, deletes and prefix listings';
  }
};

/** The reason `key` (named `where`) is not a key of this tenant's objects, if any. */
export const objectKeyViolation = (tenant: TenantKeyScope, where: string, key: unknown): string | undefined => {
  const prefix = objectPrefix(tenant);
  if (typeof key !== 'string') return `${where} is not a string`;
  if (!key.startsWith(prefix) || key.length === prefix.length) return `${where} ${JSON.stringify(key)} is outside ${prefix}`;
  // S3 takes keys literally, but a key that reads as a path must not read as another tenant's.
  if (key.split('/').some((part) => part === '..' || part === '.' || part === '')) return `${where} ${JSON.stringify(key)} is not a plain key`;
  return undefined;
};

/** Put the guard on a tenant's S3 client. */
export const addObjectGuard = (client: Pick<S3Client, 'middlewareStack'>, tenant: TenantKeyScope): void =>
  // The same middleware on another client's stack: only its input's type differs.
  guardWith(client as unknown as Pick<DynamoDBClient, 'middlewareStack'>, tenant, 'S3', objectViolation);
