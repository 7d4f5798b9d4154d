/**
 * Webhooks through the real use cases, the real local store and a real HTTP receiver on loopback:
 * what is sent, how it is signed (verified with the `standardwebhooks` package), who hears it, and
 * what a send costs with and without endpoints.
 */
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { closeRoom } from '../../lib/rooms/closeRoom';
import { deleteMessage } from '../../lib/messages/deleteMessage';
import { editMessage } from '../../lib/messages/editMessage';
import { editMessageRequest } from '../../lib/messages/messageChangeRequest';
import { documentClient } from '../../lib/store/client';
import { getTenantRecord } from '../../lib/store/tenants';
import { putConnection } from '../../lib/store/connections';
import { isAppError } from '../../lib/errors';
import { logger } from '../../lib/log';
import type { Tenant } from '../../lib/tenancy/tenant';
import { fanOut } from '../../lib/webhooks/deliver';
import { handler as deliverHandler } from '../../functions/deliverWebhooks/handler';
import { lambdaContext } from '../support/lambda';
import { addEndpoint, rotateEndpointSecret } from '../../lib/webhooks/endpointAdmin';
import { webhookIdOf, webhookJobSchema } from '../../lib/webhooks/payload';
import { chatTableModel, UnitMeter } from '../../bench/unitMeter';
import { LOCAL_STAGE, tableNames } from '../../scripts/local/tables';
import { withEnv } from '../support/env';
import { loopbackAws, resignedAuthorization } from '../support/loopbackAws';
import { injectStoreFaults, STORE_FAULTS } from '../support/storeFaults';
import { startWebhookReceiver, verifiedPayload, type WebhookReceiver } from '../support/webhookReceiver';
import { openConversation, newId } from './chatFixtures';
import { freshDeps, newTenantRecord, pendingOf, sweepAt, tenantOf, tenantWithEndpoint } from './webhookFixtures';

const FUNCTION_NAME = 'chat-rooms-local-deliverWebhooks';
const send = (tenant: Tenant, actor: Parameters<typeof sendMessage>[1], roomId: string, text: string, clientMessageId?: string) =>
  sendMessage(tenant, actor, roomId, sendMessageRequest.parse({ text, ...(clientMessageId && { client_message_id: clientMessageId }) }));

/** No WebSocket endpoint and no delivery function: events go to the store's queue, and sweeps send them. */
const QUEUED = { WEBSOCKET_ENDPOINT: undefined, WEBHOOK_FUNCTION_NAME: undefined, AWS_ENDPOINT_URL_LAMBDA: undefined };

const receivers: WebhookReceiver[] = [];
const receiver = async (...args: Parameters<typeof startWebhookReceiver>) => {
  const started = await startWebhookReceiver(...args);
  receivers.push(started);
  return started;
};
let warnings: jest.SpyInstance;
beforeEach(() => {
  warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
});
afterEach(async () => {
  warnings.mockRestore();
  await Promise.all(receivers.splice(0).map((started) => started.close()));
});

describe('message.created', () => {
  it('reaches the endpoint signed as Standard Webhooks, with the room, the message and the participants no live connection reached', async () => {
    const hooks = await receiver();
    const { clientId, secret } = await tenantWithEndpoint(`${hooks.url}/hooks/chat`);
    const tenant = await tenantOf(clientId);
    const { room, agent, customer } = await openConversation(tenant);
    // The agent has a live connection that takes the push; the customer has none.
    const sockets = await loopbackAws(() => ({ status: 204 }));
    await putConnection(tenant, { connectionId: `c-${newId()}`, role: 'agent', userId: agent.userId, connectedAt: new Date().toISOString(), expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    const { message } = await withEnv({ ...QUEUED, WEBSOCKET_ENDPOINT: sockets.url }, () => send(tenant, agent, room._id, "I'm at the door"));
    await sockets.close();

    expect(await sweepAt(Date.now(), clientId)).toMatchObject({ delivered: 1, retrying: 0, failed: 0, errors: 0 });
    const [delivery] = await hooks.waitFor(1);
    expect(delivery!.path).toBe('/hooks/chat');
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.headers['webhook-id']).toBe(webhookIdOf(`message.created:${message._id}`));
    expect(delivery!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifiedPayload(delivery!, secret)).toEqual({
      type: 'message.created',
      timestamp: message.created_date,
      data: {
        event_id: `message.created:${message._id}`,
        roomData: expect.objectContaining({ _id: room._id, client_id: clientId }),
        messageData: expect.objectContaining({ _id: message._id, text: "I'm at the door", sender_id: agent.userId }),
        offline_participants: [{ user_type: 'user', user_id: customer.userId }],
      },
    });
    // A signature by another secret does not verify: the test's verifier really checks.
    expect(() => verifiedPayload(delivery!, `whsec_${Buffer.alloc(32, 7).toString('base64')}`)).toThrow('No matching signature');
    expect(await pendingOf(clientId)).toEqual([]);
  });

  it('is handed over with one signed asynchronous Lambda invocation, and the store spends nothing more than for a tenant without endpoints', async () => {
    const hooks = await receiver();
    const lambda = await loopbackAws(() => ({ status: 202 }));
    const withHooks = await tenantWithEndpoint(hooks.url);
    const without = (await newTenantRecord()).client_id;
    const meter = new UnitMeter(tableNames(LOCAL_STAGE).chat, chatTableModel(), process.env.DYNAMODB_ENDPOINT!);
    const measureSend = async (clientId: string) => {
      const tenant = await tenantOf(clientId);
      const { room, agent } = await openConversation(tenant);
      const detach = meter.attach(documentClient(tenant));
      try {
        const env = { ...QUEUED, WEBHOOK_FUNCTION_NAME: FUNCTION_NAME, AWS_ENDPOINT_URL_LAMBDA: lambda.url };
        const invocationsBefore = lambda.received.length;
        const { usage, result } = await withEnv(env, () => meter.measure(() => send(tenant, agent, room._id, 'on my way', `c-${newId()}`)));
        return { usage, invocations: lambda.received.length - invocationsBefore, message: result.message };
      } finally {
        detach();
      }
    };
    try {
      const plain = await measureSend(without);
      const hooked = await measureSend(withHooks.clientId);
      expect(plain.invocations).toBe(0);
      expect(hooked.invocations).toBe(1);
      const summary = (usage: typeof plain.usage) => ({ requests: usage.requests.map((request) => request.command), writeUnits: usage.writeUnits, readUnits: usage.readUnits, roundTrips: usage.roundTrips });
      expect(summary(hooked.usage)).toEqual(summary(plain.usage));

      const [invocation] = lambda.received;
      expect(invocation!.method).toBe('POST');
      expect(invocation!.url).toBe(`/2015-03-31/functions/${FUNCTION_NAME}/invocations`);
      expect(invocation!.headers['x-amz-invocation-type']).toBe('Event');
      expect(await resignedAuthorization(invocation!, lambda.port, 'lambda')).toBe(invocation!.headers.authorization);
      const job = webhookJobSchema.parse(JSON.parse(invocation!.body));
      expect(job).toMatchObject({ client_id: withHooks.clientId, type: 'message.created', webhook_id: webhookIdOf(`message.created:${hooked.message._id}`) });

      // What the delivery function does with it: the first attempt, accepted, nothing stored.
      expect(await fanOut(freshDeps(), job)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
      expect(verifiedPayload((await hooks.waitFor(1))[0]!, withHooks.secret)).toMatchObject({ type: 'message.created' });
      expect(await pendingOf(withHooks.clientId)).toEqual([]);
    } finally {
      meter.close();
      await lambda.close();
    }
  });

  it('is not held up by an endpoint that never answers: the send completes, the attempt is cut off and kept for a retry', async () => {
    const hooks = await receiver(() => 'hang');
    const lambda = await loopbackAws(() => ({ status: 202 }));
    const { clientId } = await tenantWithEndpoint(hooks.url);
    const tenant = await tenantOf(clientId);
    const { room, agent } = await openConversation(tenant);
    try {
      const sent = await withEnv({ ...QUEUED, WEBHOOK_FUNCTION_NAME: FUNCTION_NAME, AWS_ENDPOINT_URL_LAMBDA: lambda.url }, () => send(tenant, agent, room._id, 'hello'));
      expect(sent.created).toBe(true);
      // The send is done and the endpoint has not even been called: the hand-over is all it waited for.
      expect(hooks.received).toEqual([]);
      expect(lambda.received).toHaveLength(1);

      const job = webhookJobSchema.parse(JSON.parse(lambda.received[0]!.body));
      expect(await fanOut(freshDeps(), job)).toEqual({ delivered: 0, retrying: 1, failed: 0 });
      expect(hooks.received).toHaveLength(1);
      const [pending] = await pendingOf(clientId);
      expect(pending).toMatchObject({ attempts: 1, webhook_id: job.webhook_id, last_error: 'no answer within 5000 ms' });
      expect(pending!.due_at - pending!.last_attempt_at).toBe(5000);
    } finally {
      await lambda.close();
    }
  });
});

describe('the delivery function', () => {
  it('reads the registry afresh when its cached record has no endpoint for the job: one added a moment ago is not skipped', async () => {
    const hooks = await receiver();
    const lambda = await loopbackAws(() => ({ status: 202 }));
    const { clientId, secret } = await tenantWithEndpoint(hooks.url);
    const tenant = await tenantOf(clientId);
    const { room, agent } = await openConversation(tenant);
    try {
      await withEnv({ ...QUEUED, WEBHOOK_FUNCTION_NAME: FUNCTION_NAME, AWS_ENDPOINT_URL_LAMBDA: lambda.url }, () => send(tenant, agent, room._id, 'new endpoint'));
      const job = webhookJobSchema.parse(JSON.parse(lambda.received[0]!.body));
      const { webhooks: _none, ...stale } = (await getTenantRecord(clientId))!;
      const cachedBeforeTheAdd = { get: async () => stale };
      expect(await fanOut({ ...freshDeps(), registry: cachedBeforeTheAdd }, job)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
      expect(await fanOut({ ...freshDeps(), registry: cachedBeforeTheAdd, reload: getTenantRecord }, job)).toEqual({ delivered: 1, retrying: 0, failed: 0 });
      expect(verifiedPayload((await hooks.waitFor(1))[0]!, secret).data.messageData.text).toBe('new endpoint');
    } finally {
      await lambda.close();
    }
  });

  it('keeps a job in the store queue when a failed attempt could not be stored, so the sweep tries it again', async () => {
    let answers = 0;
    const hooks = await receiver(() => (answers++ === 0 ? { status: 503 } : { status: 204 }));
    const { clientId, secret } = await tenantWithEndpoint(hooks.url);
    const tenant = await tenantOf(clientId);
    const { room, agent } = await openConversation(tenant);
    const lambda = await loopbackAws(() => ({ status: 202 }));
    try {
      await withEnv({ ...QUEUED, WEBHOOK_FUNCTION_NAME: FUNCTION_NAME, AWS_ENDPOINT_URL_LAMBDA: lambda.url }, () => send(tenant, agent, room._id, 'store hiccup'));
    } finally {
      await lambda.close();
    }
    const job = JSON.parse(lambda.received[0]!.body);
    // The endpoint's pending item cannot be written; the queue item can.
    const faults = injectStoreFaults(1, {
      tenants: [tenant],
      fault: STORE_FAULTS.serverError,
      when: (command, request) => command === 'PutItemCommand' && request.includes('WEBHOOK#DUE') && request.includes('"endpoint_id":{"S":"ep_'),
    });
    try {
      expect(await deliverHandler(job, lambdaContext('deliverWebhooks'))).toEqual({ queued: true });
    } finally {
      faults.stop();
    }
    expect(await pendingOf(clientId)).toEqual([expect.objectContaining({ endpoint_id: '*', webhook_id: job.webhook_id })]);
    expect(await sweepAt(Date.now(), clientId)).toMatchObject({ delivered: 1 });
    const deliveries = await hooks.waitFor(2);
    expect(deliveries.map((delivery) => delivery.headers['webhook-id'])).toEqual([job.webhook_id, job.webhook_id]);
    expect(verifiedPayload(deliveries[1]!, secret).data.messageData.text).toBe('store hiccup');
  });

  it('drops an event that is not a job, without an error Lambda would retry', async () => {
    const errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      expect(await deliverHandler({ client_id: '1', type: 'message.deleted' }, lambdaContext('deliverWebhooks'))).toEqual({ dropped: true });
      expect(errors).toHaveBeenCalledWith('Not a webhook job; dropped', expect.anything());
    } finally {
      errors.mockRestore();
    }
  });
});

describe('who hears an event', () => {
  it("another tenant's endpoint hears nothing of this tenant's events", async () => {
    const [hooksA, hooksB] = [await receiver(), await receiver()];
    const a = await tenantWithEndpoint(hooksA.url);
    const b = await tenantWithEndpoint(hooksB.url);
    const tenantA = await tenantOf(a.clientId);
    const { room, agent } = await openConversation(tenantA);
    await withEnv(QUEUED, () => send(tenantA, agent, room._id, 'for A only'));
    await sweepAt(Date.now(), a.clientId, b.clientId);
    expect(verifiedPayload((await hooksA.waitFor(1))[0]!, a.secret).data.messageData.text).toBe('for A only');
    expect(hooksB.received).toEqual([]);
  });

  it('an event goes to the endpoints subscribed to it only: room.closed to one, message.created to the other', async () => {
    const [messages, closes] = [await receiver(), await receiver()];
    const { clientId, secret } = await tenantWithEndpoint(messages.url, 'message.created');
    const closing = await addEndpoint(clientId, { url: closes.url, events: 'room.closed' });
    const tenant = await tenantOf(clientId);
    expect(tenant.webhookEvents).toEqual(['message.created', 'room.closed']);
    const { room, agent } = await openConversation(tenant);
    const closed = await withEnv(QUEUED, () => closeRoom(tenant, agent, room._id));
    await sweepAt(Date.now(), clientId);
    const [delivery] = await closes.waitFor(1);
    expect(verifiedPayload(delivery!, closing.secret)).toEqual({
      type: 'room.closed',
      timestamp: closed.updated_date,
      data: { event_id: expect.stringMatching(/^room\.closed:/), roomData: expect.objectContaining({ _id: room._id, status: false }) },
    });
    expect(messages.received).toEqual([]);
    expect(secret).not.toBe(closing.secret);
  });
});

describe('secret rotation', () => {
  it('signs with both secrets while the previous one lasts, each signature valid alone, and with the new one only after', async () => {
    const hooks = await receiver();
    const { clientId, endpointId, secret: previous } = await tenantWithEndpoint(hooks.url);
    const { secret: next } = await rotateEndpointSecret(clientId, endpointId, 24);
    const tenant = await tenantOf(clientId);
    const { room, agent } = await openConversation(tenant);
    await withEnv(QUEUED, () => send(tenant, agent, room._id, 'during the rotation'));
    await sweepAt(Date.now(), clientId);
    const [during] = await hooks.waitFor(1);
    expect(String(during!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifiedPayload(during!, previous).data.messageData.text).toBe('during the rotation');
    expect(verifiedPayload(during!, next).data.messageData.text).toBe('during the rotation');

    const { secret: latest } = await rotateEndpointSecret(clientId, endpointId, 0);
    await withEnv(QUEUED, () => send(tenant, agent, room._id, 'after it'));
    await sweepAt(Date.now(), clientId);
    const [, after] = await hooks.waitFor(2);
    expect(String(after!.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifiedPayload(after!, latest).data.messageData.text).toBe('after it');
    expect(() => verifiedPayload(after!, next)).toThrow('No matching signature');
  });
});

describe('handing an event over when AWS fails', () => {
  it('queues the job in the store when the invocation keeps failing, and the sweep delivers it', async () => {
    const hooks = await receiver();
    const lambda = await loopbackAws(() => ({ status: 500, headers: { 'x-amzn-errortype': 'ServiceException' } }));
    const { clientId, secret } = await tenantWithEndpoint(hooks.url);
    const tenant = await tenantOf(clientId);
    const { room, agent } = await openConversation(tenant);
    try {
      const { message } = await withEnv({ ...QUEUED, WEBHOOK_FUNCTION_NAME: FUNCTION_NAME, AWS_ENDPOINT_URL_LAMBDA: lambda.url }, () => send(tenant, agent, room._id, 'lambda is down'));
      expect(lambda.received).toHaveLength(3);
      expect(await pendingOf(clientId)).toEqual([expect.objectContaining({ endpoint_id: '*', webhook_id: webhookIdOf(`message.created:${message._id}`) })]);
      await sweepAt(Date.now(), clientId);
      expect(verifiedPayload((await hooks.waitFor(1))[0]!, secret).data.messageData._id).toBe(message._id);
      expect(await pendingOf(clientId)).toEqual([]);
    } finally {
      await lambda.close();
    }
  });

  it('answers a retryable send 503 when the job cannot be kept anywhere; its retry hands the same webhook-id over', async () => {
    const hooks = await receiver();
    const { clientId, secret } = await tenantWithEndpoint(hooks.url);
    const tenant = await tenantOf(clientId);
    const { room, agent } = await openConversation(tenant);
    const clientMessageId = `c-${newId()}`;
    const faults = injectStoreFaults(1, {
      tenants: [tenant],
      fault: STORE_FAULTS.serverError,
      when: (command, request) => command === 'PutItemCommand' && request.includes('WEBHOOK#DUE'),
    });
    let error: unknown;
    try {
      await withEnv(QUEUED, () => send(tenant, agent, room._id, 'kept after all', clientMessageId));
    } catch (caught) {
      error = caught;
    } finally {
      faults.stop();
    }
    expect(isAppError(error) && [error.status, error.retryAfterSeconds]).toEqual([503, 1]);
    expect(await pendingOf(clientId)).toEqual([]);

    const retried = await withEnv(QUEUED, () => send(tenant, agent, room._id, 'kept after all', clientMessageId));
    expect(retried.created).toBe(false);
    await sweepAt(Date.now(), clientId);
    const [delivery] = await hooks.waitFor(1);
    expect(delivery!.headers['webhook-id']).toBe(webhookIdOf(`message.created:${retried.message._id}`));
    expect(verifiedPayload(delivery!, secret).data.messageData.text).toBe('kept after all');
  });
});

describe('message.updated and message.deleted', () => {
  it('reach a subscribed endpoint signed, timed by the edit and the delete, the tombstone without its text', async () => {
    const hooks = await receiver();
    const { clientId, secret } = await tenantWithEndpoint(hooks.url, 'message.updated,message.deleted');
    const tenant = await tenantOf(clientId);
    const { room, agent } = await openConversation(tenant);
    const sent = await withEnv(QUEUED, () => send(tenant, agent, room._id, 'On my wya'));
    const target = { roomId: room._id, messageId: sent.message._id };
    const edited = await withEnv(QUEUED, () => editMessage(tenant, agent, target, editMessageRequest.parse({ text: 'On my way' })));
    const deleted = await withEnv(QUEUED, () => deleteMessage(tenant, agent, target));
    await sweepAt(Date.now(), clientId);

    const deliveries = (await hooks.waitFor(2)).map((delivery) => verifiedPayload(delivery, secret) as { type: string; timestamp: string; data: Record<string, unknown> });
    const byType = Object.fromEntries(deliveries.map((payload) => [payload.type, payload]));
    expect(Object.keys(byType).sort()).toEqual(['message.deleted', 'message.updated']);
    expect(byType['message.updated']).toEqual({
      type: 'message.updated',
      timestamp: edited.edited_date,
      data: expect.objectContaining({ event_id: `message.updated:${sent.message._id}:${edited.edited_date}`, messageData: expect.objectContaining({ text: 'On my way' }) }),
    });
    expect(byType['message.deleted']).toEqual({
      type: 'message.deleted',
      timestamp: deleted.deleted_date,
      data: expect.objectContaining({ event_id: `message.deleted:${sent.message._id}`, messageData: expect.objectContaining({ deleted: true }) }),
    });
    expect(JSON.stringify(byType['message.deleted'])).not.toContain('On my wa');
  });
});
