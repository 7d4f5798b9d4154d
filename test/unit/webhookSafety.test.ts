/**
 * Where webhooks may go: URL rules per stage, addresses refused on deployed stages (SSRF), the
 * check after DNS resolution at delivery, no redirects followed, and a bounded answer kept.
 */
import { createServer } from 'node:http';
import { AddressRefused, checkResolvedHost, guardedLookup, refusedAddress } from '../../lib/webhooks/addressPolicy';
import { attemptDelivery } from '../../lib/webhooks/attempt';
import { parseWebhookUrl, WebhookUrlError, checkWebhookUrl } from '../../lib/webhooks/webhookUrl';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';

describe('addresses a deployed stage refuses', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.5',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.170.2',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    'ff02::1',
  ])('%s', (address) => {
    expect(refusedAddress(address, 'deployed')).toBeDefined();
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '::ffff:8.8.8.8'])('allows the public %s', (address) => {
    expect(refusedAddress(address, 'deployed')).toBeUndefined();
  });

  it('allows loopback on the local stage only, and nothing else private there either', () => {
    expect(refusedAddress('127.0.0.1', 'local')).toBeUndefined();
    expect(refusedAddress('::1', 'local')).toBeUndefined();
    expect(refusedAddress('169.254.169.254', 'local')).toBeDefined();
    expect(refusedAddress('10.1.1.1', 'local')).toBeDefined();
  });
});

describe('webhook URLs', () => {
  it.each([
    ['http://93.184.215.14/hook', /must be https/],
    ['https://127.0.0.1/hook', /not a public address/],
    ['https://169.254.169.254/latest/meta-data', /not a public address/],
    ['https://[::1]:8443/', /not a public address/],
    ['https://[::ffff:10.0.0.1]/', /non-public/],
    ['https://0x7f.1/', /not a public address/],
    ['https://2130706433/', /not a public address/],
    ['https://localhost/hook', /not localhost/],
    ['https://user:pass@example.com/hook', /user name or password/],
    ['https://example.com/hook#frag', /fragment/],
    ['not a url', /is not a URL/],
  ])('a deployed stage refuses %s', (url, reason) => {
    expect(() => parseWebhookUrl(url, 'deployed')).toThrow(reason);
  });

  it('a deployed stage takes https to a public name or address', () => {
    expect(parseWebhookUrl('https://hooks.example.com/chat?x=1', 'deployed').href).toBe('https://hooks.example.com/chat?x=1');
    expect(parseWebhookUrl('https://93.184.215.14:8443/', 'deployed').port).toBe('8443');
  });

  it('the local stage also takes http, to a loopback address only', () => {
    expect(parseWebhookUrl('http://127.0.0.1:4000/hooks', 'local').href).toBe('http://127.0.0.1:4000/hooks');
    expect(() => parseWebhookUrl('http://93.184.215.14/hook', 'local')).toThrow(/https, or http to a loopback address/);
    expect(() => parseWebhookUrl('http://localhost:4000/', 'local')).toThrow(WebhookUrlError);
  });

  it('registration resolves the name: one that resolves to loopback is refused on a deployed stage', async () => {
    await expect(checkResolvedHost('localhost', 'deployed')).rejects.toThrow(/127\.0\.0\.1 is not a public address/);
    await expect(checkResolvedHost('localhost', 'local')).resolves.toBeUndefined();
    await expect(checkWebhookUrl('https://[::ffff:7f00:1]/hook', 'deployed')).rejects.toThrow(/non-public/);
  });
});

describe('delivery-time resolution', () => {
  it('drops every refused address a name resolves to, and fails when none is left', async () => {
    const lookup = guardedLookup('deployed') as unknown as (host: string, options: object, callback: (...args: unknown[]) => void) => void;
    const error = await new Promise((resolve) => lookup('localhost', {}, (failure) => resolve(failure)));
    expect(error).toBeInstanceOf(AddressRefused);
    expect((error as Error).message).toMatch(/resolves to no public address/);
  });

  it('refuses a deployed-stage attempt at loopback before connecting', async () => {
    const hooks = await startWebhookReceiver();
    try {
      const outcome = await attemptDelivery({ url: hooks.url.replace('http:', 'https:'), headers: {}, body: '{}', rules: 'deployed' });
      expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/not a public address/) });
      expect(hooks.received).toEqual([]);
    } finally {
      await hooks.close();
    }
  });
});

describe('one attempt', () => {
  let hooks: WebhookReceiver;
  afterEach(() => hooks.close());

  it('follows no redirect: a 3xx is a failed attempt, and the other address hears nothing', async () => {
    const elsewhere = await startWebhookReceiver();
    hooks = await startWebhookReceiver(() => ({ status: 307, headers: { location: `${elsewhere.url}/stolen` } }));
    try {
      expect(await attemptDelivery({ url: hooks.url, headers: {}, body: '{}', rules: 'local' })).toMatchObject({ ok: false, status: 307 });
      expect(elsewhere.received).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('keeps at most 1 KB of the answer, and any 2xx is delivered', async () => {
    hooks = await startWebhookReceiver((_delivery, index) => (index === 0 ? { status: 500, body: 'é'.repeat(100_000) } : { status: 202 }));
    const failed = await attemptDelivery({ url: hooks.url, headers: {}, body: '{}', rules: 'local' });
    expect(failed).toMatchObject({ ok: false, status: 500 });
    expect(Buffer.byteLength(failed.response!)).toBeLessThanOrEqual(1024);
    expect(await attemptDelivery({ url: hooks.url, headers: {}, body: '{}', rules: 'local' })).toMatchObject({ ok: true, status: 202 });
  });

  it('gives up on an endpoint that answers too slowly', async () => {
    hooks = await startWebhookReceiver(() => 'hang');
    expect(await attemptDelivery({ url: hooks.url, headers: {}, body: '{}', rules: 'local', timeoutMs: 200 })).toMatchObject({
      ok: false,
      error: 'no answer within 200 ms',
    });
  });

  it('counts a connection refused as a failed attempt', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    hooks = await startWebhookReceiver();
    expect(await attemptDelivery({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}', rules: 'local' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ECONNREFUSED/),
    });
  });
});
