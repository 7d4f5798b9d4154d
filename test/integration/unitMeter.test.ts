import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { chatTableModel, UnitMeter } from '../../bench/unitMeter';
import { config } from '../../lib/config';
import { documentClient } from '../../lib/store/client';
import { newId } from './chatFixtures';

/** The meter's items are tenant 1's, so they go through tenant 1's guarded client. */
const tenant = { clientId: '1' };

/** The meter against the local store: writes and reads of items no index holds, counted by the billing rules. */
describe('UnitMeter', () => {
  const meter = new UnitMeter(config.chatTable, chatTableModel(), process.env.DYNAMODB_ENDPOINT!);
  let detach: () => void;
  beforeAll(() => {
    detach = meter.attach(documentClient(tenant));
  });
  afterAll(() => {
    detach();
    meter.close();
  });

  const TableName = config.chatTable;
  const pk = `T#1#METER#${newId()}`;
  const client = documentClient(tenant);
  // The document client's send is overloaded per command; any of its commands will do here.
  const measure = (command: object) => meter.measure(() => client.send(command as never));

  it('counts writes by the larger of the item before and after', async () => {
    const put = await measure(new PutCommand({ TableName, Item: { pk, sk: 'a', text: 'x'.repeat(1500) } }));
    expect(put.usage).toMatchObject({ writeUnits: 2, readUnits: 0, indexes: {} });
    const shrink = await measure(new UpdateCommand({ TableName, Key: { pk, sk: 'a' }, UpdateExpression: 'SET #t = :t', ExpressionAttributeNames: { '#t': 'text' }, ExpressionAttributeValues: { ':t': 'y' } }));
    expect(shrink.usage.writeUnits).toBe(2);
    const again = await measure(new UpdateCommand({ TableName, Key: { pk, sk: 'a' }, UpdateExpression: 'SET #t = :t', ExpressionAttributeNames: { '#t': 'text' }, ExpressionAttributeValues: { ':t': 'z' } }));
    expect(again.usage.writeUnits).toBe(1);
    const removed = await measure(new DeleteCommand({ TableName, Key: { pk, sk: 'a' } }));
    expect(removed.usage.writeUnits).toBe(1);
  });

  it('counts a write whose condition failed', async () => {
    await documentClient(tenant).send(new PutCommand({ TableName, Item: { pk, sk: 'b', text: 'x'.repeat(2100) } }));
    const failed = meter.measure(() =>
      documentClient(tenant).send(new PutCommand({ TableName, Item: { pk, sk: 'b' }, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    await expect(failed).rejects.toThrow();
    const { usage } = await meter.measure(async () => {
      await documentClient(tenant)
        .send(new PutCommand({ TableName, Item: { pk, sk: 'b' }, ConditionExpression: 'attribute_not_exists(pk)' }))
        .catch(() => undefined);
    });
    expect(usage.writeUnits).toBe(3);
  });

  it('counts reads per item for Get and BatchGet, and what a Query read before its filter', async () => {
    for (const sk of ['q1', 'q2', 'q3']) await documentClient(tenant).send(new PutCommand({ TableName, Item: { pk, sk, text: 'x'.repeat(1500) } }));
    expect((await measure(new GetCommand({ TableName, Key: { pk, sk: 'q1' }, ConsistentRead: true }))).usage.readUnits).toBe(1);
    expect((await measure(new GetCommand({ TableName, Key: { pk, sk: 'q1' } }))).usage.readUnits).toBe(0.5);
    const batch = await measure(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [{ pk, sk: 'q1' }, { pk, sk: 'q2' }] } } }));
    expect(batch.usage.readUnits).toBe(1);
    const query = await measure(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :q)',
        FilterExpression: '#t = :none',
        ExpressionAttributeNames: { '#t': 'text' },
        ExpressionAttributeValues: { ':pk': pk, ':q': 'q', ':none': 'nothing' },
      }),
    );
    expect((query.result as { Items?: unknown[] }).Items).toEqual([]);
    // Three items of ~1.5 KB read (then filtered away): one 4 KB rounding of 4.5 KB, eventually consistent.
    expect(query.usage.readUnits).toBe(1);
  });
});
