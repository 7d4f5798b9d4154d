/**
 * Webhook retries on the schedule, with the sweep run by the test on a clock of its own (the
 * schedule spans more than a day): a receiver that comes back, one that never does, replay, and
 * endpoints that are disabled, removed or failing for days.
 */
import { sendMessage } from '../../lib/messages/sendMessage';
import { sendMessageRequest } from '../../lib/messages/sendMessageRequest';
import { logger } from '../../lib/log';
import { listFailedDeliveries } from '../../lib/store/webhooks';
import { removeEndpoint, setEndpointEnabled } from '../../lib/webhooks/endpointAdmin';
import { failedDeliveries, replayDelivery } from '../../lib/webhooks/failedDeliveries';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from '../../lib/webhooks/schedule';
import { withEnv } from '../support/env';
import { injectStoreFaults, STORE_FAULTS } from '../support/storeFaults';
import { startWebhookReceiver, verifiedPayload, type WebhookReceiver } from '../support/webhookReceiver';
import { openConversation } from './chatFixtures';
import { pendingOf, recordOf, setFailingSince, sweepAt, tenantOf, tenantWithEndpoint } from './webhookFixtures';

const QUEUED = { WEBSOCKET_ENDPOINT: undefined, WEBHOOK_FUNCTION_NAME: undefined, AWS_ENDPOINT_URL_LAMBDA: undefined };
const HOUR = 3600_000;

let hooks: WebhookReceiver | undefined;
let warnings: jest.SpyInstance;
beforeEach(() => {
  warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
});
afterEach(async () => {
  warnings.mockRestore();
  await hooks?.close();
  hooks = undefined;
});

/** A tenant whose endpoint answers as `answer` says, and one message sent in it (queued, not yet attempted). */
const sentTo = async (answer: Parameters<typeof startWebhookReceiver>[0]) => {
  hooks = await startWebhookReceiver(answer);
  const endpoint = await tenantWithEndpoint(hooks.url);
  const tenant = await tenantOf(endpoint.clientId);
  const { room, agent } = await openConversation(tenant);
  const { message } = await withEnv(QUEUED, () => sendMessage(tenant, agent, room._id, sendMessageRequest.parse({ text: 'at the door' })));
  return { ...endpoint, message };
};

/** The one pending delivery of a tenant. */
const onlyPending = async (clientId: string) => {
  const pending = await pendingOf(clientId);
  expect(pending).toHaveLength(1);
  return pending[0]!;
};

describe('a receiver that is down for a while', () => {
  it('gets the event later, with the same webhook-id, each retry after the next delay', async () => {
    const { clientId, secret } = await sentTo((_delivery, index) => (index < 3 ? { status: 503 } : { status: 200 }));
    const start = Date.now();
    expect(await sweepAt(start, clientId)).toMatchObject({ retrying: 1 });
    for (let retry = 0; retry < 3; retry++) {
      const pending = await onlyPending(clientId);
      expect(pending.attempts).toBe(retry + 1);
      expect(pending.last_status).toBe(503);
      expect(pending.due_at - pending.last_attempt_at).toBe(RETRY_DELAYS_MS[retry]);
      // Not before it is due.
      expect(await sweepAt(pending.due_at - 1000, clientId)).toMatchObject({ delivered: 0, retrying: 0 });
      expect(hooks!.received).toHaveLength(retry + 1);
      expect(await sweepAt(pending.due_at, clientId)).toMatchObject(retry < 2 ? { retrying: 1 } : { delivered: 1 });
    }
    const deliveries = await hooks!.waitFor(4);
    expect(new Set(deliveries.map((delivery) => delivery.headers['webhook-id'])).size).toBe(1);
    for (const delivery of deliveries) expect(verifiedPayload(delivery, secret).type).toBe('message.created');
    expect(await pendingOf(clientId)).toEqual([]);
    expect(await failedDeliveries(clientId)).toEqual([]);
  });
});

describe('a sweep that dies between two of its steps', () => {
  it('loses no delivery: what it had not finished is attempted again, with the same webhook-id', async () => {
    const { clientId, message } = await sentTo((_delivery, index) => (index < 3 ? { status: 503 } : { status: 204 }));
    const tenant = await tenantOf(clientId);
    await sweepAt(Date.now(), clientId);
    const crashOn = (command: string) =>
      injectStoreFaults(1, { tenants: [tenant], fault: STORE_FAULTS.crash, when: (name, request) => name === command && request.includes('WEBHOOK#DUE'), limit: 1 });

    // Dies after the attempt, before its successor is written: the item stays due as it was.
    const first = await onlyPending(clientId);
    let faults = crashOn('PutItemCommand');
    expect(await sweepAt(first.due_at, clientId)).toMatchObject({ errors: 1 });
    faults.stop();
    expect(await pendingOf(clientId)).toEqual([first]);

    // Dies after writing the successor, before deleting the item: both are left, each attempted.
    faults = crashOn('DeleteItemCommand');
    expect(await sweepAt(first.due_at, clientId)).toMatchObject({ errors: 1 });
    faults.stop();
    const [again, successor] = await pendingOf(clientId);
    expect(again).toEqual(first);
    expect(successor).toMatchObject({ attempts: 2, delivery_id: first.delivery_id });

    expect(await sweepAt(successor!.due_at, clientId)).toMatchObject({ delivered: 2, errors: 0 });
    expect(await pendingOf(clientId)).toEqual([]);
    const deliveries = await hooks!.waitFor(5);
    expect(new Set(deliveries.map((delivery) => delivery.headers['webhook-id'])).size).toBe(1);
    expect(JSON.parse(deliveries[4]!.body).data.messageData._id).toBe(message._id);
  });
});

describe('a receiver that never answers 2xx', () => {
  it('is tried for more than a day, then the delivery is kept as failed, listed, and replayed with the same webhook-id', async () => {
    let healthy = false;
    const { clientId, endpointId, secret, message } = await sentTo(() => (healthy ? { status: 204 } : { status: 500, body: 'x'.repeat(5000) }));
    await sweepAt(Date.now(), clientId);
    const first = await onlyPending(clientId);
    for (let attempts = 1; attempts < MAX_ATTEMPTS; attempts++) {
      const pending = await onlyPending(clientId);
      await sweepAt(pending.due_at, clientId);
    }
    expect(await pendingOf(clientId)).toEqual([]);
    expect(hooks!.received).toHaveLength(MAX_ATTEMPTS);

    const [failed] = await failedDeliveries(clientId);
    expect(failed).toMatchObject({
      client_id: clientId,
      endpoint_id: endpointId,
      event_type: 'message.created',
      reason: 'attempts_exhausted',
      attempts: MAX_ATTEMPTS,
      last_status: 500,
      first_attempt_at: new Date(first.first_attempt_at).toISOString(),
    });
    expect(failed!.last_response).toHaveLength(1024);
    expect(Date.parse(failed!.last_attempt_at) - Date.parse(failed!.first_attempt_at)).toBeGreaterThanOrEqual(24 * HOUR);
    // Kept for seven days, then no longer listed (the table's TTL removes it on AWS).
    const [kept] = await listFailedDeliveries({ clientId }, Date.parse(failed!.failed_at) + 7 * 24 * HOUR - 1000);
    expect(kept?.delivery_id).toBe(failed!.delivery_id);
    expect(await listFailedDeliveries({ clientId }, Date.parse(failed!.failed_at) + 7 * 24 * HOUR + 1000)).toEqual([]);
    // Failing for a day is not failing for days: the endpoint stays enabled.
    expect((await recordOf(clientId)).webhooks![0]).toMatchObject({ status: 'enabled', failing_since: expect.any(String) });

    healthy = true;
    expect(await replayDelivery(failed!.delivery_id)).toMatchObject({ delivery_id: failed!.delivery_id });
    expect(await failedDeliveries(clientId)).toEqual([]);
    expect(await sweepAt(Date.now(), clientId)).toMatchObject({ delivered: 1 });
    const replayed = (await hooks!.waitFor(MAX_ATTEMPTS + 1))[MAX_ATTEMPTS]!;
    expect(replayed.headers['webhook-id']).toBe(hooks!.received[0]!.headers['webhook-id']);
    expect(verifiedPayload(replayed, secret).data.messageData._id).toBe(message._id);
    // A success ends the failing streak.
    expect((await recordOf(clientId)).webhooks![0]!.failing_since).toBeUndefined();
  });

  it('is disabled when a delivery runs out after it has accepted nothing for five days; new events are no longer handed over', async () => {
    const { clientId, endpointId } = await sentTo(() => ({ status: 500 }));
    await setFailingSince(clientId, endpointId, new Date(Date.now() - 6 * 24 * HOUR));
    await sweepAt(Date.now(), clientId);
    for (let attempts = 1; attempts < MAX_ATTEMPTS; attempts++) await sweepAt((await onlyPending(clientId)).due_at, clientId);
    expect((await recordOf(clientId)).webhooks![0]).toMatchObject({ status: 'disabled', disabled_reason: 'failing' });
    expect((await tenantOf(clientId)).webhookEvents).toBeUndefined();

    const enabled = await setEndpointEnabled(clientId, endpointId, true);
    expect(enabled).toMatchObject({ status: 'enabled' });
    expect(enabled).not.toHaveProperty('failing_since');
    expect((await tenantOf(clientId)).webhookEvents).toEqual(['message.created', 'room.closed']);
  });
});

describe('an endpoint that goes away', () => {
  it('ends its pending deliveries as failed when disabled or removed, to be replayed later', async () => {
    const { clientId, endpointId } = await sentTo(() => ({ status: 502 }));
    await sweepAt(Date.now(), clientId);
    await setEndpointEnabled(clientId, endpointId, false);
    expect(await sweepAt((await onlyPending(clientId)).due_at, clientId)).toMatchObject({ failed: 1 });
    expect(hooks!.received).toHaveLength(1);
    expect(await failedDeliveries(clientId)).toEqual([expect.objectContaining({ reason: 'endpoint_disabled', attempts: 1 })]);

    const [failed] = await failedDeliveries(clientId);
    await replayDelivery(failed!.delivery_id);
    await removeEndpoint(clientId, endpointId);
    expect(await sweepAt(Date.now(), clientId)).toMatchObject({ failed: 1 });
    expect(await failedDeliveries(clientId)).toEqual([expect.objectContaining({ reason: 'endpoint_removed' })]);
    expect(hooks!.received).toHaveLength(1);
  });
});
