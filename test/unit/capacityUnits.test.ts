import { marshall } from '@aws-sdk/util-dynamodb';
import {
  indexEntry,
  itemSize,
  numberSize,
  plainItemSize,
  readUnits,
  tableModelOf,
  valueSize,
  writeCost,
  type StoredItem,
} from '../../bench/capacityUnits';

const item = (plain: Record<string, unknown>): StoredItem => marshall(plain);

const table = tableModelOf({
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    { IndexName: 'all', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }, { AttributeName: 'r', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
    { IndexName: 'keys', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
    {
      IndexName: 'some',
      KeySchema: [{ AttributeName: 'h', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['kind'] },
    },
  ],
});

describe('item sizes', () => {
  it('count strings and names in UTF-8 bytes', () => {
    expect(itemSize(item({ ab: 'xyz' }))).toBe(5);
    expect(itemSize(item({ é: 'ü€' }))).toBe(2 + 5);
    expect(plainItemSize({ pk: 'T#1#ROOM#0123456789abcdef', sk: 'ROOM' })).toBe(2 + 25 + 2 + 4);
  });

  it('count numbers as one byte per two significant digits plus one', () => {
    expect(numberSize('0')).toBe(2);
    expect(numberSize('7')).toBe(2);
    expect(numberSize('12')).toBe(2);
    expect(numberSize('123')).toBe(3);
    expect(numberSize('1700000000')).toBe(2);
    expect(numberSize('-12.5')).toBe(3);
    expect(numberSize('0.000123')).toBe(3);
    expect(valueSize({ N: '1764072000' })).toBe(5);
  });

  it('count null and booleans as one byte, binary as raw bytes', () => {
    expect(itemSize({ a: { BOOL: true }, b: { NULL: true }, c: { B: new Uint8Array(10) } })).toBe(2 + 2 + 11);
  });

  it('add 3 bytes per map or list and 1 byte per element', () => {
    expect(valueSize({ M: {} })).toBe(3);
    expect(valueSize({ L: [] })).toBe(3);
    // {"ab": "c"}: 3 + (1 + 2 + 1)
    expect(valueSize({ M: { ab: { S: 'c' } } })).toBe(7);
    // ["x", 5]: 3 + (1 + 1) + (1 + 2)
    expect(valueSize({ L: [{ S: 'x' }, { N: '5' }] })).toBe(8);
    expect(itemSize(item({ m: { n: { deep: 'x' } } }))).toBe(1 + 3 + (1 + 1 + 3 + (1 + 4 + 1)));
  });

  it('sum set elements without overhead', () => {
    expect(valueSize({ SS: ['ab', 'c'] })).toBe(3);
    expect(valueSize({ NS: ['1', '123'] })).toBe(2 + 3);
  });
});

describe('write units', () => {
  const base = { pk: 'p', sk: 's', g: 'G', r: 'R1', h: 'H', kind: 'k', other: 'x' };

  it('bill the table by the larger of the old and new item, at least 1', () => {
    expect(writeCost(table, undefined, item({ pk: 'p', sk: 's' })).table).toBe(1);
    const big = item({ pk: 'p', sk: 's', text: 'x'.repeat(1500) });
    expect(writeCost(table, big, item({ pk: 'p', sk: 's' })).table).toBe(2);
    expect(writeCost(table, big, undefined).table).toBe(2);
  });

  it('bill a failed condition for the existing item and nothing in the indexes', () => {
    const big = item({ ...base, text: 'x'.repeat(2100) });
    expect(writeCost(table, big, undefined, { conditionFailed: true })).toEqual({ table: 3, indexes: {}, total: 3 });
    expect(writeCost(table, undefined, undefined, { conditionFailed: true }).total).toBe(1);
  });

  it('put a new index entry, delete a vanished one, and skip a sparse index', () => {
    expect(writeCost(table, undefined, item(base)).indexes).toEqual({ all: 1, keys: 1, some: 1 });
    expect(writeCost(table, item(base), undefined).indexes).toEqual({ all: 1, keys: 1, some: 1 });
    expect(writeCost(table, undefined, item({ pk: 'p', sk: 's', g: 'G' })).indexes).toEqual({ keys: 1 });
  });

  it('delete and put when an index key changes', () => {
    const cost = writeCost(table, item(base), item({ ...base, r: 'R2' }));
    expect(cost).toEqual({ table: 1, indexes: { all: 2 }, total: 3 });
  });

  it('write once when only projected attributes change, and not at all otherwise', () => {
    expect(writeCost(table, item(base), item({ ...base, kind: 'j' })).indexes).toEqual({ all: 1, some: 1 });
    expect(writeCost(table, item(base), item({ ...base, other: 'y' })).indexes).toEqual({ all: 1 });
    expect(writeCost(table, item(base), item({ ...base })).indexes).toEqual({});
  });

  it('size an index entry by what it projects', () => {
    const big = item({ ...base, text: 'x'.repeat(3000) });
    expect(indexEntry(table, table.indexes[1]!, big)).toEqual(item({ pk: 'p', sk: 's', g: 'G' }));
    expect(indexEntry(table, table.indexes[2]!, big)).toEqual(item({ pk: 'p', sk: 's', h: 'H', kind: 'k' }));
    expect(writeCost(table, undefined, big).indexes).toEqual({ all: 3, keys: 1, some: 1 });
  });
});

describe('read units', () => {
  it('round each item of a Get or BatchGet to 4 KB and halve eventually consistent reads', () => {
    expect(readUnits('get', [100], { consistent: true })).toBe(1);
    expect(readUnits('get', [0])).toBe(0.5);
    expect(readUnits('get', [4097], { consistent: true })).toBe(2);
    expect(readUnits('batchGet', [100, 100, 5000])).toBe(0.5 + 0.5 + 1);
  });

  it('sum what a Query read and round once', () => {
    expect(readUnits('query', Array(50).fill(300))).toBe(2);
    expect(readUnits('query', Array(50).fill(300), { consistent: true })).toBe(4);
    expect(readUnits('query', [])).toBe(0.5);
  });
});
