/**
 * A stand-in for Lambda's Invoke API on a loopback port, for measuring what a send costs a tenant
 * with a webhook endpoint: it answers every asynchronous invocation 202, as Lambda does once it
 * has queued the event, and counts them. Nothing runs the delivery function; what it spends is its
 * own (docs/webhooks.md).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LambdaStub {
  /** The function the publishers are told to invoke. */
  functionName: string;
  /** Invocations of `functionName` answered so far. */
  invocations(): number;
  stop(): Promise<void>;
}

const FUNCTION_NAME = 'chat-rooms-bench-webhookDelivery';

/** The environment lib/webhooks/webhookConfig.ts reads, pointed at the stub until `stop`. */
const ENVIRONMENT = ['WEBHOOK_FUNCTION_NAME', 'AWS_ENDPOINT_URL_LAMBDA'] as const;

export const startLambdaStub = async (): Promise<LambdaStub> => {
  let invocations = 0;
  const path = `/2015-03-31/functions/${FUNCTION_NAME}/invocations`;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const asynchronous = request.headers['x-amz-invocation-type'] === 'Event';
      if (request.method === 'POST' && request.url === path && asynchronous) {
        invocations++;
        response.writeHead(202).end();
      } else {
        response.writeHead(404, { 'x-amzn-errortype': 'ResourceNotFoundException' }).end('{"message":"not the stubbed function"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const saved = Object.fromEntries(ENVIRONMENT.map((name) => [name, process.env[name]]));
  process.env.WEBHOOK_FUNCTION_NAME = FUNCTION_NAME;
  process.env.AWS_ENDPOINT_URL_LAMBDA = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    functionName: FUNCTION_NAME,
    invocations: () => invocations,
    stop: async () => {
      for (const name of ENVIRONMENT) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
