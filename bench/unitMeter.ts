/**
 * Counts the DynamoDB units an operation spends, by DynamoDB's billing rules (capacityUnits.ts),
 * from what the store holds. Attached as an SDK middleware to the client the code under test
 * uses, it reads each written item before and after the write and each read's items without its
 * filter or projection (what DynamoDB reads and bills), through a client of its own that is not
 * metered. The store's own consumed-capacity figures are not used: the local store does not know
 * DynamoDB's index billing.
 */
import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type BatchGetItemCommandInput,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  type QueryCommandInput,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_STAGE, tableDefinitions, tableNames } from '../scripts/local/tables';
import { itemSize, readUnits, tableModelOf, writeCost, type StoredItem, type TableModel } from './capacityUnits';

export interface RequestUsage {
  command: string;
  writeUnits: number;
  readUnits: number;
  /** Write units per index, for writes that changed index entries. */
  indexes: Record<string, number>;
}

export interface Usage {
  requests: RequestUsage[];
  /**
   * Sequential store round trips: the longest chain of requests each sent after the one before it
   * had answered (requests in flight together count once).
   */
  roundTrips: number;
  writeUnits: number;
  readUnits: number;
  /** Write units per index, summed over the requests. */
  indexes: Record<string, number>;
}

/** The chat table as serverless.yml defines it. */
export const chatTableModel = (): TableModel => {
  const name = tableNames(LOCAL_STAGE).chat;
  const definition = tableDefinitions(LOCAL_STAGE).find((table) => table.TableName === name);
  if (!definition) throw new Error(`serverless.yml defines no table ${name}`);
  return tableModelOf(definition);
};

const summarise = (requests: RequestUsage[], roundTrips: number): Usage => {
  const indexes: Record<string, number> = {};
  for (const request of requests) {
    for (const [name, units] of Object.entries(request.indexes)) indexes[name] = (indexes[name] ?? 0) + units;
  }
  return {
    requests,
    roundTrips,
    writeUnits: requests.reduce((sum, request) => sum + request.writeUnits, 0),
    readUnits: requests.reduce((sum, request) => sum + request.readUnits, 0),
    indexes,
  };
};

/** Only the names and values an expression uses: DynamoDB refuses unused ones. */
const usedBy = <T>(expression: string, map: Record<string, T> | undefined): Record<string, T> | undefined => {
  if (!map) return undefined;
  const used = Object.fromEntries(Object.entries(map).filter(([token]) => new RegExp(`${token.replace(/[$]/g, '\\$')}(?![A-Za-z0-9_])`).test(expression)));
  return Object.keys(used).length > 0 ? used : undefined;
};

const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: string })?.name === 'ConditionalCheckFailedException' ||
  (error as { name?: string })?.name === 'TransactionCanceledException';

/** The part of an SDK client's middleware stack the meter uses (a document client shares its client's). */
interface MeteredStack {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's middleware types are generic over every command
  add(middleware: (next: any, context: any) => any, options: { step: 'finalizeRequest'; name: string }): void;
  remove(name: string): boolean;
}

type Handler = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;

export class UnitMeter {
  private recording: RequestUsage[] | undefined;
  /** The deepest round trip answered so far in this measurement (see Usage.roundTrips). */
  private answeredDepth = 0;
  private readonly raw: DynamoDBClient;

  constructor(
    private readonly tableName: string,
    private readonly model: TableModel,
    endpoint: string,
  ) {
    this.raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  }

  /** Meter every request `client` sends (while `measure` runs); returns the detach function. */
  attach(client: { middlewareStack: MeteredStack }): () => void {
    const name = `unitMeter-${Math.random().toString(36).slice(2)}`;
    client.middlewareStack.add(
      (next: Handler, context: { commandName?: string }) => (args: { input: Record<string, unknown> }) =>
        this.recording ? this.sequenced(() => this.meter(context.commandName ?? '', args.input, () => next(args))) : next(args),
      { step: 'finalizeRequest', name },
    );
    return () => client.middlewareStack.remove(name);
  }

  /** Run `operation` and count the units of every metered request it sends. */
  async measure<T>(operation: () => Promise<T>): Promise<{ result: T; usage: Usage }> {
    if (this.recording) throw new Error('One measurement at a time');
    const requests: RequestUsage[] = [];
    this.recording = requests;
    this.answeredDepth = 0;
    try {
      const result = await operation();
      return { result, usage: summarise(requests, this.answeredDepth) };
    } finally {
      this.recording = undefined;
    }
  }

  close(): void {
    this.raw.destroy();
  }

  /** A request sent now waits on every answer already in: it is one round trip deeper than the deepest of them. */
  private async sequenced<T>(send: () => Promise<T>): Promise<T> {
    const depth = this.answeredDepth + 1;
    try {
      return await send();
    } finally {
      this.answeredDepth = Math.max(this.answeredDepth, depth);
    }
  }

  private keyOf(item: StoredItem): StoredItem {
    const key: StoredItem = { [this.model.hashKey]: item[this.model.hashKey]! };
    if (this.model.rangeKey) key[this.model.rangeKey] = item[this.model.rangeKey]!;
    return key;
  }

  private async current(key: StoredItem): Promise<StoredItem | undefined> {
    const { Item } = await this.raw.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item;
  }

  private record(command: string, writeUnits: number, read: number, indexes: Record<string, number> = {}): void {
    this.recording?.push({ command, writeUnits, readUnits: read, indexes });
  }

  private async meterWrite(command: string, key: StoredItem, send: () => Promise<unknown>, factor = 1): Promise<unknown> {
    const before = await this.current(key);
    try {
      const result = await send();
      const cost = writeCost(this.model, before, await this.current(key));
      this.record(command, cost.total * factor, 0, Object.fromEntries(Object.entries(cost.indexes).map(([name, units]) => [name, units * factor])));
      return result;
    } catch (error) {
      if (isConditionFailure(error)) this.record(command, writeCost(this.model, before, undefined, { conditionFailed: true }).total * factor, 0);
      throw error;
    }
  }

  private async meter(command: string, input: Record<string, unknown>, send: () => Promise<{ output: Record<string, unknown> }>) {
    const ownTable = input.TableName === undefined || input.TableName === this.tableName;
    switch (command) {
      case 'PutItemCommand':
        if (!ownTable) break;
        return this.meterWrite(command, this.keyOf(input.Item as StoredItem), send);
      case 'UpdateItemCommand':
      case 'DeleteItemCommand':
        if (!ownTable) break;
        return this.meterWrite(command, input.Key as StoredItem, send);
      case 'GetItemCommand': {
        if (!ownTable) break;
        const result = await send();
        const size = itemSize(await this.current(input.Key as StoredItem));
        this.record(command, 0, readUnits('get', [size], { consistent: input.ConsistentRead === true }));
        return result;
      }
      case 'BatchGetItemCommand':
        return this.meterBatchGet(command, input as unknown as BatchGetItemCommandInput, send);
      case 'BatchWriteItemCommand':
        return this.meterBatchWrite(command, input as unknown as BatchWriteItemCommandInput, send);
      case 'TransactWriteItemsCommand':
        return this.meterTransaction(command, input as unknown as TransactWriteItemsCommandInput, send);
      case 'QueryCommand':
      case 'ScanCommand': {
        if (!ownTable) break;
        const result = await send();
        this.record(command, 0, await this.queryReadUnits(command, input as unknown as QueryCommandInput));
        return result;
      }
    }
    if (!ownTable) return send();
    throw new Error(`UnitMeter does not meter ${command}`);
  }

  /** What a Query or Scan read: the same request without its filter and projection. */
  private async queryReadUnits(command: string, input: QueryCommandInput): Promise<number> {
    const { FilterExpression: _filter, ProjectionExpression: _projection, Select: _select, ...request } = input;
    const expression = request.KeyConditionExpression ?? '';
    const unfiltered = {
      ...request,
      ExpressionAttributeNames: usedBy(expression, request.ExpressionAttributeNames),
      ExpressionAttributeValues: usedBy(expression, request.ExpressionAttributeValues),
    };
    const { Items = [] } = await this.raw.send(command === 'QueryCommand' ? new QueryCommand(unfiltered) : new ScanCommand(unfiltered));
    return readUnits('query', Items.map(itemSize), { consistent: input.ConsistentRead === true });
  }

  private async meterBatchGet(command: string, input: BatchGetItemCommandInput, send: () => Promise<{ output: Record<string, unknown> }>) {
    const requested = input.RequestItems?.[this.tableName];
    const result = await send();
    if (!requested?.Keys) return result;
    const unprocessed = (result.output.UnprocessedKeys as BatchGetItemCommandInput['RequestItems'])?.[this.tableName]?.Keys ?? [];
    const left = new Set(unprocessed.map((key) => JSON.stringify(this.keyOf(key))));
    const read = requested.Keys.filter((key) => !left.has(JSON.stringify(this.keyOf(key))));
    const sizes = await Promise.all(read.map(async (key) => itemSize(await this.current(key))));
    this.record(command, 0, readUnits('batchGet', sizes, { consistent: requested.ConsistentRead === true }));
    return result;
  }

  private async meterBatchWrite(command: string, input: BatchWriteItemCommandInput, send: () => Promise<{ output: Record<string, unknown> }>) {
    const requests = input.RequestItems?.[this.tableName] ?? [];
    const keys = requests.map((request) => (request.PutRequest ? this.keyOf(request.PutRequest.Item as StoredItem) : (request.DeleteRequest!.Key as StoredItem)));
    const before = await Promise.all(keys.map((key) => this.current(key)));
    const result = await send();
    const unprocessed = (result.output as unknown as BatchWriteItemCommandOutput).UnprocessedItems?.[this.tableName] ?? [];
    const left = new Set(
      unprocessed.map((request) => JSON.stringify(request.PutRequest ? this.keyOf(request.PutRequest.Item as StoredItem) : this.keyOf(request.DeleteRequest!.Key as StoredItem))),
    );
    let units = 0;
    const indexes: Record<string, number> = {};
    for (const [position, key] of keys.entries()) {
      if (left.has(JSON.stringify(this.keyOf(key)))) continue;
      const cost = writeCost(this.model, before[position], await this.current(key));
      units += cost.total;
      for (const [name, value] of Object.entries(cost.indexes)) indexes[name] = (indexes[name] ?? 0) + value;
    }
    this.record(command, units, 0, indexes);
    return result;
  }

  /** A transaction bills each of its writes twice (prepare and commit). */
  private async meterTransaction(command: string, input: TransactWriteItemsCommandInput, send: () => Promise<{ output: Record<string, unknown> }>) {
    const writes = (input.TransactItems ?? []).flatMap((item) => {
      const key = item.Put ? this.keyOf(item.Put.Item as StoredItem) : (item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key);
      const table = item.Put?.TableName ?? item.Update?.TableName ?? item.Delete?.TableName ?? item.ConditionCheck?.TableName;
      return key && table === this.tableName ? [{ key: key as Record<string, AttributeValue>, check: !!item.ConditionCheck }] : [];
    });
    const before = await Promise.all(writes.map((write) => this.current(write.key)));
    try {
      const result = await send();
      let units = 0;
      const indexes: Record<string, number> = {};
      for (const [position, write] of writes.entries()) {
        const cost = write.check
          ? writeCost(this.model, before[position], undefined, { conditionFailed: true })
          : writeCost(this.model, before[position], await this.current(write.key));
        units += 2 * cost.total;
        for (const [name, value] of Object.entries(cost.indexes)) indexes[name] = (indexes[name] ?? 0) + 2 * value;
      }
      this.record(command, units, 0, indexes);
      return result;
    } catch (error) {
      if (isConditionFailure(error)) {
        const units = before.reduce((sum, item) => sum + 2 * writeCost(this.model, item, undefined, { conditionFailed: true }).total, 0);
        this.record(command, units, 0);
      }
      throw error;
    }
  }
}
