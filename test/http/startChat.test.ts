import { randomInt } from 'node:crypto';
import { signLocalToken } from '../../scripts/local/tokens';
import { request, SEED_PATH } from '../support/api';
import type { Reply } from './chatApi';


/** The seed request of the published page, byte for byte. */
const SEED_BODY = `{
    "sub_domain":"192.168.101.88",
    "client_id":1,
    "db_name":"salesdemo",
    "user_id":"133",
    "type":"agent-to-user",
    "order_vendor_id":2,
    "vendor_id":3,
    "order_id":5
}`;

const seed = JSON.parse(SEED_BODY) as Record<string, unknown>;

/** The page's headers; `client` is the page's `{{client}}` placeholder, filled in. */
const pageHeaders = (authorization: string): Record<string, string> => ({
  Accept: 'application/json',
  'Content-Type': 'application/json',
  Authorization: authorization,
  client: 'salesdemo',
  language: '1',
  currency: 'USD',
});

const send = async (body: string, headers: Record<string, string>): Promise<Reply> => {
  const reply = await request('POST', SEED_PATH, body, headers);
  return { status: reply.status, headers: reply.headers, body: reply.json };
};

let agentToken: string;
beforeAll(async () => {
  agentToken = await signLocalToken(1, 133, 'agent');
});

const startChat = async (fields: Record<string, unknown>, token = agentToken) =>
  send(JSON.stringify({ ...seed, ...fields }), pageHeaders(`Bearer ${token}`));

const expectJsonHeaders = (reply: Reply) => {
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  expect(reply.headers['cache-control']).toBe('no-store');
  expect(reply.headers['strict-transport-security']).toContain('max-age=');
  expect(reply.headers['x-content-type-options']).toBe('nosniff');
  expect(reply.headers).not.toHaveProperty('reporting-endpoints');
};

const ROOM_FIELDS = [
  '_id', 'status', 'type', 'room_id', 'room_name', 'order_vendor_id', 'order_id', 'agent_db', 'vendor_id', 'sub_domain',
  'vendor_user_id', 'order_user_id', 'agent_id', 'db_name', 'client_id', 'created_date', 'updated_date', '__v',
];
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('POST /api/v1/chat/startChat', () => {
  it('answers the seed request of the published page with the published shape', async () => {
    const reply = await send(SEED_BODY, pageHeaders(`Bearer ${agentToken}`));
    expect(reply.status).toBe(200);
    expectJsonHeaders(reply);
    expect(Object.keys(reply.body)).toEqual(['message', 'roomData', 'status']);
    expect(reply.body.message).toBe('Room created successfully !!!');
    expect(reply.body.status).toBe(200);
    const room = reply.body.roomData;
    expect(Object.keys(room)).toEqual(ROOM_FIELDS);
    expect(room).toMatchObject({
      status: true,
      type: 'agent_to_user',
      order_vendor_id: '2',
      order_id: '5',
      agent_db: 'salesdemo',
      vendor_id: '3',
      sub_domain: '192.168.101.88',
      agent_id: '133',
      db_name: 'salesdemo',
      client_id: '1',
      __v: 0,
    });
    expect(room._id).toMatch(/^[0-9a-f]{24}$/);
    expect(room.room_id).toMatch(/^[0-9]{8}$/);
    expect(room.room_name).toBe(`OrderNo-${room.room_id}-orderId-5-oderVendor-3-agentId-133`);
    expect(room.created_date).toMatch(ISO_MS);
    expect(room.updated_date).toMatch(ISO_MS);
    for (const field of ROOM_FIELDS.filter((name) => !['status', '__v'].includes(name))) {
      expect(typeof room[field]).toBe('string');
    }
  });

  it('accepts the bare token the page shows as {{Authorization}}', async () => {
    const reply = await send(SEED_BODY, pageHeaders(agentToken));
    expect(reply.status).toBe(200);
  });

  it('returns the same room, touched, on a repeat call', async () => {
    const order_id = randomInt(1, 2 ** 40);
    const first = await startChat({ order_id });
    const second = await startChat({ order_id, order_user_id: '42' });
    expect(second.status).toBe(200);
    const [a, b] = [first.body.roomData, second.body.roomData];
    expect(b._id).toBe(a._id);
    expect(b.room_id).toBe(a.room_id);
    expect(b.created_date).toBe(a.created_date);
    expect(b.updated_date > a.updated_date).toBe(true);
    expect(a.order_user_id).toBe('');
    expect(b.order_user_id).toBe('42');
  });

  it('50 concurrent calls for one new conversation: one room, 50 × 200', async () => {
    const order_id = randomInt(1, 2 ** 40);
    const replies = await Promise.all(Array.from({ length: 50 }, () => startChat({ order_id })));
    expect(replies.map((reply) => reply.status)).toEqual(Array(50).fill(200));
    expect(new Set(replies.map((reply) => reply.body.roomData._id)).size).toBe(1);
    expect(new Set(replies.map((reply) => reply.body.roomData.room_id)).size).toBe(1);
  });

  describe('tenant and auth errors', () => {
    const cases: Array<[string, () => Promise<Reply>, number, string]> = [
      // The token cannot verify for a tenant that does not exist: the one 401 of unverified callers.
      ['unknown tenant', () => startChat({ client_id: 99999 }), 401, 'TOKEN_INVALID'],
      ['suspended tenant named with another tenant\'s token', () => startChat({ client_id: 3, sub_domain: 'closed.localhost', db_name: 'closedshop' }), 401, 'TOKEN_INVALID'],
      ['sub_domain of another tenant', () => startChat({ sub_domain: 'ace.localhost' }), 403, 'TENANT_MISMATCH'],
      ['db_name of another tenant', () => startChat({ db_name: 'ace' }), 403, 'TENANT_MISMATCH'],
      ['unknown sub_domain', () => startChat({ sub_domain: 'nowhere.example' }), 403, 'TENANT_MISMATCH'],
      [
        'suspended tenant',
        async () =>
          startChat({ client_id: 3, sub_domain: 'closed.localhost', db_name: 'closedshop' }, await signLocalToken(3, 133, 'agent')),
        403,
        'TENANT_SUSPENDED',
      ],
      ['missing token', () => send(SEED_BODY, { 'Content-Type': 'application/json' }), 401, 'TOKEN_MISSING'],
      ['garbage token', () => startChat({}, 'not.a.token'), 401, 'TOKEN_INVALID'],
      ['expired token', async () => startChat({}, await signLocalToken(1, 133, 'agent', -60)), 401, 'TOKEN_EXPIRED'],
      ["another tenant's key", async () => startChat({}, (await signLocalToken(2, 133, 'agent'))), 401, 'TOKEN_INVALID'],
      ['token of another user', async () => startChat({}, await signLocalToken(1, 134, 'agent')), 403, 'FORBIDDEN'],
      ['token of another role', async () => startChat({}, await signLocalToken(1, 133, 'user')), 403, 'FORBIDDEN'],
      ['user starting agent-to-user', async () => startChat({ type: 'agent-to-user' }, await signLocalToken(1, 133, 'user')), 403, 'FORBIDDEN'],
    ];

    it.each(cases)('%s → %i %s', async (_label, call, status, code) => {
      const reply = await call();
      expect(reply.status).toBe(status);
      expect(reply.body).toMatchObject({ status, code });
      expect(typeof reply.body.message).toBe('string');
      expectJsonHeaders(reply);
    });

    it('an unverified caller cannot tell unknown, suspended and mismatched tenants apart', async () => {
      const { SignJWT } = await import('jose');
      const forged = await new SignJWT({ client_id: '1', role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('1')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('a-guessed-secret-that-is-long-enough-0123'));
      const replies = await Promise.all([
        startChat({}, forged),
        startChat({ client_id: 99999 }, forged),
        startChat({ client_id: 3, sub_domain: 'closed.localhost', db_name: 'closedshop' }, forged),
        startChat({ db_name: 'guess' }, forged),
      ]);
      expect(replies.map((reply) => [reply.status, reply.body.code, reply.body.message])).toEqual(
        Array(4).fill([401, 'TOKEN_INVALID', 'Access token is invalid']),
      );
    });

    it('a token claiming another tenant than the body names is a mismatch', async () => {
      // Signed with tenant 1's key but claiming tenant 2: the key verifies, the claim does not match.
      const { signAccessToken } = await import('../../lib/tenancy/tokenSigner');
      const token = await signAccessToken({
        secret: 'local-dev-only-secret-tenant-1-not-for-production', clientId: '2', userId: '133', role: 'agent',
      });
      const reply = await startChat({}, token);
      expect(reply).toMatchObject({ status: 403, body: { code: 'TENANT_MISMATCH' } });
    });

    it('an admin may start a conversation for someone else', async () => {
      const reply = await startChat({ order_id: randomInt(1, 2 ** 40) }, await signLocalToken(1, 1, 'admin'));
      expect(reply.status).toBe(200);
      expect(reply.body.roomData.agent_id).toBe('133');
    });

    it('a customer starts the reversed conversation and lands in the same room', async () => {
      const order_id = randomInt(1, 2 ** 40);
      const byAgent = await startChat({ order_id, order_user_id: 77 });
      const byUser = await startChat({ order_id, user_id: 77, type: 'user-to-agent' }, await signLocalToken(1, 77, 'user'));
      expect(byUser.status).toBe(200);
      expect(byUser.body.roomData).toMatchObject({ _id: byAgent.body.roomData._id, type: 'agent_to_user', order_user_id: '77' });
    });
  });

  describe('malformed requests', () => {
    const json = (fields: Record<string, unknown>) => JSON.stringify({ ...seed, ...fields });
    const without = (field: string) => {
      const { [field]: _dropped, ...rest } = seed;
      return JSON.stringify(rest);
    };
    const bodies: Array<[string, string, number, string, string | undefined]> = [
      ['empty body', '', 400, 'INVALID_JSON', 'body'],
      ['truncated JSON', '{"client_id":1', 400, 'INVALID_JSON', 'body'],
      ['not JSON', 'hello', 400, 'INVALID_JSON', 'body'],
      ['JSON array', '[]', 400, 'VALIDATION_ERROR', 'body'],
      ['JSON null', 'null', 400, 'INVALID_JSON', 'body'],
      ['JSON boolean', 'true', 400, 'VALIDATION_ERROR', 'body'],
      ['JSON number', '42', 400, 'VALIDATION_ERROR', 'body'],
      ['empty object', '{}', 400, 'VALIDATION_ERROR', 'sub_domain'],
      ...['sub_domain', 'client_id', 'db_name', 'user_id', 'type', 'order_vendor_id', 'vendor_id', 'order_id'].map(
        (field): [string, string, number, string, string] => [`missing ${field}`, without(field), 400, 'VALIDATION_ERROR', field],
      ),
      ['order_id zero', json({ order_id: 0 }), 400, 'VALIDATION_ERROR', 'order_id'],
      ['order_id negative', json({ order_id: -1 }), 400, 'VALIDATION_ERROR', 'order_id'],
      ['order_id fractional', json({ order_id: 2.5 }), 400, 'VALIDATION_ERROR', 'order_id'],
      ['order_id beyond 2^53-1', json({ order_id: 9007199254740993 }), 400, 'VALIDATION_ERROR', 'order_id'],
      ['order_id huge string', json({ order_id: '99999999999999999999' }), 400, 'VALIDATION_ERROR', 'order_id'],
      ['order_id words', json({ order_id: 'five' }), 400, 'VALIDATION_ERROR', 'order_id'],
      ['client_id object', json({ client_id: { $gt: 0 } }), 400, 'VALIDATION_ERROR', 'client_id'],
      ['vendor_id boolean', json({ vendor_id: true }), 400, 'VALIDATION_ERROR', 'vendor_id'],
      ['user_id array', json({ user_id: ['133'] }), 400, 'VALIDATION_ERROR', 'user_id'],
      ['order_vendor_id null', json({ order_vendor_id: null }), 400, 'VALIDATION_ERROR', 'order_vendor_id'],
      ['type unsupported', json({ type: 'user-to-user' }), 400, 'VALIDATION_ERROR', 'type'],
      ['type admin', json({ type: 'admin-to-user' }), 400, 'VALIDATION_ERROR', 'type'],
      ['type number', json({ type: 1 }), 400, 'VALIDATION_ERROR', 'type'],
      ['sub_domain empty', json({ sub_domain: '' }), 400, 'VALIDATION_ERROR', 'sub_domain'],
      ['sub_domain too long', json({ sub_domain: 'a'.repeat(300) }), 400, 'VALIDATION_ERROR', 'sub_domain'],
      ['db_name number', json({ db_name: 5 }), 400, 'VALIDATION_ERROR', 'db_name'],
      ['order_number short', json({ order_number: '123' }), 400, 'VALIDATION_ERROR', 'order_number'],
      ['agent slot contradicting user_id', json({ agent_id: 999 }), 400, 'VALIDATION_ERROR', 'agent_id'],
      ['participant not an object', json({ participant: 'me' }), 400, 'VALIDATION_ERROR', 'participant'],
      ['body over 16 KB', json({ padding: 'x'.repeat(17 * 1024) }), 413, 'PAYLOAD_TOO_LARGE', undefined],
      ['prototype pollution', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}', 400, 'VALIDATION_ERROR', 'sub_domain'],
    ];

    it.each(bodies)('%s → %i %s', async (_label, body, status, code, path) => {
      const reply = await send(body, pageHeaders(`Bearer ${agentToken}`));
      expect(reply.status).toBe(status);
      expect(reply.body).toMatchObject({ status, code });
      if (path) expect(reply.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      expect(JSON.stringify(reply.body)).not.toMatch(/\bat .*\.(js|ts):\d+/);
      expectJsonHeaders(reply);
    });

    it.each([
      ['text/plain', 415],
      ['application/x-www-form-urlencoded', 415],
    ])('Content-Type %s → %i', async (contentType, status) => {
      const reply = await send(SEED_BODY, { ...pageHeaders(`Bearer ${agentToken}`), 'Content-Type': contentType });
      expect(reply).toMatchObject({ status, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    });

    it('still serves a valid call afterwards', async () => {
      const reply = await send(SEED_BODY, pageHeaders(`Bearer ${agentToken}`));
      expect(reply.status).toBe(200);
    });
  });
});
