import { isIP } from 'node:net';
import { config } from '../config';
import { checkResolvedHost, refusedAddress, type AddressRules } from './addressPolicy';

/**
 * The rules webhook URLs follow here: a deployed stage's, or the local stage's, which also allows
 * `http` to loopback (the receivers of the tests and of `npm start`). Local means a local store or
 * serverless-offline, neither of which a deployed function ever has.
 */
export const addressRules = (): AddressRules => (config.isLocal ? 'local' : 'deployed');

export class WebhookUrlError extends Error {
  override readonly name = 'WebhookUrlError';
}

const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

const isLoopbackName = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost');

/**
 * Parse and check a webhook URL without resolving it: https (http only to a loopback address on
 * the local stage), no credentials, no fragment, and an address literal that is public (or
 * loopback locally). Names are resolved by `checkWebhookUrl` and again at every delivery.
 */
export const parseWebhookUrl = (text: string, rules: AddressRules = addressRules()): URL => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookUrlError(`url: ${JSON.stringify(text)} is not a URL`);
  }
  if (text.length > 2048) throw new WebhookUrlError('url: must be at most 2048 characters');
  const host = hostOf(url);
  const literal = isIP(host) !== 0;
  const loopbackHere = rules === 'local' && literal && refusedAddress(host, 'local') === undefined && refusedAddress(host, 'deployed') !== undefined;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHere)) {
    throw new WebhookUrlError(rules === 'local' ? 'url: must be https, or http to a loopback address (127.0.0.1)' : 'url: must be https');
  }
  if (url.username || url.password) throw new WebhookUrlError('url: must not carry a user name or password');
  if (url.hash) throw new WebhookUrlError('url: must not carry a fragment');
  if (literal) {
    const refused = refusedAddress(host, rules);
    if (refused) throw new WebhookUrlError(`url: ${refused}`);
  } else if (isLoopbackName(host.toLowerCase())) {
    throw new WebhookUrlError('url: name the address (127.0.0.1), not localhost');
  }
  return url;
};

/** `parseWebhookUrl`, and every address its host resolves to must be allowed: what registration checks. */
export const checkWebhookUrl = async (text: string, rules: AddressRules = addressRules()): Promise<URL> => {
  const url = parseWebhookUrl(text, rules);
  try {
    await checkResolvedHost(url.hostname, rules);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WebhookUrlError(`url: ${/ENOTFOUND|EAI_AGAIN/.test(reason) ? `${url.hostname} does not resolve` : reason}`);
  }
  return url;
};
