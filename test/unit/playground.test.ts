import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { handler } from '../../functions/playground/handler';
import { websocketUrl } from '../../playground/session';

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
    const saved = process.env.IS_OFFLINE;
    delete process.env.IS_OFFLINE;
    try {
      const response = await handler(event, {} as Context);
      expect(response.statusCode).toBe(404);
      expect(JSON.parse(response.body)).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      if (saved !== undefined) process.env.IS_OFFLINE = saved;
    }
  });

  it('serves the page under serverless-offline', async () => {
    process.env.IS_OFFLINE = 'true';
    try {
      const response = await handler(event, {} as Context);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<title>chat-rooms playground</title>');
    } finally {
      delete process.env.IS_OFFLINE;
    }
  });
});
