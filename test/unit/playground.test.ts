import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { handler } from '../../functions/playground/handler';
import { checkPlaygroundRequest, TOKEN_ROUTE, WEBHOOK_LIST_ROUTE, WEBHOOK_RECEIVER_ROUTE } from '../../playground/requestGuard';
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
  const STACK = { IS_OFFLINE: 'true', PUBLIC_API_URL: 'http://127.0.0.1:3000' };
  const event = (routeKey: string, headers: Record<string, string>, body?: unknown) =>
    ({
      routeKey,
      rawPath: routeKey.split(' ')[1],
      headers,
      requestContext: {},
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }) as unknown as APIGatewayProxyEventV2;
  const page = event('GET /playground', { host: '127.0.0.1:3000' });

  it('answers 404 outside serverless-offline, even if the function were deployed', async () => {
    const response = await withEnv({ ...STACK, IS_OFFLINE: undefined }, () => handler(page, {} as Context));
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves the page under serverless-offline', async () => {
    const response = await withEnv(STACK, () => handler(page, {} as Context));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>chat-rooms playground</title>');
  });

  it('mints no token for a suspended tenant', async () => {
    const headers = { host: 'localhost:3000', 'content-type': 'application/json', 'x-playground': '1', origin: 'http://localhost:3000' };
    const response = await withEnv(STACK, () => handler(event(TOKEN_ROUTE, headers, { client_id: '3', role: 'admin', user_id: '1' }), {} as Context));
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'TENANT_SUSPENDED' });
    expect(response.body).not.toMatch(/token"/);
  });
});

describe('what the playground admits', () => {
  const URL = 'http://127.0.0.1:3000';
  const check = (routeKey: string, headers: Record<string, string>, publicApiUrl: string | null = URL) => {
    try {
      checkPlaygroundRequest({ routeKey, headers }, publicApiUrl ?? undefined);
      return 'admitted';
    } catch (error) {
      return `${(error as { status: number }).status} ${(error as { errors?: Array<{ path: string }> }).errors?.[0]?.path ?? ''}`.trim();
    }
  };
  const own = { 'x-playground': '1' };

  it('admits the page on any loopback name with its own port, with or without its own Origin', () => {
    for (const host of ['127.0.0.1:3000', 'localhost:3000', 'LOCALHOST:3000', '[::1]:3000']) {
      expect(check(TOKEN_ROUTE, { ...own, host })).toBe('admitted');
      expect(check(TOKEN_ROUTE, { ...own, host, origin: `http://${host.toLowerCase()}` })).toBe('admitted');
    }
    expect(check('GET /playground', { host: '127.0.0.1:3000' })).toBe('admitted');
  });

  it('refuses any other Host: a rebound DNS name, another port, none at all', () => {
    for (const host of ['evil.example', 'evil.example:3000', '127.0.0.1:3001', '127.0.0.1', 'localhost.evil.example:3000', '0.0.0.0:3000']) {
      expect({ host, result: check(TOKEN_ROUTE, { ...own, host }) }).toEqual({ host, result: '403 Host' });
      expect({ host, result: check('GET /playground/{asset}', { host }) }).toEqual({ host, result: '403 Host' });
    }
    expect(check(TOKEN_ROUTE, own)).toBe('403 Host');
  });

  it("refuses any Origin but the stack's own", () => {
    for (const origin of ['http://evil.example', 'http://127.0.0.1:3001', 'https://127.0.0.1:3000', 'null', 'http://localhost']) {
      expect({ origin, result: check(TOKEN_ROUTE, { ...own, host: '127.0.0.1:3000', origin }) }).toEqual({ origin, result: '403 Origin' });
    }
  });

  it('mints only with X-Playground: 1', () => {
    expect(check(TOKEN_ROUTE, { host: '127.0.0.1:3000' })).toBe('403 X-Playground');
    expect(check(TOKEN_ROUTE, { host: '127.0.0.1:3000', 'x-playground': 'yes' })).toBe('403 X-Playground');
  });

  it('lists received webhooks to the page only, with X-Playground: 1', () => {
    expect(check(WEBHOOK_LIST_ROUTE, { ...own, host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' })).toBe('admitted');
    expect(check(WEBHOOK_LIST_ROUTE, { host: '127.0.0.1:3000' })).toBe('403 X-Playground');
    expect(check(WEBHOOK_LIST_ROUTE, { ...own, host: 'evil.example:3000' })).toBe('403 Host');
  });

  it('takes webhook deliveries on loopback from a client that is no browser: no Origin, no Sec-Fetch-*', () => {
    expect(check(WEBHOOK_RECEIVER_ROUTE, { host: '127.0.0.1:3000', 'content-type': 'application/json', 'webhook-id': 'msg_1' })).toBe('admitted');
    // Even the page itself may not post deliveries, and a browser names itself in Sec-Fetch-* when it sends no Origin.
    expect(check(WEBHOOK_RECEIVER_ROUTE, { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' })).toBe('403 Origin');
    expect(check(WEBHOOK_RECEIVER_ROUTE, { host: '127.0.0.1:3000', 'sec-fetch-site': 'same-origin' })).toBe('403 sec-fetch-site');
    expect(check(WEBHOOK_RECEIVER_ROUTE, { host: '127.0.0.1:3000', origin: 'http://evil.example' })).toBe('403 Origin');
    expect(check(WEBHOOK_RECEIVER_ROUTE, { host: 'evil.example:3000' })).toBe('403 Host');
  });

  it("refuses everything when the stack's own address is unknown", async () => {
    expect(await withEnv({ PUBLIC_API_URL: undefined }, () => check('GET /playground', { host: '127.0.0.1:3000' }, null))).toBe('403');
  });
});
