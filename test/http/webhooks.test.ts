/**
 * Webhooks on the local stack: a message sent through serverless-offline reaches the tenant's
 * receiver on loopback, handed over by the real asynchronous Lambda invocation and verified with
 * the `standardwebhooks` package; a receiver that never answers changes nothing for the sender.
 */
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { addEndpoint } from '../../lib/webhooks/endpointAdmin';
import { newTenantRecord, pendingOf } from '../integration/webhookFixtures';
import { newId } from '../support/ids';
import { startWebhookReceiver, verifiedPayload, type WebhookReceiver } from '../support/webhookReceiver';
import { api } from './chatApi';

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

/** A fresh tenant whose endpoint is `receiver`, and an open conversation in it over HTTP. */
const conversationWithHooks = async (receiver: WebhookReceiver, events = 'message.created') => {
  const record = await newTenantRecord();
  const { secret } = await addEndpoint(record.client_id, { url: `${receiver.url}/chat-events`, events });
  const token = (userId: string, role: string) => signAccessToken({ secret: record.jwt_secrets![0]!, clientId: record.client_id, userId, role: role as never });
  const [agentId, customerId] = [newId(), newId()];
  const [agent, customer] = [await token(agentId, 'agent'), await token(customerId, 'user')];
  const order = { client_id: Number(record.client_id), sub_domain: record.sub_domain, db_name: record.db_name, order_vendor_id: 2, vendor_id: 3, order_id: Number(newId()) };
  const opened = await api('POST', '/api/v1/chat/startChat', agent, { ...order, user_id: agentId, type: 'agent-to-user', order_user_id: customerId });
  expect(opened.status).toBe(200);
  return { clientId: record.client_id, secret, roomId: opened.body.roomData._id as string, agent, agentId, customerId, customer, token };
};

describe('webhooks on the local stack', () => {
  it('startChat and a send through offline: the receiver gets message.created, verified, naming who was offline', async () => {
    const receiver = await startWebhookReceiver();
    receivers.push(receiver);
    const { clientId, secret, roomId, agent, agentId, customerId } = await conversationWithHooks(receiver);
    const sent = await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, agent, { text: 'The driver is at the door', client_message_id: `c-${newId()}` });
    expect(sent.status).toBe(201);

    const [delivery] = await receiver.waitFor(1, 30_000);
    expect(delivery!.path).toBe('/chat-events');
    const payload = verifiedPayload(delivery!, secret);
    expect(payload).toMatchObject({
      type: 'message.created',
      data: {
        event_id: `message.created:${sent.body.messageData._id}`,
        roomData: { _id: roomId, client_id: clientId },
        messageData: { _id: sent.body.messageData._id, text: 'The driver is at the door', sender_id: agentId },
      },
    });
    // Nobody had a socket open: the platform should push to both.
    expect(payload.data.offline_participants).toEqual([
      { user_type: 'agent', user_id: agentId },
      { user_type: 'user', user_id: customerId },
    ]);
  });

  it('an admin reassigns the agent: the receiver gets participant.reassigned, verified, naming the new holder', async () => {
    const receiver = await startWebhookReceiver();
    receivers.push(receiver);
    const { clientId, secret, roomId, token } = await conversationWithHooks(receiver, 'participant.reassigned');
    const successor = newId();
    const moved = await api('PUT', `/api/v1/chat/rooms/${roomId}/participants/agent`, await token(newId(), 'admin'), { user_id: successor });
    expect(moved.status).toBe(200);

    const [delivery] = await receiver.waitFor(1, 30_000);
    const reassignedAt = moved.body.roomData.updated_date;
    expect(verifiedPayload(delivery!, secret)).toEqual({
      type: 'participant.reassigned',
      timestamp: reassignedAt,
      data: {
        event_id: `participant.reassigned:${roomId}:agent:${successor}:${reassignedAt}`,
        roomData: expect.objectContaining({ _id: roomId, client_id: clientId, agent_id: successor }),
        participant: { user_type: 'agent', user_id: successor },
        reassigned_date: reassignedAt,
      },
    });
  });

  it('answers the send while the endpoint never answers; the attempt runs apart from it and is kept for a retry', async () => {
    const receiver = await startWebhookReceiver(() => 'hang');
    receivers.push(receiver);
    const { clientId, roomId, agent } = await conversationWithHooks(receiver);
    const sent = await api('POST', `/api/v1/chat/rooms/${roomId}/messages`, agent, { text: 'anyone there?' });
    expect(sent.status).toBe(201);
    // The delivery function's attempt arrives and is never answered; the send was answered regardless.
    await receiver.waitFor(1, 30_000);
    const deadline = Date.now() + 30_000;
    let pending = await pendingOf(clientId);
    while (pending.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      pending = await pendingOf(clientId);
    }
    expect(pending).toEqual([expect.objectContaining({ attempts: 1, last_error: 'no answer within 5000 ms', webhook_id: receiver.received[0]!.headers['webhook-id'] })]);
  });
});
