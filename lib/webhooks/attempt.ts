import http from 'node:http';
import https from 'node:https';
import type { AddressRules } from './addressPolicy';
import { guardedLookup } from './addressPolicy';
import { parseWebhookUrl } from './webhookUrl';

/** One attempt may take this long, connection to last byte kept; then it counts as failed. */
const ATTEMPT_TIMEOUT_MS = 5000;

/** At most this much of an endpoint's answer is kept, for the operator to see why it failed. */
const KEPT_RESPONSE_BYTES = 1024;

export interface AttemptRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  rules: AddressRules;
  timeoutMs?: number;
}

export interface AttemptOutcome {
  /** A 2xx answer: delivered. Anything else (another status, no answer) is tried again later. */
  ok: boolean;
  /** The status the endpoint answered, when it answered. */
  status?: number;
  /** Why there was no answer: timeout, refused address, connection error. */
  error?: string;
  /** The start of the answer's body (at most KEPT_RESPONSE_BYTES, as text). */
  response?: string;
  durationMs: number;
}

// Connections are kept between attempts of a warm container; each new one resolves and checks again.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/**
 * POST the body once. Redirects are not followed (a 3xx is a failure, like any non-2xx), at most
 * KEPT_RESPONSE_BYTES of the answer are read, and the whole exchange is cut off after the timeout.
 * The URL is checked again here, and the address connected to is one the rules allow.
 */
export const attemptDelivery = ({ url: text, headers, body, rules, timeoutMs = ATTEMPT_TIMEOUT_MS }: AttemptRequest): Promise<AttemptOutcome> => {
  const started = Date.now();
  const done = (outcome: Omit<AttemptOutcome, 'durationMs'>): AttemptOutcome => ({ ...outcome, durationMs: Date.now() - started });
  let url: URL;
  try {
    url = parseWebhookUrl(text, rules);
  } catch (error) {
    return Promise.resolve(done({ ok: false, error: (error as Error).message }));
  }
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Omit<AttemptOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(outcome));
    };
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      agent: agents[url.protocol as 'http:' | 'https:'],
      lookup: guardedLookup(rules),
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'chat-rooms-webhooks/1',
      },
    });
    const timer = setTimeout(() => {
      settle({ ok: false, error: `no answer within ${timeoutMs} ms` });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error) => settle({ ok: false, error: error.message }));
    request.on('response', (answer) => {
      const status = answer.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      const finish = () => {
        const response = Buffer.concat(chunks).subarray(0, KEPT_RESPONSE_BYTES).toString('utf8');
        settle({ ok: status >= 200 && status < 300, status, ...(response && { response }) });
      };
      answer.on('data', (chunk: Buffer) => {
        if (kept < KEPT_RESPONSE_BYTES) chunks.push(chunk);
        kept += chunk.length;
        // Enough is read: the rest is not wanted, and the connection is not worth keeping.
        if (kept >= KEPT_RESPONSE_BYTES) {
          finish();
          answer.destroy();
        }
      });
      answer.on('end', finish);
      answer.on('error', finish);
    });
    request.end(body);
  });
};
