/**
 * A web page the developer visits while the local stack runs, in a real browser: served from
 * another origin on this machine, it tries what the stack must refuse. It gets no playground
 * token, reads no answer, runs no function through the invoke port, and cannot reach
 * serverless-offline's own ports around the gates (they are ports browsers refuse).
 */
import { randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, Request } from 'playwright-core';
import { BROWSER_BLOCKED_PORTS, freeBrowserBlockedPorts } from '../../scripts/local/ports';
import { queryConnections } from '../../lib/store/connections';
import { launchChromium, type Browser } from '../support/browser';

const envUrl = (name: 'API_URL' | 'LAMBDA_URL'): string => {
  const url = process.env[name];
  if (!url) throw new Error(`${name} is not set: run through jest, whose globalSetup starts the local stack`);
  return url;
};

let browser: Browser;
let page: Page;
let site: http.Server;
let siteUrl: string;

beforeAll(async () => {
  // The "other site": any page on an origin that is not the stack's own.
  site = http.createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>elsewhere</title>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(siteUrl);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
});

/** fetch() from the other site's page: the body it could read, or how the browser stopped it. */
const fetchFromPage = (url: string, init: { method: string; headers?: Record<string, string>; body?: string; mode?: 'cors' | 'no-cors' }) =>
  page.evaluate(
    async ({ url, init }) => {
      try {
        const response = await fetch(url, init);
        return { read: response.type === 'opaque' ? 'opaque' : await response.text() };
      } catch (error) {
        return { blocked: String(error) };
      }
    },
    { url, init },
  );

describe('a page on another origin, while the local stack runs', () => {
  it('gets no playground token, with the header or without it', async () => {
    const body = JSON.stringify({ client_id: 1, role: 'admin', user_id: '1' });
    const withHeader = await fetchFromPage(`${envUrl('API_URL')}/playground/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Playground': '1' },
      body,
    });
    // A simple request (no preflight): sent, refused by the route, and its answer unreadable.
    const simple = await fetchFromPage(`${envUrl('API_URL')}/playground/tokens`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body });
    expect(withHeader).toEqual({ blocked: expect.stringContaining('Failed to fetch') });
    expect(simple).toEqual({ blocked: expect.stringContaining('Failed to fetch') });
  });

  it("reads nothing of the stack's answers", async () => {
    expect(await fetchFromPage(`${envUrl('API_URL')}/playground/config.json`, { method: 'GET' })).toEqual({ blocked: expect.stringContaining('Failed to fetch') });
  });

  it('runs no function through the invoke port', async () => {
    const userId = String(randomInt(10_000_000, 2 ** 40));
    const event = {
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', connectionId: `page${userId}=`, authorizer: { client_id: '1', role: 'agent', user_id: userId, exp: '9999999999' } },
    };
    await fetchFromPage(`${envUrl('LAMBDA_URL')}/2015-03-31/functions/chat-rooms-local-wsConnect/invocations`, {
      method: 'POST',
      mode: 'no-cors',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify(event),
    });
    expect(await queryConnections({ clientId: '1' }, 'agent', userId)).toEqual([]);
  });

  it("cannot reach serverless-offline's internal ports at all", async () => {
    // A server on one of them, as offline listens (another stack starting may take the port first).
    const internal = http.createServer((_request, response) => response.end('reached'));
    let port = 0;
    for (let tries = 0; !port && tries < 5; tries++) {
      const [candidate] = await freeBrowserBlockedPorts(1);
      port = await new Promise<number>((resolve) => {
        internal.once('error', () => resolve(0));
        internal.listen(candidate, '127.0.0.1', () => resolve(candidate!));
      });
    }
    expect(port).toBeGreaterThan(0);
    try {
      expect(await fetchFromPage(`http://127.0.0.1:${port}/`, { method: 'POST', mode: 'no-cors', body: '{}' })).toEqual({ blocked: expect.stringContaining('Failed to fetch') });
      // Every port the stack may choose is one the browser refuses before it connects.
      const failures = new Map<string, string | undefined>();
      const onFailed = (request: Request) => failures.set(new URL(request.url()).port, request.failure()?.errorText);
      page.on('requestfailed', onFailed);
      try {
        for (const blocked of BROWSER_BLOCKED_PORTS) await fetchFromPage(`http://127.0.0.1:${blocked}/`, { method: 'GET', mode: 'no-cors' });
      } finally {
        page.off('requestfailed', onFailed);
      }
      expect(Object.fromEntries(BROWSER_BLOCKED_PORTS.map((blocked) => [blocked, failures.get(String(blocked))]))).toEqual(
        Object.fromEntries(BROWSER_BLOCKED_PORTS.map((blocked) => [blocked, 'net::ERR_UNSAFE_PORT'])),
      );
    } finally {
      await new Promise<void>((resolve) => internal.close(() => resolve()));
    }
  });
});
