import type middy from '@middy/core';
import httpSecurityHeaders from '@middy/http-security-headers';

type Headers = Record<string, unknown>;
type Request = middy.Request<unknown, { headers?: Headers } | undefined>;

/**
 * middy's security headers: its defaults, minus `Reporting-Endpoints` (with no endpoints
 * configured it would go out empty; the option is missing from the package's types, hence the
 * cast).
 */
const library = httpSecurityHeaders({ reportingEndpoints: false } as Parameters<typeof httpSecurityHeaders>[0]) as Required<
  Pick<middy.MiddlewareObj, 'after' | 'onError'>
>;

const isHtml = (headers: Headers): boolean => String(headers['Content-Type'] ?? headers['content-type'] ?? '').includes('text/html');

/**
 * What middy sets on a response that is not HTML. It depends on nothing else in the request, so
 * it is worked out once per container (by middy itself, on a probe response) instead of once per
 * response, as middy would.
 */
let forNonHtml: Promise<Headers> | undefined;
const nonHtmlHeaders = (): Promise<Headers> =>
  (forNonHtml ??= (async () => {
    const probe = { response: { statusCode: 200, headers: {} as Headers, body: '' } };
    await library.after(probe as never);
    return Object.freeze(probe.response.headers);
  })());

const addHeaders = async (request: Request): Promise<void> => {
  const headers = request.response?.headers;
  // Anything not shaped like our responses, and HTML, which gets more headers: middy's own way.
  if (typeof headers !== 'object' || headers === null || isHtml(headers)) return library.after(request as never);
  Object.assign(headers, await nonHtmlHeaders());
};

/** middy middleware: middy's security headers on every response, errors included. */
export const securityHeaders = (): middy.MiddlewareObj => ({
  after: addHeaders,
  onError: async (request) => {
    if (request.response !== undefined) await addHeaders(request as Request);
  },
});
