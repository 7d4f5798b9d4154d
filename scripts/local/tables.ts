import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type CreateTableCommandInput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { loadServerlessConfig, resolveVariables, SERVERLESS_YML } from './serverlessConfig';

export const LOCAL_STAGE = 'local';

// What CreateTable accepts. CloudFormation-only settings (TTL, PITR, SSE, tags, DeletionPolicy)
// are dropped: dynalite rejects them and they change nothing about how the app reads and writes.
// dynalite 4 accepts BillingMode PAY_PER_REQUEST, so the definitions pass through unchanged.
const TABLE_KEYS = [
  'TableName',
  'KeySchema',
  'AttributeDefinitions',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'BillingMode',
  'ProvisionedThroughput',
] as const;
const INDEX_KEYS = ['IndexName', 'KeySchema', 'Projection', 'ProvisionedThroughput'] as const;

const pick = (source: Record<string, unknown>, keys: readonly string[]) =>
  Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));

interface CfnResource {
  Type?: string;
  Properties?: Record<string, unknown>;
}

/**
 * Every `AWS::DynamoDB::Table` in serverless.yml `resources`, as CreateTable input with the
 * table names resolved for `stage`. Reads the file; no other side effects.
 */
export const tableDefinitions = (stage: string, file = SERVERLESS_YML): CreateTableCommandInput[] => {
  const config = loadServerlessConfig(file);
  const resources = (config.resources as { Resources?: Record<string, CfnResource> } | undefined)?.Resources ?? {};
  return Object.entries(resources)
    .filter(([, resource]) => resource?.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => {
      const properties = resource.Properties ?? {};
      const table = pick(properties, TABLE_KEYS);
      if (Array.isArray(table.GlobalSecondaryIndexes)) {
        table.GlobalSecondaryIndexes = table.GlobalSecondaryIndexes.map((index: Record<string, unknown>) => pick(index, INDEX_KEYS));
      }
      if (Array.isArray(table.LocalSecondaryIndexes)) {
        table.LocalSecondaryIndexes = table.LocalSecondaryIndexes.map((index: Record<string, unknown>) => pick(index, INDEX_KEYS));
      }
      const resolved = resolveVariables(table, config, stage) as unknown as CreateTableCommandInput;
      if (typeof resolved.TableName !== 'string') {
        throw new Error(`serverless.yml: ${logicalId} needs an explicit TableName for the local stack`);
      }
      return resolved;
    });
};

/** The app's table names for `stage`, from `custom.tables` (what CHAT_TABLE/TENANTS_TABLE get). */
export const tableNames = (stage: string, file = SERVERLESS_YML): { chat: string; tenants: string } => {
  const config = loadServerlessConfig(file);
  const names = resolveVariables({ chat: '${self:custom.tables.chat}', tenants: '${self:custom.tables.tenants}' }, config, stage);
  return { chat: String(names.chat), tenants: String(names.tenants) };
};

export interface CreateTablesOptions {
  endpoint: string;
  stage: string;
  /** How long to wait for all tables to be ACTIVE. */
  timeoutMs?: number;
}

const sameKeys = (wanted: CreateTableCommandInput, actual: TableDescription): boolean => {
  const keys = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) =>
    JSON.stringify((schema ?? []).map(({ AttributeName, KeyType }) => [AttributeName, KeyType]));
  const indexes = (list: { IndexName?: string; KeySchema?: { AttributeName?: string; KeyType?: string }[] }[] | undefined) =>
    JSON.stringify((list ?? []).map((index) => [index.IndexName, keys(index.KeySchema)]).sort());
  return (
    keys(wanted.KeySchema) === keys(actual.KeySchema) &&
    indexes(wanted.GlobalSecondaryIndexes) === indexes(actual.GlobalSecondaryIndexes) &&
    indexes(wanted.LocalSecondaryIndexes) === indexes(actual.LocalSecondaryIndexes)
  );
};

/**
 * Create the tables against a local endpoint; existing tables are kept (and their data with them).
 * A kept table whose keys or indexes differ from serverless.yml is an error: it was persisted by
 * an older schema and would fail in confusing ways later.
 */
export const createTables = async ({ endpoint, stage, timeoutMs = 10_000 }: CreateTablesOptions): Promise<string[]> => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const definitions = tableDefinitions(stage);
    for (const definition of definitions) {
      try {
        await client.send(new CreateTableCommand(definition));
      } catch (error) {
        if ((error as Error).name !== 'ResourceInUseException') throw error;
      }
    }
    const deadline = Date.now() + timeoutMs;
    for (const definition of definitions) {
      for (;;) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
        if (Table && !sameKeys(definition, Table)) {
          throw new Error(
            `Local table ${definition.TableName} has other keys or indexes than serverless.yml; ` +
              'it was persisted by an older schema. Delete .data/dynamodb and start again.',
          );
        }
        if (Table?.TableStatus === 'ACTIVE') break;
        if (Date.now() > deadline) throw new Error(`Table ${definition.TableName} not ACTIVE after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return definitions.map((definition) => definition.TableName as string);
  } finally {
    client.destroy();
  }
};
