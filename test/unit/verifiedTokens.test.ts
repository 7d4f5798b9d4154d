import { SignJWT } from 'jose';
import type { Actor, TenantRecord } from '../../lib/tenancy/tenant';
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { claimedClientId, verifyAccessToken } from '../../lib/tenancy/tokens';
import { verifiedTokenCache } from '../../lib/tenancy/verifiedTokens';
import { hs256TenantRecord, throughTenantMiddlewares } from '../support/tenancy';

const secret = 'verified-tokens-test-secret-0123456789abcdef';
const record = hs256TenantRecord(secret);
const actor: Actor = { userId: '133', role: 'agent' };
const NOW = 1_800_000_000;

describe('verifiedTokenCache', () => {
  it('answers a kept token for the same record until its exp, and not before it was verified', () => {
    const cache = verifiedTokenCache({ maxEntries: 10 });
    cache.set('t', record, actor, NOW + 100, NOW);
    expect(cache.get('t', record, NOW)).toEqual(actor);
    expect(cache.get('t', record, NOW + 99)).toEqual(actor);
    // A clock behind the verification is not trusted with it (iat / nbf were checked against a later one).
    expect(cache.get('t', record, NOW - 1)).toBeUndefined();
    expect(cache.get('t', record, NOW)).toBeUndefined();

    cache.set('t', record, actor, NOW + 100, NOW);
    expect(cache.get('t', record, NOW + 100)).toBeUndefined();
    // An expired entry is dropped, not kept for later.
    expect(cache.size).toBe(0);
    expect(cache.get('t', record, NOW + 50)).toBeUndefined();
  });

  it('serves only the very record it verified against, with the same verifying fields', () => {
    const cache = verifiedTokenCache({ maxEntries: 10 });
    const keep = () => cache.set('t', record, actor, NOW + 100, NOW);
    keep();
    // An equal copy is another record (the registry replaces a record when it reloads it).
    expect(cache.get('t', { ...record }, NOW)).toBeUndefined();

    const edits: Array<Partial<TenantRecord>> = [
      { jwt_secrets: ['another-secret-0123456789abcdef0123456789'] },
      { jwt_public_keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA', kid: 'k' }] },
      { max_token_ttl_seconds: 60 },
      { token_issuer: 'https://shop.test' },
      { token_audience: 'chat' },
      { client_id: '2' },
    ];
    for (const edit of edits) {
      const edited = { ...record };
      keep();
      cache.set('t', edited, actor, NOW + 100, NOW);
      expect(cache.get('t', edited, NOW)).toEqual(actor);
      Object.assign(edited, edit);
      expect(cache.get('t', edited, NOW)).toBeUndefined();
    }
  });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = verifiedTokenCache({ maxEntries: 3 });
    for (const token of ['a', 'b', 'c']) cache.set(token, record, actor, NOW + 100, NOW);
    expect(cache.get('a', record, NOW)).toEqual(actor);
    cache.set('d', record, actor, NOW + 100, NOW);
    expect(cache.size).toBe(3);
    expect(cache.get('b', record, NOW)).toBeUndefined();
    for (const token of ['a', 'c', 'd']) expect(cache.get(token, record, NOW)).toEqual(actor);
  });

  it('knows the client_id a kept token claims, and hands out frozen actors', () => {
    const cache = verifiedTokenCache({ maxEntries: 10 });
    const kept = cache.set('t', record, { userId: '7', role: 'user', orderIds: ['42'] }, NOW + 100, NOW);
    expect(cache.claimedClientId('t')).toBe('1');
    expect(cache.claimedClientId('other')).toBeUndefined();
    expect(Object.isFrozen(kept)).toBe(true);
    expect(Object.isFrozen(kept.orderIds)).toBe(true);
    expect(cache.get('t', record, NOW)).toBe(kept);
  });
});

describe('verifyAccessToken with the container cache', () => {
  // Each test signs for its own user, so no test is answered from another's entry.
  const sign = (userId: string, options: Partial<Parameters<typeof signAccessToken>[0]> = {}) =>
    signAccessToken({ secret, clientId: '1', userId, role: 'agent', ...options });
  const code = (promise: Promise<unknown>) =>
    promise.then(
      () => 'verified',
      (error: { code?: string; message?: string }) => error.code ?? error.message,
    );
  // Every HS256 signature check computes one HMAC. (The module itself, not an import's copy of it.)
  const nodeCrypto: typeof import('node:crypto') = require('node:crypto');
  let hmac: jest.SpiedFunction<typeof nodeCrypto.createHmac>;
  beforeEach(() => {
    hmac = jest.spyOn(nodeCrypto, 'createHmac');
  });
  afterEach(() => hmac.mockRestore());

  it('checks a token signature once, then answers from the cache', async () => {
    const token = await sign('201');
    await expect(verifyAccessToken(token, record)).resolves.toEqual({ userId: '201', role: 'agent' });
    await expect(verifyAccessToken(token, record)).resolves.toEqual({ userId: '201', role: 'agent' });
    expect(hmac).toHaveBeenCalledTimes(1);
    expect(claimedClientId(token)).toBe('1');
  });

  it('refuses a cached token once it has expired', async () => {
    const token = await sign('202', { ttlSeconds: 60 });
    const now = Date.now();
    expect(await code(verifyAccessToken(token, record, new Date(now)))).toBe('verified');
    expect(await code(verifyAccessToken(token, record, new Date(now + 30_000)))).toBe('verified');
    expect(await code(verifyAccessToken(token, record, new Date(now + 61_000)))).toBe('TOKEN_EXPIRED');
  });

  it('refuses a cached token once its secret is rotated out or the tenant tightens its rules', async () => {
    const token = await sign('203');
    expect(await code(verifyAccessToken(token, record))).toBe('verified');
    const rotatedOut = { ...record, jwt_secrets: ['a-newer-secret-0123456789abcdef01234567'] };
    expect(await code(verifyAccessToken(token, rotatedOut))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(token, { ...record, max_token_ttl_seconds: 600 }))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(token, { ...record, token_issuer: 'https://shop.test' }))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(token, { ...record, token_audience: 'chat' }))).toBe('TOKEN_INVALID');
    // Still good for the record it verified against.
    expect(await code(verifyAccessToken(token, record))).toBe('verified');
  });

  it('a cached token of one tenant is a mismatch for another that shares its secret', async () => {
    const token = await sign('204');
    expect(await code(verifyAccessToken(token, record))).toBe('verified');
    expect(await code(verifyAccessToken(token, { ...record, client_id: '2' }))).toBe('TENANT_MISMATCH');
  });

  it('keeps no failure: a forged token is checked, and refused, every time', async () => {
    const forged = await new SignJWT({ client_id: '1', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('205')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('f'.repeat(40)));
    expect(await code(verifyAccessToken(forged, record))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(forged, record))).toBe('TOKEN_INVALID');
    expect(hmac).toHaveBeenCalledTimes(2);
  });

  it('a suspended tenant is refused even for a token the cache holds', async () => {
    const token = await sign('206');
    const records: Record<string, TenantRecord> = { '1': record };
    const registry = { get: async (clientId: string) => records[clientId] };
    const run = () => throughTenantMiddlewares(registry, { client_id: '1', sub_domain: 'shop.test', db_name: 'shop' }, `Bearer ${token}`);

    expect(await run()).toBe('ok');
    records['1'] = { ...record, status: 'suspended' };
    expect(await run()).toBe('TENANT_SUSPENDED');
    // Same record object, suspended in place: the status is read on every request.
    const suspendedInPlace = { ...record };
    records['1'] = suspendedInPlace;
    expect(await run()).toBe('ok');
    suspendedInPlace.status = 'suspended';
    expect(await run()).toBe('TENANT_SUSPENDED');
  });
});
