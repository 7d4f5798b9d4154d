/**
 * Files in the playground, in Chromium against the test stack: a file attached in the agent's pane
 * gets its form from the API, goes straight to the local S3 and is sent; an image then shows as a
 * thumbnail that loads in both panes (and again after a reload, from the listing's fresh URLs), a
 * PDF as a link named after it that downloads it, and an SVG is refused by the API as it says,
 * with nothing sent. The page's policy admits the local S3 and nothing else: a violation would
 * show on the console and fail the test. Every API response the page gets is held to the OpenAPI
 * document. Screenshot: test/artifacts/playground-attachments.png.
 */
import path from 'node:path';
import type { Locator, Page, Request } from 'playwright-core';
import { playgroundUrl } from '../../scripts/local/playground';
import { newId } from '../http/chatApi';
import { download, PDF, PNG, SVG } from '../support/attachments';
import { ARTIFACTS_DIRECTORY, launchChromium, type Browser } from '../support/browser';
import { API_URL, checkPageResponses, expectAlert, paneOf, roomState, startChat } from './playgroundPage';

let browser: Browser;
let page: Page;
let contract: ReturnType<typeof checkPageResponses>;
const uncaught: string[] = [];
const policyViolations: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  contract = checkPageResponses(browser.context);
  page = await browser.context.newPage();
  page.on('pageerror', (error) => uncaught.push(error.message));
  // Chromium reports each request the page's policy blocks on the console.
  page.on('console', (message) => void (message.text().includes('Content Security Policy') && policyViolations.push(message.text())));
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

const [agentId, customerId] = [newId(), newId()];
const agent = (): Locator => paneOf(page, `Agent ${agentId}`);
const customer = (): Locator => paneOf(page, `Customer ${customerId}`);
const s3Origin = (): string => new URL(process.env.AWS_ENDPOINT_URL_S3!).origin;

/** Chooses a file through the pane's Attach button, as a person would in the file dialog. */
const attach = async (region: Locator, file: { name: string; mimeType: string; buffer: Buffer }) => {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), region.getByRole('button', { name: 'Attach' }).click()]);
  await chooser.setFiles(file);
};

/** The message the page sends when Send is clicked: its request body and the 201's messageData. */
const sendShown = async (region: Locator) => {
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => candidate.request().method() === 'POST' && candidate.url().endsWith('/messages')),
    region.getByRole('button', { name: 'Send' }).click(),
  ]);
  expect(response.status()).toBe(201);
  return { sent: response.request().postDataJSON(), message: (await response.json()).messageData };
};

/** The thumbnail's pixel width once the browser has decoded it (decode() rejects for an image that did not load). */
const decodedWidth = (image: Locator) =>
  image.evaluate(async (element) => {
    // An <img> (the tests' types leave out the DOM's image element).
    const decoded = element as unknown as { decode(): Promise<void>; naturalWidth: number };
    await decoded.decode();
    return decoded.naturalWidth;
  });

const messagesPosted = (requests: Request[]) => requests.filter((request) => request.method() === 'POST' && request.url().endsWith('/messages'));

describe('attachments in the playground', () => {
  // Before the global afterEach that fails a test on a contract violation.
  afterEach(() => contract.settle());

  it('has an Attach button in each pane, and a page policy naming the local S3 for uploads and images', async () => {
    const [response] = await Promise.all([page.waitForResponse((candidate) => new URL(candidate.url()).pathname === '/playground'), page.goto(`${playgroundUrl(API_URL())}?left=1.agent.${agentId}&right=1.user.${customerId}`)]);
    const policy = Object.fromEntries(
      (await response.headerValue('content-security-policy'))!.split('; ').map((directive) => {
        const [name, ...sources] = directive.split(' ');
        return [name, sources];
      }),
    );
    expect(policy['connect-src']).toEqual(["'self'", expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/), s3Origin()]);
    expect(policy['img-src']).toEqual(["'self'", 'data:', s3Origin()]);
    expect(policy['form-action']).toEqual(["'self'"]);
    for (const region of [agent(), customer()]) {
      await region.getByRole('button', { name: 'Attach' }).waitFor();
      await region.getByText('socket: live', { exact: true }).waitFor();
    }
    await startChat(page, newId());
    await roomState(agent(), 'open');
    await roomState(customer(), 'open');
  });

  it('sends a PNG on its own: a thumbnail that loads in both panes, and again after a reload', async () => {
    await attach(agent(), { name: 'door.png', mimeType: 'image/png', buffer: PNG });
    await agent().getByRole('group', { name: 'Files to send' }).getByText('ready').waitFor({ timeout: 10_000 });
    const { sent, message } = await sendShown(agent());
    // No text: the file alone is the message.
    expect(sent).toEqual({ attachments: [message.attachments[0]._id], client_message_id: expect.any(String) });
    expect(message.attachments).toEqual([expect.objectContaining({ name: 'door.png', content_type: 'image/png', size: PNG.length })]);
    await agent().getByRole('group', { name: 'Files to send' }).waitFor({ state: 'hidden' });

    for (const region of [agent(), customer()]) {
      const thumbnail = region.getByRole('listitem').getByRole('img', { name: 'door.png' });
      await thumbnail.waitFor({ timeout: 5_000 });
      expect(new URL((await thumbnail.getAttribute('src'))!).origin).toBe(s3Origin());
      expect(await decodedWidth(thumbnail)).toBeGreaterThan(0);
    }
    await page.reload();
    for (const region of [agent(), customer()]) {
      const thumbnail = region.getByRole('listitem').getByRole('img', { name: 'door.png' });
      await thumbnail.waitFor({ timeout: 5_000 });
      expect(await decodedWidth(thumbnail)).toBeGreaterThan(0);
    }
  });

  it('sends a PDF with text: a link named after the file in both panes, which downloads it', async () => {
    await attach(agent(), { name: 'receipt.pdf', mimeType: 'application/pdf', buffer: PDF });
    await agent().getByRole('textbox', { name: 'Message' }).fill('Your receipt');
    // Sent at once, without waiting for the file to show as ready: Send waits for an upload still on its way.
    const { sent, message } = await sendShown(agent());
    expect(sent).toEqual({ text: 'Your receipt', attachments: [message.attachments[0]._id], client_message_id: expect.any(String) });

    for (const region of [agent(), customer()]) {
      const item = region.getByRole('listitem').filter({ hasText: 'Your receipt' });
      const link = item.getByRole('link', { name: 'receipt.pdf', exact: true });
      await link.waitFor({ timeout: 5_000 });
      const file = await download((await link.getAttribute('href'))!);
      expect(file).toMatchObject({ status: 200, contentType: 'application/pdf', disposition: expect.stringMatching(/^attachment; filename="receipt\.pdf"/) });
      expect(file.bytes.equals(PDF)).toBe(true);
      // No thumbnail for a PDF (the tick is the item's only image role).
      expect(await item.locator('img').count()).toBe(0);
    }
    await page.screenshot({ path: path.join(ARTIFACTS_DIRECTORY, 'playground-attachments.png'), fullPage: false });
  });

  it("shows the API's refusal of an SVG and sends nothing", async () => {
    const before = await customer().getByRole('listitem').count();
    const requests: Request[] = [];
    const record = (request: Request) => void requests.push(request);
    page.on('request', record);
    try {
      await attach(agent(), { name: 'map.svg', mimeType: 'image/svg+xml', buffer: SVG });
      await expectAlert(agent(), /^400 VALIDATION_ERROR: .+ \(content_type: .+\)$/);
      await agent().getByRole('group', { name: 'Files to send' }).waitFor({ state: 'hidden' });
      // Send has nothing to send: no text, no file.
      await agent().getByRole('button', { name: 'Send' }).click();
      await agent().getByRole('textbox', { name: 'Message' }).fill('After the refusal');
      await agent().getByRole('button', { name: 'Send' }).click();
      await customer().getByRole('listitem').filter({ hasText: 'After the refusal' }).waitFor({ timeout: 5_000 });
    } finally {
      page.off('request', record);
    }
    // The one message sent is the text; the SVG never reached S3.
    expect(messagesPosted(requests).map((request) => request.postDataJSON())).toEqual([{ text: 'After the refusal', client_message_id: expect.any(String) }]);
    expect(requests.filter((request) => new URL(request.url()).origin === s3Origin() && request.method() === 'POST')).toEqual([]);
    expect(await customer().getByRole('listitem').count()).toBe(before + 1);
  });

  it('raised no uncaught error and no policy violation in the page', () => {
    expect(uncaught).toEqual([]);
    expect(policyViolations).toEqual([]);
  });
});
