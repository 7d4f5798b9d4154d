/**
 * The playground end to end in a real browser (Debian's Chromium through playwright-core) against
 * the test stack: the page, startChat's exchange, both panes, sending, closing and reopening,
 * errors as the API returns them, the conversation kept in the address across a reload, the order
 * fields, changing participants (one tenant per pair), and the API docs tab. Every API response the
 * page receives is held to the OpenAPI document. The socket's refusals: playgroundSocket.test.ts.
 * Screenshots: test/artifacts/playground-*.png (playground-chat.png is the one docs/playground.png shows).
 */
import { randomInt } from 'node:crypto';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { playgroundUrl } from '../../scripts/local/playground';
import { newId } from '../http/chatApi';
import { get, request, SEED_BODY, tokenFor } from '../support/api';
import { ARTIFACTS_DIRECTORY, type Browser } from '../support/browser';
import { API_URL, checkPageResponses, expectAlert, launchPlayground, paneOf, roomState, send, startChat as startChatOn } from './playgroundPage';

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

let contract: ReturnType<typeof checkPageResponses>;

beforeAll(async () => {
  await loadFunctions();
  ({ browser, contract, page } = await launchPlayground(uncaught));
}, 30_000);

afterAll(async () => {
  await browser?.close();
  if (deliveries.length) console.log(`playground: click on Send to the other pane, ms: ${deliveries.join(', ')}`);
});

const screenshot = (name: string, fullPage = true) =>
  page.screenshot({ path: path.join(ARTIFACTS_DIRECTORY, `playground-${name}.png`), fullPage });

const pane = (name: string): Locator => paneOf(page, name);
const exchange = () => page.getByRole('region', { name: 'Request and response' });
const startChat = (order: string, orderNumber?: string) => startChatOn(page, order, orderNumber);
const addressOf = () => Object.fromEntries(new URL(page.url()).searchParams);

/** What a pane shows: its participant, room line, unread badge and every message (sender, time, tick, text). */
const shown = async (region: Locator) => ({
  title: await region.getByRole('heading').first().textContent(),
  room: await region.getByText(/^Room \d{8} (open|closed)$/).textContent(),
  unread: await region.getByText(/^\d+ unread$/).textContent(),
  messages: await region.getByRole('listitem').allTextContents(),
});

const agent = () => pane('Agent 133');
const customer = () => pane('Customer 1');
/** The conversation's order (its order_id); the API picks the room's number. */
const orderId = newId();

describe('the playground in Chromium', () => {
  // Before the global afterEach that fails a test on a contract violation.
  afterEach(() => contract.settle());

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
    // The address names the panes, so a reload keeps them.
    expect(addressOf()).toEqual({ left: '1.agent.133', right: '1.user.1' });
  });

  it('shows an API error as the API returned it', async () => {
    await startChat('0');
    await expectAlert(agent(), /^400 VALIDATION_ERROR: Request body is invalid \(order_id: .+\)$/);
    expect(await exchange().getByRole('article', { name: 'Response' }).textContent()).toContain('400 Bad Request');
  });

  it("runs the seed's startChat, shows the exact request and response, and opens the room in both panes", async () => {
    await startChat(orderId);
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
    expect(sent).toEqual({ ...SEED_BODY, order_id: Number(orderId), order_user_id: '1' });

    const response = exchange().getByRole('article', { name: 'Response' });
    expect(await response.textContent()).toContain('200 OK');
    expect(await response.getByRole('rowheader', { name: 'content-type', exact: true }).count()).toBe(1);
    const received = JSON.parse((await response.locator('pre').textContent()) ?? '');
    // The whole body shows: the box grows with it (no inner scrolling), so a full-page screenshot has all of it.
    expect(await response.locator('pre').evaluate((box) => box.scrollHeight - box.clientHeight)).toBeLessThanOrEqual(1);
    expect(received).toMatchObject({
      message: 'Room created successfully !!!',
      status: 200,
      roomData: { order_id: orderId, agent_id: '133', order_user_id: '1', status: true },
    });
    await screenshot('start');
    expect(addressOf()).toEqual({ left: '1.agent.133', right: '1.user.1', order_id: orderId, room: received.roomData._id });
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

  it('keeps the room, the participants and the order in the address: a reload shows the same conversation', async () => {
    const before = { agent: await shown(agent()), customer: await shown(customer()), address: page.url() };
    expect(before.agent.unread).toBe('1 unread');
    await page.reload();
    await roomState(agent(), 'open');
    await roomState(customer(), 'open');
    // The unread counts are worked out afresh, from the room as each participant sees it.
    expect({ agent: await shown(agent()), customer: await shown(customer()), address: page.url() }).toEqual(before);
    expect(await page.getByRole('textbox', { name: 'Order id' }).inputValue()).toBe(orderId);
    for (const region of [agent(), customer()]) await region.getByText('socket: live', { exact: true }).waitFor();
  });

  it('closes the room in both panes; sending to it shows 409 ROOM_CLOSED; reopening opens it again', async () => {
    await agent().getByRole('button', { name: 'Close room' }).click();
    await roomState(agent(), 'closed');
    await roomState(customer(), 'closed', 2_000);
    await send(agent(), 'Anyone there?');
    await expectAlert(agent(), /^409 ROOM_CLOSED: .+/);
    // The error line is inset from the pane's edges like the messages and the composer.
    const inset = await agent().getByRole('alert').evaluate((line) => {
      const style = line.ownerDocument.defaultView!.getComputedStyle(line);
      return Math.min(parseFloat(style.paddingLeft), parseFloat(style.paddingRight));
    });
    expect(inset).toBeGreaterThanOrEqual(8);
    await screenshot('closed');

    await agent().getByRole('button', { name: 'Reopen room' }).click();
    await roomState(agent(), 'open');
    await roomState(customer(), 'open');
    await send(agent(), 'We are open again');
    await agent().getByRole('listitem').filter({ hasText: 'We are open again' }).waitFor();
    expect(await agent().getByRole('alert').isHidden()).toBe(true);
  });

  it('refuses a pair from two tenants in the form, saying why, and asks the stack for nothing', async () => {
    await page.getByText('Change participants').click();
    const right = page.getByRole('group', { name: 'Right pane' });
    const tokenRequests: string[] = [];
    const count = (sent: { url(): string }) => void (sent.url().includes('/playground/tokens') && tokenRequests.push(sent.url()));
    page.on('request', count);
    try {
      await right.getByRole('combobox', { name: 'Tenant' }).selectOption('2');
      const reason = page.getByRole('alert').filter({ hasText: /^Both participants must belong to the same tenant: the left pane's is tenant 1, the right pane's tenant 2/ });
      await reason.waitFor({ timeout: 2_000 });
      await page.getByRole('button', { name: 'Use these participants' }).click();
      await reason.waitFor();
      await customer().getByText('socket: live', { exact: true }).waitFor();
      expect(tokenRequests).toEqual([]);
      expect(addressOf()).toMatchObject({ left: '1.agent.133', right: '1.user.1' });
    } finally {
      page.off('request', count);
    }
    await right.getByRole('combobox', { name: 'Tenant' }).selectOption('1');
    await page.getByRole('alert').filter({ hasText: 'Both participants' }).waitFor({ state: 'hidden', timeout: 2_000 });
  });

  it('changes participants from the form (tenant, role, user id); the new participant starts with their own unread count', async () => {
    // The customer has not read the agent's last message.
    await customer().getByText('1 unread', { exact: true }).waitFor();
    const right = page.getByRole('group', { name: 'Right pane' });
    await right.getByRole('combobox', { name: 'Role' }).selectOption('vendor');
    await right.getByRole('textbox', { name: 'User id' }).fill('7');
    await page.getByRole('button', { name: 'Use these participants' }).click();
    const vendor = pane('Vendor 7');
    await vendor.waitFor();
    // Not the customer's badge: the vendor has nothing unread (and is no participant of the customer's room).
    await vendor.getByText('0 unread', { exact: true }).waitFor({ timeout: 2_000 });
    expect(addressOf()).toMatchObject({ left: '1.agent.133', right: '1.vendor.7' });

    await startChat(orderId);
    const request = exchange().getByRole('article', { name: 'Request' }).locator('pre');
    await request.filter({ hasText: 'agent-to-vendor' }).waitFor({ timeout: 2_000 });
    await roomState(agent(), 'open');
    await roomState(vendor, 'open');
    const sent = JSON.parse((await request.textContent()) ?? '');
    expect(sent).toMatchObject({ type: 'agent-to-vendor', vendor_user_id: '7', order_id: Number(orderId) });

    // The address keeps the new pair and their room.
    await send(agent(), 'Hello vendor');
    await vendor.getByRole('listitem').filter({ hasText: 'Hello vendor' }).waitFor({ timeout: 2_000 });
    const before = await shown(vendor);
    expect(before.unread).toBe('1 unread');
    await page.reload();
    await roomState(vendor, 'open');
    expect(await shown(vendor)).toEqual(before);
    await roomState(agent(), 'open');
  });

  it('sends Order number as order_number, which becomes the room number; one another order holds is refused as the API says', async () => {
    const number = String(randomInt(10_000_000, 100_000_000));
    const order = newId();
    await startChat(order, number);
    await roomState(agent(), 'open', 5_000, number);
    await roomState(pane('Vendor 7'), 'open', 5_000, number);
    const request = exchange().getByRole('article', { name: 'Request' }).locator('pre');
    expect(JSON.parse((await request.textContent()) ?? '')).toMatchObject({ order_id: Number(order), order_number: number });
    expect(addressOf()).toMatchObject({ order_id: order, order_number: number });

    await startChat(newId(), number);
    await expectAlert(agent(), /^409 ORDER_NUMBER_TAKEN: .+ \(order_number: is already the number of another order\)$/);
    expect(await exchange().getByRole('article', { name: 'Response' }).textContent()).toContain('409 Conflict');
    // The room shown is still the one that holds the number.
    await roomState(agent(), 'open', undefined, number);
  });

  it('does not use an address naming participants of two tenants: it says why and shows the defaults', async () => {
    await page.goto(`${playgroundUrl(API_URL())}?left=1.agent.133&right=2.user.1`);
    await page
      .getByRole('alert')
      .filter({ hasText: /^The address's participants were not used: Both participants must belong to the same tenant: .+\.$/ })
      .waitFor();
    await customer().getByText('socket: live', { exact: true }).waitFor();
    expect(addressOf()).toEqual({ left: '1.agent.133', right: '1.user.1' });
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
    // One article per frame: each operation's messages and the replies it may get.
    const asyncApi = (await get('/api/v1/asyncapi.json')).json as { operations: Record<string, { messages: unknown[]; reply?: { messages: unknown[] } }> };
    const frames = Object.values(asyncApi.operations).reduce((sum, operation) => sum + operation.messages.length + (operation.reply?.messages.length ?? 0), 0);
    expect(await events.getByRole('article').count()).toBe(frames);
    await events.screenshot({ path: path.join(ARTIFACTS_DIRECTORY, 'playground-docs-events.png') });
    await docs.screenshot({ path: path.join(ARTIFACTS_DIRECTORY, 'playground-docs.png') });
    await docs.close();
  });

  it('raised no uncaught error in the page', () => {
    expect(uncaught).toEqual([]);
  });
});
