/**
 * DynamoDB's billing rules as pure functions: item sizes, write units of a table write and of the
 * index writes it causes, read units of a Get, BatchGet or Query. The benchmark and the cost
 * budget test feed it the items before and after an operation (read from the store) and the
 * table's definition from serverless.yml, so what it counts is what DynamoDB would bill.
 *
 * Sizes follow "DynamoDB item sizes and formats": names and values in UTF-8 bytes; a number is
 * 1 byte per two significant digits plus 1; binary its raw bytes; null and booleans 1 byte; a list
 * or map 3 bytes plus 1 byte per element plus its elements; a set the sum of its elements.
 */
import type { AttributeValue, CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

export type StoredItem = Record<string, AttributeValue>;

const WRITE_UNIT_BYTES = 1024;
const READ_UNIT_BYTES = 4096;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Bytes of a number as DynamoDB stores it: leading and trailing zeroes trimmed, two digits a byte. */
export const numberSize = (text: string): number => {
  const digits = text.trim().replace(/^[-+]/, '').toLowerCase().split('e')[0]!.replace('.', '');
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(significant.length, 1) / 2) + 1;
};

const binarySize = (value: Uint8Array | string): number => (typeof value === 'string' ? utf8(value) : value.byteLength);

/** Bytes of one value (without its name). */
export const valueSize = (value: AttributeValue): number => {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return binarySize(value.B);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, element) => sum + utf8(element), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, element) => sum + numberSize(element), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, element) => sum + binarySize(element), 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + utf8(name) + valueSize(element), 0);
  }
  throw new Error(`Unknown attribute value type: ${Object.keys(value).join(',')}`);
};

/** Bytes of an item: each attribute's name and value. */
export const itemSize = (item: StoredItem | undefined): number =>
  item ? Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0) : 0;

/** The same for an item written the way the document client takes it (plain JavaScript values). */
export const plainItemSize = (item: Record<string, unknown>): number =>
  itemSize(marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }));

export interface IndexModel {
  name: string;
  hashKey: string;
  rangeKey?: string;
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  /** For INCLUDE: the non-key attributes copied into the index. */
  include: string[];
}

export interface TableModel {
  hashKey: string;
  rangeKey?: string;
  indexes: IndexModel[];
}

type KeySchema = NonNullable<CreateTableCommandInput['KeySchema']>;

const keysOf = (schema: KeySchema | undefined) => ({
  hashKey: schema?.find((key) => key.KeyType === 'HASH')?.AttributeName ?? '',
  rangeKey: schema?.find((key) => key.KeyType === 'RANGE')?.AttributeName,
});

/** The parts of a CreateTable definition (as serverless.yml declares it) that billing depends on. */
export const tableModelOf = (definition: Pick<CreateTableCommandInput, 'KeySchema' | 'GlobalSecondaryIndexes'>): TableModel => {
  const table = keysOf(definition.KeySchema);
  if (!table.hashKey) throw new Error('Table definition has no HASH key');
  return {
    ...table,
    indexes: (definition.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName ?? '',
      ...keysOf(index.KeySchema),
      projection: (index.Projection?.ProjectionType ?? 'ALL') as IndexModel['projection'],
      include: index.Projection?.NonKeyAttributes ?? [],
    })),
  };
};

const pickAttributes = (item: StoredItem, names: Iterable<string>): StoredItem => {
  const picked: StoredItem = {};
  for (const name of names) if (item[name] !== undefined) picked[name] = item[name];
  return picked;
};

/**
 * The entry an item has in an index, or undefined when the index is sparse for it (an index key
 * attribute is missing). An entry holds the table's keys, the index's keys and what is projected.
 */
export const indexEntry = (table: TableModel, index: IndexModel, item: StoredItem | undefined): StoredItem | undefined => {
  if (!item || item[index.hashKey] === undefined || (index.rangeKey && item[index.rangeKey] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const keys = [table.hashKey, table.rangeKey, index.hashKey, index.rangeKey].filter((name): name is string => !!name);
  return pickAttributes(item, index.projection === 'INCLUDE' ? [...keys, ...index.include] : keys);
};

const writeUnitsOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));

/** Canonical form of an entry, to tell whether a write changed it (attribute order aside). */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, part: unknown) =>
    part && typeof part === 'object' && !Array.isArray(part) && !(part instanceof Uint8Array)
      ? Object.fromEntries(Object.entries(part as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : part,
  );

const sameKey = (index: IndexModel, before: StoredItem, after: StoredItem): boolean =>
  canonical(before[index.hashKey]) === canonical(after[index.hashKey]) &&
  (!index.rangeKey || canonical(before[index.rangeKey]) === canonical(after[index.rangeKey]));

/**
 * Write units one index spends on a table write: a new entry is a put, a vanished entry a delete,
 * a changed index key a delete plus a put, changed projected attributes alone one write, an
 * unchanged entry nothing. Each counts ceil(entry size / 1 KB), at least 1.
 */
export const indexWriteUnits = (table: TableModel, index: IndexModel, before: StoredItem | undefined, after: StoredItem | undefined): number => {
  const old = indexEntry(table, index, before);
  const next = indexEntry(table, index, after);
  if (!old && !next) return 0;
  if (!old) return writeUnitsOf(itemSize(next));
  if (!next) return writeUnitsOf(itemSize(old));
  if (!sameKey(index, old, next)) return writeUnitsOf(itemSize(old)) + writeUnitsOf(itemSize(next));
  if (canonical(old) === canonical(next)) return 0;
  return writeUnitsOf(Math.max(itemSize(old), itemSize(next)));
};

export interface WriteCost {
  table: number;
  /** Units per index that this write changed (indexes left alone are absent). */
  indexes: Record<string, number>;
  total: number;
}

/**
 * Write units of one PutItem, UpdateItem or DeleteItem (or one item of a BatchWriteItem), from the
 * item before and after it (undefined: absent). The table write costs ceil(max(old, new) / 1 KB),
 * at least 1; a write whose condition failed costs that for the existing item and nothing in the
 * indexes.
 */
export const writeCost = (
  table: TableModel,
  before: StoredItem | undefined,
  after: StoredItem | undefined,
  options: { conditionFailed?: boolean } = {},
): WriteCost => {
  const tableUnits = writeUnitsOf(Math.max(itemSize(before), options.conditionFailed ? 0 : itemSize(after)));
  const indexes: Record<string, number> = {};
  if (!options.conditionFailed) {
    for (const index of table.indexes) {
      const units = indexWriteUnits(table, index, before, after);
      if (units > 0) indexes[index.name] = units;
    }
  }
  return { table: tableUnits, indexes, total: tableUnits + Object.values(indexes).reduce((sum, units) => sum + units, 0) };
};

export type ReadKind = 'get' | 'batchGet' | 'query';

/**
 * Read units of one request from the sizes of the items (or index entries) it read, before any
 * filter or projection. A Get or each item of a BatchGet rounds up to 4 KB on its own (an absent
 * item still costs one unit); a Query or Scan sums what it read and rounds once. Eventually
 * consistent reads cost half.
 */
export const readUnits = (kind: ReadKind, sizes: number[], options: { consistent?: boolean } = {}): number => {
  const unitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  const units = kind === 'query' ? unitsOf(sizes.reduce((sum, size) => sum + size, 0)) : sizes.reduce((sum, size) => sum + unitsOf(size), 0);
  return options.consistent ? units : units / 2;
};
