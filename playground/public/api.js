// Calls to the chat API on this page's origin, keeping everything the page shows about each one:
// the exact request (method, URL, headers, body as sent) and the response (status, headers, body).

/**
 * @param {string} method
 * @param {string} path
 * @param {{token?: string, body?: unknown, headers?: Record<string, string>}} options
 *   `headers` replaces the default ones (the seed request sends its own, in its order).
 */
export async function call(method, path, { token, body, headers } = {}) {
  const sentHeaders = headers ?? {
    Accept: 'application/json',
    ...(body !== undefined && { 'Content-Type': 'application/json' }),
    ...(token && { Authorization: `Bearer ${token}` }),
  };
  // Indented like the published page's raw body; what is shown is exactly what is sent.
  const sentBody = body === undefined ? undefined : JSON.stringify(body, null, 4);
  const request = { method, url: new URL(path, location.href).href, headers: sentHeaders, body: sentBody };
  try {
    const response = await fetch(path, { method, headers: sentHeaders, body: sentBody });
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { request, ok: response.ok, status: response.status, statusText: response.statusText, headers: [...response.headers], json, text };
  } catch (error) {
    return { request, ok: false, status: 0, statusText: 'Network error', headers: [], json: undefined, text: String(error) };
  }
}

/** An error as the API returned it: status, code and message, and each offending field. */
export function describeError(reply) {
  const body = reply.json;
  if (body && typeof body === 'object' && body.code) {
    const fields = Array.isArray(body.errors) ? body.errors.map((error) => `${error.path}: ${error.message}`) : [];
    return `${reply.status} ${body.code}: ${body.message}${fields.length ? ` (${fields.join('; ')})` : ''}`;
  }
  return `${reply.status} ${reply.statusText}${reply.text ? `: ${reply.text.slice(0, 300)}` : ''}`;
}
