import { marshall } from '@aws-sdk/util-dynamodb';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { logger } from '../../lib/log';
import { createDocumentClient, documentClient } from '../../lib/store/client';
import { EXPIRY_INDEX, expiryBucket, messageKey, participantIndexKey, PARTICIPANT_INDEX, roomKey } from '../../lib/store/keys';
import {
  INDEX_PARTITION_ATTRIBUTES,
  TABLE_PARTITION_ATTRIBUTE,
  TenantGuardError,
  tenantViolation,
} from '../../lib/store/tenantGuard';
import { UpdateExpression } from '../../lib/store/updateExpression';
import { LOCAL_STAGE, tableDefinitions, tableNames } from '../../scripts/local/tables';

const mine = { clientId: '1' };
const theirs = { clientId: '2' };
/** A tenant whose id is a prefix of tenant 1's: `T#1#` must not admit `T#12#`. */
const lookalike = { clientId: '12' };
const chat = () => config.chatTable;

const violation = (command: string, input: Record<string, unknown>) => tenantViolation(mine, command, input);

/** The command shapes the store modules send, each built for tenant 1. */
const issuedShapes = (): [string, string, Record<string, unknown>][] => {
  const update = new UpdateExpression()
    .setIfAbsent('_id', 'x')
    .set('expiry_bucket', expiryBucket(mine, 2_000_000_000))
    .setIfAbsent(PARTICIPANT_INDEX.agent.attribute, participantIndexKey(mine, 'agent', '133'));
  const startKey = { ...roomKey(mine, 'a'), agent_key: participantIndexKey(mine, 'agent', '133'), updated_date: 'x' };
  return [
    ['get', 'GetItemCommand', { TableName: chat(), Key: roomKey(mine, 'a') }],
    ['put', 'PutItemCommand', { TableName: chat(), Item: { ...messageKey(mine, 'a', 'm'), expiry_bucket: expiryBucket(mine, 1) } }],
    [
      'update with index keys',
      'UpdateItemCommand',
      { TableName: chat(), Key: roomKey(mine, 'a'), UpdateExpression: update.toString(), ExpressionAttributeNames: update.names, ExpressionAttributeValues: update.values },
    ],
    [
      'update with a bare index attribute',
      'UpdateItemCommand',
      { TableName: chat(), Key: roomKey(mine, 'a'), UpdateExpression: 'SET last_message = :m, expiry_bucket = :bucket', ExpressionAttributeValues: { ':m': {}, ':bucket': expiryBucket(mine, 1) } },
    ],
    ['delete', 'DeleteItemCommand', { TableName: chat(), Key: roomKey(mine, 'a') }],
    [
      'query on the table',
      'QueryCommand',
      { TableName: chat(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': roomKey(mine, 'a').pk, ':prefix': 'MSG#' } },
    ],
    [
      'query on a participant index, next page',
      'QueryCommand',
      {
        TableName: chat(),
        IndexName: PARTICIPANT_INDEX.agent.name,
        KeyConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': 'agent_key' },
        ExpressionAttributeValues: { ':key': participantIndexKey(mine, 'agent', '133') },
        ExclusiveStartKey: startKey,
      },
    ],
    [
      'query on byExpiry',
      'QueryCommand',
      { TableName: chat(), IndexName: EXPIRY_INDEX, KeyConditionExpression: 'expiry_bucket = :bucket AND expires_at <= :now', ExpressionAttributeValues: { ':bucket': expiryBucket(mine, 1), ':now': 1 } },
    ],
    ['batch write', 'BatchWriteItemCommand', { RequestItems: { [chat()]: [{ DeleteRequest: { Key: roomKey(mine, 'a') } }, { PutRequest: { Item: roomKey(mine, 'b') } }] } }],
    ['batch get', 'BatchGetItemCommand', { RequestItems: { [chat()]: { Keys: [roomKey(mine, 'a'), roomKey(mine, 'b')] } } }],
    ['transact get', 'TransactGetItemsCommand', { TransactItems: [{ Get: { TableName: chat(), Key: roomKey(mine, 'a') } }] }],
    [
      'transact write',
      'TransactWriteItemsCommand',
      {
        TransactItems: [
          { Put: { TableName: chat(), Item: roomKey(mine, 'a') } },
          { Update: { TableName: chat(), Key: roomKey(mine, 'b'), UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 1 } } },
          { Delete: { TableName: chat(), Key: roomKey(mine, 'c') } },
          { ConditionCheck: { TableName: chat(), Key: roomKey(mine, 'd'), ConditionExpression: 'attribute_exists(pk)' } },
        ],
      },
    ],
  ];
};

describe('the tenant guard', () => {
  it.each(issuedShapes())('passes a %s of the tenant', (_, command, input) => {
    expect(violation(command, input)).toBeUndefined();
  });

  it('reads marshalled input (a plain DynamoDB client) as well', () => {
    expect(violation('GetItemCommand', { TableName: chat(), Key: marshall(roomKey(mine, 'a')) })).toBeUndefined();
    expect(violation('GetItemCommand', { TableName: chat(), Key: marshall(roomKey(theirs, 'a')) })).toMatch(/outside T#1#/);
  });

  const refused: [string, string, Record<string, unknown>][] = [
    ['a key with a wrong prefix', 'GetItemCommand', { TableName: chat(), Key: { pk: 'ROOM#a', sk: 'ROOM' } }],
    ['a key of another tenant', 'GetItemCommand', { TableName: chat(), Key: roomKey(theirs, 'a') }],
    ['a key of a tenant whose id starts like ours', 'GetItemCommand', { TableName: chat(), Key: roomKey(lookalike, 'a') }],
    ['a key that is not a string', 'GetItemCommand', { TableName: chat(), Key: { pk: 1, sk: 'ROOM' } }],
    ['a missing key', 'DeleteItemCommand', { TableName: chat() }],
    ['a put of another tenant', 'PutItemCommand', { TableName: chat(), Item: roomKey(theirs, 'a') }],
    [
      'a put of ours indexed under another tenant',
      'PutItemCommand',
      { TableName: chat(), Item: { ...roomKey(mine, 'a'), agent_key: participantIndexKey(theirs, 'agent', '1') } },
    ],
    ['an update of another tenant', 'UpdateItemCommand', { TableName: chat(), Key: roomKey(theirs, 'a'), UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 1 } }],
    [
      'an update that indexes ours under another tenant',
      'UpdateItemCommand',
      {
        TableName: chat(),
        Key: roomKey(mine, 'a'),
        UpdateExpression: 'SET #k = if_not_exists(#k, :k), n = :n',
        ExpressionAttributeNames: { '#k': 'user_key' },
        ExpressionAttributeValues: { ':k': participantIndexKey(theirs, 'user', '1'), ':n': 1 },
      },
    ],
    [
      'an update that moves the partition key',
      'UpdateItemCommand',
      { TableName: chat(), Key: roomKey(mine, 'a'), UpdateExpression: 'SET pk = :pk', ExpressionAttributeValues: { ':pk': roomKey(mine, 'b').pk } },
    ],
    ['a delete of another tenant', 'DeleteItemCommand', { TableName: chat(), Key: roomKey(theirs, 'a') }],
    [
      'a query of another tenant\'s partition',
      'QueryCommand',
      { TableName: chat(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': roomKey(theirs, 'a').pk } },
    ],
    [
      'a query on an index with another tenant\'s partition value',
      'QueryCommand',
      {
        TableName: chat(),
        IndexName: PARTICIPANT_INDEX.user.name,
        KeyConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': 'user_key' },
        ExpressionAttributeValues: { ':key': participantIndexKey(theirs, 'user', '5') },
      },
    ],
    [
      'a query on byExpiry of another tenant, written value first',
      'QueryCommand',
      { TableName: chat(), IndexName: EXPIRY_INDEX, KeyConditionExpression: ':bucket = expiry_bucket', ExpressionAttributeValues: { ':bucket': expiryBucket(theirs, 1) } },
    ],
    [
      'a query of ours resuming from another tenant\'s start key',
      'QueryCommand',
      { TableName: chat(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': roomKey(mine, 'a').pk }, ExclusiveStartKey: roomKey(theirs, 'a') },
    ],
    [
      'a query whose condition names the sort key only',
      'QueryCommand',
      { TableName: chat(), KeyConditionExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': 'ROOM' } },
    ],
    ['a query on an unknown index', 'QueryCommand', { TableName: chat(), IndexName: 'byAnything', KeyConditionExpression: 'x = :x', ExpressionAttributeValues: { ':x': 'T#1#' } }],
    [
      'one bad item in a batch write',
      'BatchWriteItemCommand',
      { RequestItems: { [chat()]: [{ DeleteRequest: { Key: roomKey(mine, 'a') } }, { DeleteRequest: { Key: roomKey(theirs, 'b') } }, { PutRequest: { Item: roomKey(mine, 'c') } }] } },
    ],
    ['one bad put in a batch write', 'BatchWriteItemCommand', { RequestItems: { [chat()]: [{ PutRequest: { Item: roomKey(mine, 'a') } }, { PutRequest: { Item: roomKey(theirs, 'b') } }] } }],
    ['one bad key in a batch get', 'BatchGetItemCommand', { RequestItems: { [chat()]: { Keys: [roomKey(mine, 'a'), roomKey(theirs, 'b')] } } }],
    ['one bad item in a transaction', 'TransactWriteItemsCommand', { TransactItems: [{ Put: { TableName: chat(), Item: roomKey(mine, 'a') } }, { ConditionCheck: { TableName: chat(), Key: roomKey(theirs, 'b') } }] }],
    ['one bad get in a transaction', 'TransactGetItemsCommand', { TransactItems: [{ Get: { TableName: chat(), Key: roomKey(theirs, 'a') } }] }],
    ['the registry table', 'GetItemCommand', { TableName: config.tenantsTable, Key: { client_id: '1' } }],
    ['a scan', 'ScanCommand', { TableName: chat() }],
    ['a PartiQL statement', 'ExecuteStatementCommand', { Statement: `SELECT * FROM "${chat()}"` }],
  ];

  it.each(refused)('refuses %s', (_, command, input) => {
    expect(violation(command, input)).toEqual(expect.any(String));
  });

  it('knows the partition key of the table and of every index serverless.yml defines', () => {
    const table = tableDefinitions(LOCAL_STAGE).find((definition) => definition.TableName === tableNames(LOCAL_STAGE).chat)!;
    const hashOf = (schema: { AttributeName?: string; KeyType?: string }[] = []) => schema.find((key) => key.KeyType === 'HASH')?.AttributeName;
    expect(hashOf(table.KeySchema)).toBe(TABLE_PARTITION_ATTRIBUTE);
    const indexes = Object.fromEntries((table.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, hashOf(index.KeySchema)]));
    expect(INDEX_PARTITION_ATTRIBUTES).toEqual(indexes);
  });
});

describe('a tenant-scoped client', () => {
  /** Commands that got past the guard to the point of being signed and sent. */
  const reachingTheWire = (client: ReturnType<typeof documentClient>) => {
    const sent: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName!);
        return next(args);
      },
      { step: 'finalizeRequest', name: `wire-${Math.random()}` },
    );
    return sent;
  };

  it('refuses a command outside its tenant before anything is sent, and logs why', async () => {
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const client = documentClient(mine);
    const sent = reachingTheWire(client);
    const attempts = [
      client.send(new GetCommand({ TableName: chat(), Key: roomKey(theirs, 'a') })),
      client.send(new PutCommand({ TableName: chat(), Item: roomKey(theirs, 'a') })),
      client.send(new UpdateCommand({ TableName: chat(), Key: roomKey(theirs, 'a'), UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 1 } })),
      client.send(new DeleteCommand({ TableName: chat(), Key: roomKey(theirs, 'a') })),
      client.send(new QueryCommand({ TableName: chat(), IndexName: 'byVendor', KeyConditionExpression: 'vendor_key = :v', ExpressionAttributeValues: { ':v': participantIndexKey(theirs, 'vendor', '3') } })),
      client.send(new BatchWriteCommand({ RequestItems: { [chat()]: [{ DeleteRequest: { Key: roomKey(mine, 'a') } }, { DeleteRequest: { Key: roomKey(theirs, 'a') } }] } })),
      client.send(new BatchGetCommand({ RequestItems: { [chat()]: { Keys: [roomKey(theirs, 'a')] } } })),
      client.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: chat(), Key: roomKey(theirs, 'a') } }] })),
      client.send(new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: chat(), Key: roomKey(theirs, 'a') } }] })),
      client.send(new ScanCommand({ TableName: chat() })),
      client.send(new GetItemCommand({ TableName: chat(), Key: marshall(roomKey(theirs, 'a')) })),
    ];
    for (const attempt of attempts) {
      await expect(attempt).rejects.toThrow(TenantGuardError);
    }
    await expect(client.send(new GetCommand({ TableName: chat(), Key: roomKey(theirs, 'a') }))).rejects.toThrow(
      /^Tenant guard refused GetItem for tenant 1: Key\.pk "T#2#ROOM#a" is outside T#1#$/,
    );
    expect(sent).toEqual([]);
    expect(logged).toHaveBeenCalledTimes(attempts.length + 1);
    expect(logged).toHaveBeenLastCalledWith('Tenant guard refused a DynamoDB command', {
      tenant: '1',
      command: 'GetItem',
      reason: 'Key.pk "T#2#ROOM#a" is outside T#1#',
    });
    logged.mockRestore();
  });

  it('sends what lies under its tenant', async () => {
    const client = documentClient(mine);
    const sent = reachingTheWire(client);
    const { Item } = await client.send(new GetCommand({ TableName: chat(), Key: roomKey(mine, 'no-such-room') }));
    expect(Item).toBeUndefined();
    expect(sent).toEqual(['GetItemCommand']);
  });

  it('is one client per tenant, kept warm; the registry client has no guard', () => {
    expect(documentClient(mine)).toBe(documentClient({ clientId: '1' }));
    expect(documentClient(mine)).not.toBe(documentClient(theirs));
    expect(documentClient(mine).middlewareStack.identify()).toEqual(expect.arrayContaining([expect.stringMatching(/^tenantGuard/)]));
    expect(createDocumentClient().middlewareStack.identify()).not.toEqual(expect.arrayContaining([expect.stringMatching(/^tenantGuard/)]));
    expect(() => documentClient({ clientId: '' })).toThrow('A resolved tenant is required');
  });
});
