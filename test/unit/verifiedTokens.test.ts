import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { tenantRecord, type Actor, type TenantRecord } from '../../lib/tenancy/tenant';
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { claimedClientId, verifyAccessToken } from '../../lib/tenancy/tokens';
import { verifiedTokenCache, verifiedTokenKey } from '../../lib/tenancy/verifiedTokens';
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
  // Every signature check jose makes is one WebCrypto verify.
  let signatureChecks: jest.SpiedFunction<typeof globalThis.crypto.subtle.verify>;
  beforeEach(() => {
    signatureChecks = jest.spyOn(globalThis.crypto.subtle, 'verify');
  });
  afterEach(() => signatureChecks.mockRestore());

  it('checks a token signature once, then answers from the cache', async () => {
    const token = await sign('201');
    await expect(verifyAccessToken(token, record)).resolves.toEqual({ userId: '201', role: 'agent' });
    await expect(verifyAccessToken(token, record)).resolves.toEqual({ userId: '201', role: 'agent' });
    expect(signatureChecks).toHaveBeenCalledTimes(1);
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
    expect(signatureChecks).toHaveBeenCalledTimes(2);
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

describe('an ES256 token and its twin (the same r with n − s)', () => {
  const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const scalar = (bytes: Buffer) => BigInt(`0x${bytes.toString('hex')}`);
  const bytes32 = (value: bigint) => Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
  /** The token with its signature's s replaced by `change(s)`: what anyone can do without the key. */
  const withS = (token: string, change: (s: bigint) => bigint) => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const bytes = Buffer.from(signature, 'base64url');
    return `${header}.${payload}.${Buffer.concat([bytes.subarray(0, 32), bytes32(change(scalar(bytes.subarray(32))))]).toString('base64url')}`;
  };
  const twinOf = (token: string) => withS(token, (s) => P256_ORDER - s);
  const highS = (token: string) => scalar(Buffer.from(token.split('.')[2]!, 'base64url').subarray(32)) > P256_ORDER / 2n;

  let tenant: TenantRecord;
  let publicKey: Awaited<ReturnType<typeof generateKeyPair>>['publicKey'];
  let privateJwk: JWK;
  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    publicKey = pair.publicKey;
    privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'ec-1' };
    tenant = tenantRecord.parse({ ...record, jwt_public_keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'ec-1' }] });
  });
  const sign = (userId: string) => signAccessToken({ privateJwk, clientId: '1', userId, role: 'admin' });

  let signatureChecks: jest.SpiedFunction<typeof globalThis.crypto.subtle.verify>;
  beforeEach(() => {
    signatureChecks = jest.spyOn(globalThis.crypto.subtle, 'verify');
  });
  afterEach(() => signatureChecks.mockRestore());

  it('both verify: the twin needs no key, which is why the cache must not tell them apart', async () => {
    const token = await sign('301');
    const twin = twinOf(token);
    expect(twin).not.toBe(token);
    await expect(jwtVerify(token, publicKey)).resolves.toBeDefined();
    await expect(jwtVerify(twin, publicKey)).resolves.toBeDefined();
  });

  it('share one cache key, the low-s spelling, whichever the token carries', async () => {
    const token = await sign('302');
    const twin = twinOf(token);
    const [low, high] = highS(token) ? [twin, token] : [token, twin];
    expect(verifiedTokenKey(token, 'ES256')).toBe(low);
    expect(verifiedTokenKey(twin, 'ES256')).toBe(low);
    expect(verifiedTokenKey(high, 'ES256')).not.toBe(high);
    // Other algorithms have one signature per token: their key is the token.
    expect(verifiedTokenKey(high, 'RS256')).toBe(high);
    // s ≥ n is no signature at all and is not rewritten onto a real one.
    const beyond = withS(low, (s) => s + P256_ORDER);
    expect(verifiedTokenKey(beyond, 'ES256')).toBe(beyond);
  });

  it.each(['original', 'twin'] as const)('share one cache entry: after the %s verified, the other is answered from it', async (first) => {
    const token = await sign(first === 'original' ? '303' : '304');
    const [verifiedFirst, then] = first === 'original' ? [token, twinOf(token)] : [twinOf(token), token];
    const actor = await verifyAccessToken(verifiedFirst, tenant);
    expect(actor).toEqual({ userId: first === 'original' ? '303' : '304', role: 'admin' });
    expect(signatureChecks).toHaveBeenCalledTimes(1);
    expect(await verifyAccessToken(then, tenant)).toBe(actor);
    expect(claimedClientId(then)).toBe('1');
    expect(signatureChecks).toHaveBeenCalledTimes(1);
  });

  it('a signature that is neither spelling is checked, and refused, though it lies next to a cached one', async () => {
    const token = await sign('305');
    await verifyAccessToken(token, tenant);
    const near = [withS(token, (s) => s + 1n), withS(token, (s) => P256_ORDER - s + 1n), withS(token, (s) => s + P256_ORDER)];
    for (const forged of near) {
      await expect(verifyAccessToken(forged, tenant)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    }
    // None was answered from the cache: each went to a signature check of its own.
    expect(signatureChecks).toHaveBeenCalledTimes(1 + near.length);
  });
});
