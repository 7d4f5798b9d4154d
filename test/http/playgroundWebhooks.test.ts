/**
 * The local webhook receiver the seeded tenants are registered to (the test stack registers
 * tenant 2; `npm start` every active tenant): a message sent through serverless-offline reaches it
 * on the first attempt of the real delivery function, verified with the tenant's development
 * secret, and the page lists it; a delivery it cannot verify is refused with 401 and listed as
 * such; copies of one webhook-id are counted as attempts; only the stack's own delivery (no
 * browser) may post, and only the page may list.
 */
import { Webhook } from 'standardwebhooks';
import { webhookIdOf } from '../../lib/webhooks/payload';
import { localWebhookSecret, localWebhookUrl } from '../../scripts/local/seed';
import { get } from '../support/api';
import { PLAYGROUND_WEBHOOK_TENANT } from '../support/localStack';
import { rawRequest } from '../support/rawHttp';
import { pendingOf } from '../integration/webhookFixtures';
import { api, newId, person, TENANT_2 } from './chatApi';

const RECEIVER = '/playground/webhooks';
const PAGE = { 'X-Playground': '1' };
const apiUrl = () => process.env.API_URL!;

const listed = async (clientId: string) => {
  const reply = await get(`${RECEIVER}?client_id=${clientId}`, PAGE);
  expect(reply.status).toBe(200);
  return reply.json as { client_id: string; receiver_url: string; registered: boolean; deliveries: any[] };
};

/** The receiver's entries for a webhook-id, once there are `count` of them (polled; the delivery runs apart from the send). */
const entriesOf = async (clientId: string, webhookId: string, count = 1) => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const entries = (await listed(clientId)).deliveries.filter((delivery) => delivery.webhook_id === webhookId);
    if (entries.length >= count) return entries;
    if (Date.now() > deadline) throw new Error(`expected ${count} deliveries of ${webhookId}, got ${entries.length}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** POST a delivery as the stack's delivery function does (node:http: no Origin, no Sec-Fetch-*). */
const deliver = (clientId: string, body: string, headers: Record<string, string>) =>
  rawRequest(`${apiUrl()}${RECEIVER}?client_id=${clientId}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

const signed = (secret: string, webhookId: string, body: string) => {
  const at = new Date();
  return { 'webhook-id': webhookId, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(webhookId, at, body) };
};

describe('the local webhook receiver', () => {
  const clientId = PLAYGROUND_WEBHOOK_TENANT;

  it("gets a seeded tenant's message.created on the delivery function's first attempt, verified, and lists it for the page", async () => {
    const [agent, customer] = [await person(2, 'agent'), await person(2, 'user')];
    const opened = await api('POST', '/api/v1/chat/startChat', agent.token, {
      ...TENANT_2, order_vendor_id: 2, vendor_id: 3, order_id: Number(newId()), user_id: agent.id, type: 'agent-to-user', order_user_id: customer.id,
    });
    expect(opened.status).toBe(200);
    const sent = await api('POST', `/api/v1/chat/rooms/${opened.body.roomData._id}/messages`, agent.token, { text: 'Your order is on its way' });
    expect(sent.status).toBe(201);

    const webhookId = webhookIdOf(`message.created:${sent.body.messageData._id}`);
    const [entry] = await entriesOf(clientId, webhookId);
    expect(entry).toMatchObject({ webhook_id: webhookId, type: 'message.created', attempt: 1, verified: true });
    expect(JSON.parse(entry.body)).toMatchObject({ type: 'message.created', data: { messageData: { text: 'Your order is on its way' } } });
    // Delivered at once: nothing was left for the sweep.
    expect((await pendingOf(clientId)).filter((pending) => pending.webhook_id === webhookId)).toEqual([]);
    expect(await listed(clientId)).toMatchObject({ client_id: clientId, registered: true, receiver_url: localWebhookUrl(apiUrl(), clientId) });
  });

  it('verifies with the endpoint\'s secret: 204 and ✓ for a signed delivery, its copies counted as attempts; 401 and ✗ otherwise', async () => {
    const webhookId = `msg_${newId()}`;
    const body = JSON.stringify({ type: 'room.closed', timestamp: new Date().toISOString(), data: {} });
    const secret = localWebhookSecret(clientId);
    expect((await deliver(clientId, body, signed(secret, webhookId, body))).status).toBe(204);
    expect((await deliver(clientId, body, signed(secret, webhookId, body))).status).toBe(204);
    const tampered = await deliver(clientId, body.replace('room.closed', 'room.opened'), signed(secret, webhookId, body));
    expect([tampered.status, tampered.json?.errors?.[0]?.path]).toEqual([401, 'webhook-signature']);
    const otherKey = await deliver(clientId, body, signed(localWebhookSecret('999'), webhookId, body));
    expect(otherKey.status).toBe(401);

    const entries = await entriesOf(clientId, webhookId, 4);
    expect(entries.map((entry) => [entry.attempt, entry.verified, entry.type])).toEqual([
      [4, false, 'room.closed'],
      [3, false, 'room.opened'],
      [2, true, 'room.closed'],
      [1, true, 'room.closed'],
    ]);
    const unsigned = await deliver(clientId, body, {});
    expect([unsigned.status, unsigned.json?.errors?.map((error: { path: string }) => error.path)]).toEqual([400, ['webhook-id', 'webhook-timestamp', 'webhook-signature']]);
  });

  it('says when a tenant has no endpoint at the receiver (tenant 1 here), and verifies nothing for it', async () => {
    expect(await listed('1')).toMatchObject({ client_id: '1', registered: false, receiver_url: localWebhookUrl(apiUrl(), '1') });
    const body = '{"type":"room.closed"}';
    expect((await deliver('1', body, signed(localWebhookSecret('1'), `msg_${newId()}`, body))).status).toBe(401);
  });

  it('takes no delivery from a browser and lists only to the page', async () => {
    const body = '{"type":"room.closed"}';
    const headers = signed(localWebhookSecret(clientId), `msg_${newId()}`, body);
    const browsers: Record<string, string>[] = [{ Origin: apiUrl() }, { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'no-cors' }, { Origin: 'http://evil.example' }];
    for (const browser of browsers) {
      const reply = await deliver(clientId, body, { ...headers, ...browser });
      expect({ browser, status: reply.status, code: reply.json?.code }).toEqual({ browser, status: 403, code: 'FORBIDDEN' });
    }
    const port = new URL(apiUrl()).port;
    expect((await deliver(clientId, body, { ...headers, Host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(`${RECEIVER}?client_id=${clientId}`)).status).toBe(403);
    expect((await get(`${RECEIVER}?client_id=x`, PAGE)).json).toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ path: 'client_id' }] });
  });
});
