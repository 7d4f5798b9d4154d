/**
 * The playground end to end in a real browser (Debian's Chromium through playwright-core) against
 * the test stack: the page, startChat's exchange, both panes, sending, closing and reopening,
 * errors as the API returns them, changing participants, and the API docs tab.
 * Screenshots: test/artifacts/playground-*.png.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { playgroundUrl } from '../../scripts/local/playground';
import { newId } from '../http/chatApi';
import { request, SEED_BODY, tokenFor } from '../support/api';
import { ARTIFACTS_DIRECTORY, launchChromium, type Browser } from '../support/browser';

const API_URL = () => {
  const url = process.env.API_URL;
  if (!url) throw new Error('API_URL is not set: run through jest, whose globalSetup starts the local stack');
  return url;
};

let browser: Browser;
let page: Page;
const uncaught: string[] = [];
/** Milliseconds from a click on Send to the message showing in the other pane. */
const deliveries: number[] = [];

/**
 * serverless-offline loads a function on its first request, which on a busy two-core machine can
 * take longer than the delivery deadline; a deployed function is warm after its first request too.
 * One refused request per route the page uses loads them all before anything is timed.
 */
const loadFunctions = async () => {
  const headers = { Authorization: `Bearer ${await tokenFor(1, 133, 'agent')}` };
  const room = '/api/v1/chat/rooms/000000000000000000000000';
  await Promise.all([
    request('POST', `${room}/messages`, {}, headers),
    request('GET', `${room}/messages`, undefined, headers),
    request('POST', `${room}/read`, {}, headers),
    request('POST', `${room}/close`, undefined, headers),
    request('GET', room, undefined, headers),
  ]);
};

beforeAll(async () => {
  await loadFunctions();
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (error) => uncaught.push(error.message));
}, 30_000);

afterAll(async () => {
  await browser?.close();
  if (deliveries.length) console.log(`playground: click on Send to the other pane, ms: ${deliveries.join(', ')}`);
});

const screenshot = (name: string, fullPage = true) =>
  page.screenshot({ path: path.join(ARTIFACTS_DIRECTORY, `playground-${name}.png`), fullPage });

const pane = (name: string): Locator => page.getByRole('region', { name, exact: true });
const exchange = () => page.getByRole('region', { name: 'Request and response' });

/** The pane's alert comes to match `pattern` (an earlier, other alert may show first). */
const expectAlert = async (region: Locator, pattern: RegExp) => {
  const alert = region.getByRole('alert');
  try {
    await alert.filter({ hasText: pattern }).waitFor({ timeout: 5_000 });
  } catch {
    expect(await alert.textContent()).toMatch(pattern); // fails, showing what it says instead
  }
};

const roomState = (region: Locator, state: 'open' | 'closed', timeout?: number) =>
  region.getByText(new RegExp(`^Room \\d{8} ${state}$`)).waitFor({ timeout });

const send = async (region: Locator, text: string) => {
  await region.getByRole('textbox', { name: 'Message' }).fill(text);
  await region.getByRole('button', { name: 'Send' }).click();
};

const startChat = async (orderNumber: string) => {
  await page.getByRole('textbox', { name: 'Order number' }).fill(orderNumber);
  await page.getByRole('button', { name: 'Start chat' }).click();
};

const agent = () => pane('Agent 133');
const customer = () => pane('Customer 1');
const orderNumber = newId();

describe('the playground in Chromium', () => {
  it('opens with two participants, each an accessible region with a Message box and Send', async () => {
    await page.goto(playgroundUrl(API_URL()));
    for (const region of [agent(), customer()]) {
      await region.getByRole('textbox', { name: 'Message' }).waitFor();
      await region.getByRole('button', { name: 'Send' }).waitFor();
      expect(await region.textContent()).toContain('tenant 1 (Sales Demo)');
      // Connected before anything is sent: events are pushed, never fetched afterwards.
      await region.getByText('socket: live', { exact: true }).waitFor();
    }
    expect(await page.title()).toBe('chat-rooms playground');
  });

  it('shows an API error as the API returned it', async () => {
    await startChat('0');
    await expectAlert(agent(), /^400 VALIDATION_ERROR: Request body is invalid \(order_id: .+\)$/);
    expect(await exchange().getByRole('article', { name: 'Response' }).textContent()).toContain('400 Bad Request');
  });

  it("runs the seed's startChat, shows the exact request and response, and opens the room in both panes", async () => {
    await startChat(orderNumber);
    await roomState(agent(), 'open');
    await roomState(customer(), 'open');
    expect(await agent().getByRole('alert').isHidden()).toBe(true);

    const request = exchange().getByRole('article', { name: 'Request' });
    const requestText = (await request.textContent()) ?? '';
    expect(requestText).toContain(`POST ${API_URL()}/api/v1/chat/startChat`);
    for (const header of ['Accept', 'Content-Type', 'Authorization', 'client', 'language', 'currency']) {
      expect(await request.getByRole('rowheader', { name: header, exact: true }).count()).toBe(1);
    }
    const sent = JSON.parse((await request.locator('pre').textContent()) ?? '');
    // The seed's body for the typed order; the agent names the customer.
    expect(sent).toEqual({ ...SEED_BODY, order_id: Number(orderNumber), order_user_id: '1' });

    const response = exchange().getByRole('article', { name: 'Response' });
    expect(await response.textContent()).toContain('200 OK');
    expect(await response.getByRole('rowheader', { name: 'content-type', exact: true }).count()).toBe(1);
    const received = JSON.parse((await response.locator('pre').textContent()) ?? '');
    expect(received).toMatchObject({
      message: 'Room created successfully !!!',
      status: 200,
      roomData: { order_id: orderNumber, agent_id: '133', order_user_id: '1', status: true },
    });
    await screenshot('start');
  });

  it('delivers each message to the other pane live within 2 s, where it counts as unread', async () => {
    await send(agent(), 'Hello from the agent');
    const sentAt = Date.now();
    await customer().getByRole('listitem').filter({ hasText: 'Hello from the agent' }).waitFor({ timeout: 2_000 });
    deliveries.push(Date.now() - sentAt);
    const mine = agent().getByRole('listitem').filter({ hasText: 'Hello from the agent' });
    expect(await mine.textContent()).toMatch(/^Agent 133 \(you\) \d\d:\d\d:\d\d/);
    await mine.getByRole('img', { name: 'Sent' }).waitFor();
    expect(await customer().getByRole('listitem').filter({ hasText: 'Hello from the agent' }).textContent()).toMatch(/^Agent 133 \d\d:\d\d:\d\d/);
    // The customer has not looked at their pane yet (focus is in the agent's).
    await customer().getByText('1 unread', { exact: true }).waitFor();
    await mine.getByRole('img', { name: 'Sent' }).waitFor();

    await send(customer(), 'Hi, where is my order?');
    const answeredAt = Date.now();
    await agent().getByRole('listitem').filter({ hasText: 'Hi, where is my order?' }).waitFor({ timeout: 2_000 });
    deliveries.push(Date.now() - answeredAt);
    await agent().getByText('1 unread', { exact: true }).waitFor();
  });

  it('ticks a message once the other side has read it; reading clears the unread count', async () => {
    // The customer read the agent's message when they turned to their pane to answer.
    await customer().getByText('0 unread', { exact: true }).waitFor();
    await agent().getByRole('listitem').filter({ hasText: 'Hello from the agent' }).getByRole('img', { name: 'Read' }).waitFor({ timeout: 2_000 });
    const answer = customer().getByRole('listitem').filter({ hasText: 'Hi, where is my order?' });
    await answer.getByRole('img', { name: 'Sent' }).waitFor();

    await agent().getByRole('textbox', { name: 'Message' }).click();
    await agent().getByText('0 unread', { exact: true }).waitFor();
    await answer.getByRole('img', { name: 'Read' }).waitFor({ timeout: 2_000 });
  });

  it('keeps the newest message at the bottom of both panes', async () => {
    await send(customer(), 'Second question');
    await agent().getByRole('listitem').filter({ hasText: 'Second question' }).waitFor({ timeout: 2_000 });
    // The event can reach the other pane before the sender's own 201 does.
    await customer().getByRole('listitem').filter({ hasText: 'Second question' }).waitFor({ timeout: 2_000 });
    for (const region of [agent(), customer()]) {
      const texts = await region.getByRole('listitem').locator('.text').allTextContents();
      expect(texts).toEqual(['Hello from the agent', 'Hi, where is my order?', 'Second question']);
    }
    expect(await customer().getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
    await screenshot('chat', false);
  });

  it('closes the room in both panes; sending to it shows 409 ROOM_CLOSED; reopening opens it again', async () => {
    await agent().getByRole('button', { name: 'Close room' }).click();
    await roomState(agent(), 'closed');
    await roomState(customer(), 'closed', 2_000);
    await send(agent(), 'Anyone there?');
    await expectAlert(agent(), /^409 ROOM_CLOSED: .+/);
    await screenshot('closed');

    await agent().getByRole('button', { name: 'Reopen room' }).click();
    await roomState(agent(), 'open');
    await roomState(customer(), 'open');
    await send(agent(), 'We are open again');
    await agent().getByRole('listitem').filter({ hasText: 'We are open again' }).waitFor();
    expect(await agent().getByRole('alert').isHidden()).toBe(true);
  });

  it('changes participants from the form (tenant, role, user id)', async () => {
    await page.getByText('Change participants').click();
    const right = page.getByRole('group', { name: 'Right pane' });
    await right.getByRole('combobox', { name: 'Role' }).selectOption('vendor');
    await right.getByRole('textbox', { name: 'User id' }).fill('7');
    await page.getByRole('button', { name: 'Use these participants' }).click();
    const vendor = pane('Vendor 7');
    await vendor.waitFor();

    await startChat(orderNumber);
    const request = exchange().getByRole('article', { name: 'Request' }).locator('pre');
    await request.filter({ hasText: 'agent-to-vendor' }).waitFor({ timeout: 2_000 });
    await roomState(agent(), 'open');
    await roomState(vendor, 'open');
    const sent = JSON.parse((await request.textContent()) ?? '');
    expect(sent).toMatchObject({ type: 'agent-to-vendor', vendor_user_id: '7', order_id: Number(orderNumber) });
  });

  it('opens the API docs in a second tab, rendered from the OpenAPI document the API serves', async () => {
    const [docs] = await Promise.all([browser.context.waitForEvent('page'), page.getByRole('link', { name: 'API docs' }).click()]);
    await docs.getByText('/api/v1/chat/startChat', { exact: true }).waitFor({ timeout: 20_000 });
    expect(new URL(docs.url()).pathname).toBe('/playground/docs');
    // The document is the API's own, as served at GET /api/v1/openapi.json.
    await docs.getByText('/api/v1/openapi.json').first().waitFor();
    // Below it, the WebSocket API from the AsyncAPI document the API serves.
    const events = docs.getByRole('region', { name: 'WebSocket API reference' });
    await events.getByRole('article', { name: 'message.created' }).waitFor({ timeout: 20_000 });
    expect(await events.getByRole('article').count()).toBe(7);
    await events.screenshot({ path: path.join(ARTIFACTS_DIRECTORY, 'playground-docs-events.png') });
    await docs.screenshot({ path: path.join(ARTIFACTS_DIRECTORY, 'playground-docs.png') });
    await docs.close();
  });

  it('raised no uncaught error in the page', () => {
    expect(uncaught).toEqual([]);
  });
});
