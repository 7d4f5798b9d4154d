/**
 * The playground's Webhooks panel in Chromium against the test stack: for tenant 2 (which the test
 * stack registers to the local receiver), a message sent from a pane shows up as the tenant's
 * backend received it, verified ✓, with its webhook-id and attempt, and closing the room adds
 * room.closed; for tenant 1 (not registered here) the panel says how to register an endpoint.
 * Screenshot: test/artifacts/playground-webhooks.png.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { WEBHOOK_EVENT_TYPES } from '../../lib/webhooks/events';
import { webhookIdOf } from '../../lib/webhooks/payload';
import { playgroundUrl } from '../../scripts/local/playground';
import { localWebhookUrl } from '../../scripts/local/seed';
import { newId } from '../http/chatApi';
import { ARTIFACTS_DIRECTORY, type Browser } from '../support/browser';
import { PLAYGROUND_WEBHOOK_TENANT } from '../support/localStack';
import { API_URL, checkPageResponses, launchPlayground, paneOf, roomState, send, startChat } from './playgroundPage';

let browser: Browser;
let page: Page;
let contract: ReturnType<typeof checkPageResponses>;
const uncaught: string[] = [];

beforeAll(async () => {
  ({ browser, contract, page } = await launchPlayground(uncaught));
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

const panel = (): Locator => page.getByRole('region', { name: 'Webhooks', exact: true });

/** The panel's row of one delivery, once it shows, as its cells read. */
const rowOf = async (webhookId: string, attempt = 1): Promise<string[]> => {
  const row = panel()
    .getByRole('row')
    .filter({ hasText: webhookId })
    .filter({ has: page.getByRole('cell', { name: String(attempt), exact: true }) });
  await row.waitFor({ timeout: 30_000 });
  return (await row.getByRole('cell').allInnerTexts()).map((text) => text.trim());
};

describe('the Webhooks panel in Chromium', () => {
  // Before the global afterEach that fails a test on a contract violation.
  afterEach(() => contract.settle());

  it("lists what tenant 2's backend receives: the message sent, then the room closed, each verified ✓ on its first attempt", async () => {
    const tenant = PLAYGROUND_WEBHOOK_TENANT;
    const [agentId, customerId] = [newId(), newId()];
    await page.goto(`${playgroundUrl(API_URL())}?left=${tenant}.agent.${agentId}&right=${tenant}.user.${customerId}`);
    const agent = paneOf(page, `Agent ${agentId}`);
    await agent.getByText('socket: live', { exact: true }).waitFor();
    await panel().getByText(`Tenant ${tenant} sends every event to ${localWebhookUrl(API_URL(), tenant)}`).waitFor();

    await startChat(page, newId());
    await roomState(agent, 'open');
    const [sent] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith('/messages')),
      send(agent, 'Your parcel is at the door'),
    ]);
    const messageId = ((await sent.json()) as { messageData: { _id: string } }).messageData._id;
    const created = webhookIdOf(`message.created:${messageId}`);
    expect(await rowOf(created)).toEqual(['✓', 'message.created', created, '1', expect.stringMatching(/\d/), 'show']);

    const [closed] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith('/close')),
      agent.getByRole('button', { name: 'Close room' }).click(),
    ]);
    const room = ((await closed.json()) as { roomData: { _id: string; updated_date: string } }).roomData;
    const closing = webhookIdOf(`room.closed:${room._id}:${room.updated_date}`);
    expect(await rowOf(closing)).toEqual(['✓', 'room.closed', closing, '1', expect.stringMatching(/\d/), 'show']);

    // The body as the backend got it, opened from its row.
    const row = panel().getByRole('row').filter({ hasText: created });
    await row.getByText('show', { exact: true }).click();
    expect(JSON.parse((await row.locator('pre').textContent()) ?? '')).toMatchObject({
      type: 'message.created',
      data: { event_id: `message.created:${messageId}`, messageData: { text: 'Your parcel is at the door' } },
    });
    await page.screenshot({ path: path.join(ARTIFACTS_DIRECTORY, 'playground-webhooks.png'), fullPage: true });
    expect(uncaught).toEqual([]);
  });

  it('tells how to register an endpoint for a tenant with none at the receiver (tenant 1 on the test stack)', async () => {
    await page.goto(playgroundUrl(API_URL()));
    await panel().getByText('Tenant 1 has no endpoint at this receiver').waitFor();
    // Other tests may have posted deliveries to tenant 1's receiver list: the hint is the code naming the command.
    expect(await panel().locator('code', { hasText: 'npm run tenant -- webhook add' }).textContent()).toBe(
      `npm run tenant -- webhook add 1 --url '${localWebhookUrl(API_URL(), '1')}' --events ${WEBHOOK_EVENT_TYPES.join(',')}`,
    );
    expect(uncaught).toEqual([]);
  });
});
