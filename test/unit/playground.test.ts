import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { handler } from '../../functions/playground/handler';
import { websocketUrl } from '../../playground/session';
import { withEnv } from '../support/env';

describe('playground session', () => {
  it("turns the WebSocket API's endpoint into the URL a browser connects to", () => {
    expect(websocketUrl('http://127.0.0.1:3001')).toBe('ws://127.0.0.1:3001');
    expect(websocketUrl('https://abc.execute-api.us-east-1.amazonaws.com/prod')).toBe('wss://abc.execute-api.us-east-1.amazonaws.com/prod');
    expect(websocketUrl('')).toBeNull();
    expect(websocketUrl(undefined)).toBeNull();
  });
});

describe('playground handler', () => {
  const event = { routeKey: 'GET /playground', rawPath: '/playground', headers: {}, requestContext: {} } as unknown as APIGatewayProxyEventV2;

  it('answers 404 outside serverless-offline, even if the function were deployed', async () => {
    const response = await withEnv({ IS_OFFLINE: undefined }, () => handler(event, {} as Context));
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves the page under serverless-offline', async () => {
    const response = await withEnv({ IS_OFFLINE: 'true' }, () => handler(event, {} as Context));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>chat-rooms playground</title>');
  });
});
