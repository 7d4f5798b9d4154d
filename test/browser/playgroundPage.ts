/** What the playground's browser tests share: the stack's address, the page's parts by role, the contract check. */
import type { BrowserContext, Locator, Page, Response } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { assertHttpContract } from '../support/contract';

export const API_URL = (): string => {
  const url = process.env.API_URL;
  if (!url) throw new Error('API_URL is not set: run through jest, whose globalSetup starts the local stack');
  return url;
};

/**
 * Holds every API response the page receives to the OpenAPI document, as the shared HTTP helpers
 * do (test/support/contract.ts records a violation for contractHooks' afterEach). `settle` waits
 * for the checks still reading bodies; call it in an afterEach inside the describe block, which
 * runs before the global one.
 */
export const checkPageResponses = (context: BrowserContext) => {
  const pending = new Set<Promise<void>>();
  const check = async (response: Response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/api/')) return;
    let text: string;
    try {
      text = await response.text();
    } catch {
      return; // the page went away before the body was read
    }
    try {
      assertHttpContract({ method: response.request().method(), path: url.pathname + url.search, status: response.status(), headers: await response.allHeaders(), text });
    } catch {
      // recorded; the afterEach fails the test
    }
  };
  context.on('response', (response) => {
    const checked = check(response).finally(() => pending.delete(checked));
    pending.add(checked);
  });
  return { settle: async () => void (await Promise.all(pending)) };
};

/** Chromium with its responses held to the contract, and a page whose uncaught errors go to `uncaught`. */
export const launchPlayground = async (uncaught: string[]) => {
  const browser = await launchChromium();
  const contract = checkPageResponses(browser.context);
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => uncaught.push(error.message));
  return { browser, contract, page };
};

export const paneOf = (page: Page, name: string): Locator => page.getByRole('region', { name, exact: true });

/** The pane's API-error alert comes to match `pattern` (an earlier, other alert may show first). */
export const expectAlert = async (region: Locator, pattern: RegExp): Promise<void> => {
  const alert = region.getByRole('alert');
  try {
    await alert.filter({ hasText: pattern }).waitFor({ timeout: 5_000 });
  } catch {
    expect(await alert.allTextContents()).toEqual([expect.stringMatching(pattern)]); // fails, showing what it says instead
  }
};

export const roomState = (region: Locator, state: 'open' | 'closed', timeout?: number, roomId = '\\d{8}') =>
  region.getByText(new RegExp(`^Room ${roomId} ${state}$`)).waitFor({ timeout });

export const send = async (region: Locator, text: string): Promise<void> => {
  await region.getByRole('textbox', { name: 'Message' }).fill(text);
  await region.getByRole('button', { name: 'Send' }).click();
};

export const startChat = async (page: Page, orderId: string, orderNumber = ''): Promise<void> => {
  await page.getByRole('textbox', { name: 'Order id' }).fill(orderId);
  await page.getByRole('textbox', { name: 'Order number' }).fill(orderNumber);
  await page.getByRole('button', { name: 'Start chat' }).click();
};
