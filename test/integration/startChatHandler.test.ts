import { randomInt } from 'node:crypto';
import { handler } from '../../functions/startChat/handler';
import { documentClient, registryClient } from '../../lib/store/client';
import { SEED_BODY, SEED_PATH } from '../../scripts/local/seedRequest';
import { signLocalToken } from '../../scripts/local/tokens';
import { lambdaContext } from '../support/lambda';

const context = lambdaContext('startChat');

const invoke = async (body: Record<string, unknown>, token: string) => {
  const event = {
    version: '2.0',
    routeKey: `POST ${SEED_PATH}`,
    rawPath: SEED_PATH,
    isBase64Encoded: false,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requestContext: { http: { method: 'POST', path: SEED_PATH } },
    body: JSON.stringify(body),
  };
  return (await handler(event as never, context)) as { statusCode: number; body: string };
};

/** Every command the registry's and tenant 1's clients send while `body` runs, by name, in order. */
const commandsDuring = async (body: () => Promise<unknown>): Promise<string[]> => {
  const sent: string[] = [];
  const name = `record-${Math.random()}`;
  const clients = [registryClient(), documentClient({ clientId: '1' })];
  for (const client of clients) {
    client.middlewareStack.add(
      (next, { commandName }) => async (args) => {
        sent.push(commandName!);
        return next(args);
      },
      { step: 'initialize', name },
    );
  }
  try {
    await body();
  } finally {
    for (const client of clients) client.middlewareStack.remove(name);
  }
  return sent;
};

describe('the startChat Lambda, warm in one container', () => {
  it('looks the tenant up once, then a touch is a single DynamoDB request', async () => {
    const token = await signLocalToken(1, 133, 'agent');
    const body = { ...SEED_BODY, order_id: randomInt(1, 2 ** 40) };

    const cold = await commandsDuring(async () => expect((await invoke(body, token)).statusCode).toBe(200));
    const warm = await commandsDuring(async () => expect((await invoke(body, token)).statusCode).toBe(200));

    // Registry; the touch finds no room; the room is read; its number reserved; the room created.
    expect(cold).toEqual(['GetItemCommand', 'UpdateItemCommand', 'GetItemCommand', 'PutItemCommand', 'PutItemCommand']);
    expect(warm).toEqual(['UpdateItemCommand']);
  });

  it('makes no store request at all for a request it refuses before the tenant', async () => {
    const token = await signLocalToken(1, 133, 'agent');
    const sent = await commandsDuring(async () => {
      const reply = await invoke({ ...SEED_BODY, order_id: 0 }, token);
      expect(reply.statusCode).toBe(400);
    });
    expect(sent).toEqual([]);
  });
});
