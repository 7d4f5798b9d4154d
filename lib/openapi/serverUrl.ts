/**
 * The OpenAPI document's server from the configured public base URL (PUBLIC_API_URL): an http(s)
 * URL, without a trailing slash. Without one (or with anything else), `/`, which a client resolves
 * against the address it fetched the document from. Never from the request's Host or
 * X-Forwarded-Proto: the document is cacheable, and a shared cache would hand a forged server to
 * every reader (Swagger UI's "Try it out" sends tokens to it).
 */
export const serverUrlOf = (configured: string | undefined): string => {
  if (!configured) return '/';
  try {
    const url = new URL(configured);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href.replace(/\/+$/, '') : '/';
  } catch {
    return '/';
  }
};
