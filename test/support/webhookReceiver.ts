/**
 * A tenant's backend as webhooks meet it: an HTTP server on a free loopback port that records
 * every delivery and answers as the test says, including never (a hung endpoint). Each delivery
 * is checked with the `standardwebhooks` package's own verifier, for the secrets the test gives.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { WEBHOOK_PAYLOADS } from '../../lib/webhooks/webhookSchemas';

export interface ReceivedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How to answer one delivery: a status (and body), or 'hang' to never answer. */
export type ReceiverAnswer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** Resolves once `count` deliveries have arrived; fails after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedDelivery[]>;
  close(): Promise<void>;
}

export const startWebhookReceiver = async (answer: (delivery: ReceivedDelivery, index: number) => ReceiverAnswer = () => ({ status: 204 })): Promise<WebhookReceiver> => {
  const received: ReceivedDelivery[] = [];
  const sockets = new Set<Socket>();
  const hung: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const delivery = { path: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(delivery);
      const reply = answer(delivery, received.length - 1);
      if (reply === 'hang') {
        hung.push(response);
        return;
      }
      response.writeHead(reply.status, reply.headers ?? {});
      response.end(reply.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook deliveries, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received.slice(0, count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};

/**
 * The delivery verified by `standardwebhooks` with `secret` (or the verifier's error), and its
 * body held to the published schema of its type (lib/webhooks/webhookSchemas.ts) when it has one.
 */
export const verifiedPayload = (delivery: ReceivedDelivery, secret: string): any => {
  const payload = new Webhook(secret).verify(delivery.body, {
    'webhook-id': String(delivery.headers['webhook-id']),
    'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
    'webhook-signature': String(delivery.headers['webhook-signature']),
  }) as { type?: string };
  const schema = WEBHOOK_PAYLOADS[payload.type as keyof typeof WEBHOOK_PAYLOADS];
  if (schema) schema.parse(payload);
  return payload;
};
