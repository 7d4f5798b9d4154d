/**
 * The request the integration seed page documents for startChat; `npm start` prints it as curl
 * and tests can replay it, so the two never drift apart.
 */
export const SEED_PATH = '/api/v1/chat/startChat';

export const SEED_BODY = {
  sub_domain: '192.168.101.88',
  client_id: 1,
  db_name: 'salesdemo',
  user_id: '133',
  type: 'agent-to-user',
  order_vendor_id: 2,
  vendor_id: 3,
  order_id: 5,
} as const;

export const seedHeaders = (token: string): Record<string, string> => ({
  Accept: 'application/json',
  'Content-Type': 'application/json',
  Authorization: `Bearer ${token}`,
  client: '1',
  language: '1',
  currency: 'USD',
});

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** A ready-to-paste curl for the seed request against `baseUrl`. */
export const seedCurl = (baseUrl: string, token: string): string =>
  [
    `curl -sS -i -X POST ${shellQuote(baseUrl + SEED_PATH)}`,
    ...Object.entries(seedHeaders(token)).map(([name, value]) => `  -H ${shellQuote(`${name}: ${value}`)}`),
    `  --data ${shellQuote(JSON.stringify(SEED_BODY))}`,
  ].join(' \\\n');
