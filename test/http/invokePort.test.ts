/**
 * serverless-offline's Lambda Invoke API runs any function with any event and no credentials, so
 * a made-up authorizer context can store a WebSocket connection for anyone. The local stack keeps
 * it for the SDK and the CLI: its gate refuses anything a browser sent and any Host but its own.
 */
import { randomInt } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { queryConnections } from '../../lib/store/connections';
import { rawRequest } from '../support/rawHttp';

const lambdaUrl = (): string => {
  const url = process.env.LAMBDA_URL;
  if (!url) throw new Error('LAMBDA_URL is not set: run through jest, whose globalSetup starts the local stack');
  return url;
};

const FUNCTION = 'chat-rooms-local-wsConnect';
const invocationPath = `/2015-03-31/functions/${FUNCTION}/invocations`;

/** A $connect event as the authorizer would pass it on, for a person of its own (so only this test writes there). */
const connectEvent = (userId: string, connectionId: string) => ({
  requestContext: {
    routeKey: '$connect',
    eventType: 'CONNECT',
    connectionId,
    authorizer: { client_id: '1', role: 'agent', user_id: userId, exp: String(Math.floor(Date.now() / 1000) + 3600) },
  },
  isBase64Encoded: false,
});

const storedConnections = (userId: string) => queryConnections({ clientId: '1' }, 'agent', userId);

describe("the local stack's Lambda invoke port", () => {
  it('refuses an invocation a web page sends (Origin, Sec-Fetch-*) or that names another host, and nothing runs', async () => {
    const userId = String(randomInt(10_000_000, 2 ** 40));
    const host = new URL(lambdaUrl()).host;
    const body = JSON.stringify(connectEvent(userId, `evil${userId}=`));
    const attempts: Record<string, string>[] = [
      // A cross-site form or fetch: a "simple" POST, no preflight.
      { Host: host, Origin: 'http://evil.example', 'Content-Type': 'text/plain' },
      { Host: host, Origin: 'null', 'Content-Type': 'text/plain' },
      { Host: host, 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' },
      // DNS rebinding: the page's own name, pointed at 127.0.0.1.
      { Host: `evil.example:${new URL(lambdaUrl()).port}` },
    ];
    for (const headers of attempts) {
      const reply = await rawRequest(`${lambdaUrl()}${invocationPath}`, { method: 'POST', headers, body });
      expect({ headers, status: reply.status, type: reply.headers['x-amzn-errortype'] }).toEqual({ headers, status: 403, type: 'AccessDeniedException' });
    }
    expect(await storedConnections(userId)).toEqual([]);
  });

  it('still runs an SDK invocation, which sends no browser headers', async () => {
    const userId = String(randomInt(10_000_000, 2 ** 40));
    const client = new LambdaClient({ endpoint: lambdaUrl(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const result = await client.send(new InvokeCommand({ FunctionName: FUNCTION, Payload: JSON.stringify(connectEvent(userId, `sdk${userId}=`)) }));
      expect(result.StatusCode).toBe(200);
      expect(result.FunctionError).toBeUndefined();
      expect(JSON.parse(Buffer.from(result.Payload!).toString('utf8'))).toEqual({ statusCode: 200 });
    } finally {
      client.destroy();
    }
    expect((await storedConnections(userId)).map((connection) => connection.connectionId)).toEqual([`sdk${userId}=`]);
  });
});
