import httpSecurityHeaders from '@middy/http-security-headers';
import { securityHeaders } from '../../lib/http/securityHeaders';
import { errorResponse, json } from '../../lib/http/responses';
import { AppError } from '../../lib/errors';

/** middy's middleware as it is configured for our stack: the reference. */
const reference = httpSecurityHeaders({ reportingEndpoints: false } as Parameters<typeof httpSecurityHeaders>[0]);
const ours = securityHeaders();

const through = async (middleware: { after?: unknown; onError?: unknown }, phase: 'after' | 'onError', response: unknown) => {
  const request = { event: {}, context: {}, response, error: undefined, internal: {} };
  await (middleware[phase] as (request: unknown) => Promise<void>)(request);
  return request.response as { headers: Record<string, unknown> } | undefined;
};

describe('securityHeaders', () => {
  it.each([
    ['a JSON response', () => json(200, { ok: true })],
    ['an error response with Retry-After', () => errorResponse(new AppError('SERVICE_UNAVAILABLE', 'retry', undefined, { retryAfterSeconds: 1 }))],
    ['an HTML response', () => ({ statusCode: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<p>' })],
    ['a response without headers', () => ({ statusCode: 204, body: '' })],
    ['a bare body', () => 'plain'],
  ])('sets exactly what middy sets on %s, after and on error', async (_label, make) => {
    for (const phase of ['after', 'onError'] as const) {
      const expected = await through(reference, phase, make());
      const actual = await through(ours, phase, make());
      expect(actual).toEqual(expected);
      expect(Object.keys(actual!.headers)).toEqual(Object.keys(expected!.headers));
    }
  });

  it('sends the hardening headers and removes the server banners on JSON', async () => {
    const { headers } = (await through(ours, 'after', json(200, {})))!;
    expect(headers).toMatchObject({
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'Strict-Transport-Security': 'max-age=15552000; includeSubDomains; preload',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    expect(headers).toHaveProperty('Server', undefined);
    expect(headers).not.toHaveProperty('Reporting-Endpoints');
  });

  it('gives each response its own headers and leaves an absent response alone on error', async () => {
    const first = (await through(ours, 'after', json(200, {})))!;
    first.headers['X-Content-Type-Options'] = 'changed';
    const second = (await through(ours, 'after', json(200, {})))!;
    expect(second.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(await through(ours, 'onError', undefined)).toBeUndefined();
  });
});
