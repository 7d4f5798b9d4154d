/**
 * The playground's sockets in Chromium against the test stack: a socket the API refuses for good
 * (an expired token, a suspended tenant) stops and says why in its pane, while one that merely
 * dropped reconnects. The page's clock is faked, so the backoff's minutes pass at once.
 * Screenshot: test/artifacts/playground-socket-refused.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { playgroundUrl } from '../../scripts/local/playground';
import { tokenFor } from '../support/api';
import { ARTIFACTS_DIRECTORY, launchChromium, type Browser } from '../support/browser';
import { API_URL, checkPageResponses, paneOf } from './playgroundPage';

let browser: Browser;
let contract: ReturnType<typeof checkPageResponses>;
const uncaught: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  contract = checkPageResponses(browser.context);
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

/**
 * A page whose right pane (Customer 1) holds `refusedToken` instead of the one the stack minted,
 * as a page does when its token expired or its tenant was suspended after it loaded. Counts the
 * socket attempts made with that token.
 */
const pageWithRefusedToken = async (refusedToken: string) => {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => uncaught.push(error.message));
  await page.clock.install();
  await page.route('**/playground/tokens', async (route) => {
    const asked = route.request().postDataJSON() as { role: string };
    const response = await route.fetch();
    const minted = await response.json();
    await route.fulfill({ response, json: asked.role === 'user' ? { ...minted, token: refusedToken } : minted });
  });
  const refusedAttempts: string[] = [];
  page.on('websocket', (socket) => {
    if (new URL(socket.url()).searchParams.get('token') === refusedToken) refusedAttempts.push(socket.url());
  });
  return { page, refusedAttempts };
};

/** Lets the page's faked clock run, a second at a time, until `done` (real time bounded by a deadline). */
const runClockUntil = async (page: Page, done: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 15_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Still waiting for ${what}`);
    await page.clock.runFor(1_000);
  }
};

describe('the playground socket in Chromium', () => {
  // Before the global afterEach that fails a test on a contract violation.
  afterEach(() => contract.settle());

  it('stops retrying a socket whose token has expired and says why in its pane; a socket that dropped reconnects', async () => {
    const expired = await tokenFor(1, 1, 'user', -60);
    const { page, refusedAttempts } = await pageWithRefusedToken(expired);
    // The agent's first connection drops at once, as when the stack restarts: that one is retried.
    let agentAttempts = 0;
    await page.routeWebSocket(
      (url) => url.searchParams.get('token') !== expired,
      (socket) => {
        agentAttempts += 1;
        if (agentAttempts === 1) void socket.close();
        else socket.connectToServer();
      },
    );
    await page.goto(playgroundUrl(API_URL()));
    const customer = paneOf(page, 'Customer 1');
    const agent = paneOf(page, 'Agent 133');

    await customer.getByText('socket: refused', { exact: true }).waitFor({ timeout: 10_000 });
    const why = customer.getByRole('alert');
    expect(await why.allTextContents()).toEqual([
      expect.stringMatching(/^The socket was refused and is not retried: 401 TOKEN_EXPIRED: .+\. Reload the page for fresh tokens\.$/),
    ]);
    await runClockUntil(page, () => agent.getByText('socket: live', { exact: true }).isVisible(), "the agent's socket to reconnect");
    expect(agentAttempts).toBe(2);

    // Minutes of backoff later (it would have tried again every 30 s), still the one attempt.
    await page.clock.runFor(3 * 60_000);
    expect(refusedAttempts).toHaveLength(1);
    expect(await customer.getByText('socket: refused', { exact: true }).isVisible()).toBe(true);
    expect(await agent.getByText('socket: live', { exact: true }).isVisible()).toBe(true);
    expect(await agent.getByRole('alert').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS_DIRECTORY, 'playground-socket-refused.png') });
    await page.close();
  });

  it("stops retrying a socket whose tenant is suspended and says why, without suggesting a reload", async () => {
    // Tenant 3 (closedshop) is suspended: the API refuses its tokens with 403.
    const { page, refusedAttempts } = await pageWithRefusedToken(await tokenFor(3, 1, 'user'));
    await page.goto(playgroundUrl(API_URL()));
    const customer = paneOf(page, 'Customer 1');
    await customer.getByText('socket: refused', { exact: true }).waitFor({ timeout: 10_000 });
    expect(await customer.getByRole('alert').allTextContents()).toEqual([
      expect.stringMatching(/^The socket was refused and is not retried: 403 TENANT_SUSPENDED: [^]+\.$/),
    ]);
    expect(await customer.getByRole('alert').textContent()).not.toContain('Reload');
    await page.clock.runFor(3 * 60_000);
    expect(refusedAttempts).toHaveLength(1);
    await page.close();
  });

  it('raised no uncaught error in the pages', () => {
    expect(uncaught).toEqual([]);
  });
});
