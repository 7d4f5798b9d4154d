import { createHmac, generateKeyPairSync } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { publicJwk } from '../../lib/tenancy/publicKeys';
import { tenantRecord, type TenantRecord } from '../../lib/tenancy/tenant';
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { claimedClientId, verifyAccessToken } from '../../lib/tenancy/tokens';
import { hs256TenantRecord, throughTenantMiddlewares } from '../support/tenancy';

const secret = 'unit-test-secret-0123456789abcdef0123456789';
const record = hs256TenantRecord(secret);
const sign = (options: Partial<Parameters<typeof signAccessToken>[0]> = {}) =>
  signAccessToken({ secret, clientId: '1', userId: '133', role: 'agent', ...options });

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'verified',
    (error: { code?: string; message?: string }) => error.code ?? error.message,
  );

describe('token lifetime', () => {
  it('refuses a token living longer than the tenant allows (24 h by default)', async () => {
    expect(await code(verifyAccessToken(await sign({ ttlSeconds: 24 * 3600 }), record))).toBe('verified');
    expect(await code(verifyAccessToken(await sign({ ttlSeconds: 24 * 3600 + 600 }), record))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(await sign({ ttlSeconds: 3600 }), { ...record, max_token_ttl_seconds: 600 }))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(await sign({ ttlSeconds: 600 }), { ...record, max_token_ttl_seconds: 600 }))).toBe('verified');
  });

  it('refuses an iat in the future beyond a small skew', async () => {
    const at = (iat: number) =>
      new SignJWT({ client_id: '1', role: 'agent' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('133')
        .setIssuedAt(iat)
        .setExpirationTime(Math.floor(Date.now() / 1000) + 3600)
        .sign(new TextEncoder().encode(secret));
    const now = Math.floor(Date.now() / 1000);
    expect(await code(verifyAccessToken(await at(now + 30), record))).toBe('verified');
    expect(await code(verifyAccessToken(await at(now + 600), record))).toBe('TOKEN_INVALID');
  });

  it('refuses a signature spelled non-canonically', async () => {
    const token = await sign();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    // 32 bytes are 43 characters: the last one carries 2 unused bits; setting one decodes the same.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1)!);
    const twin = `${signature.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(twin, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(await code(verifyAccessToken(`${header}.${payload}.${twin}`, record))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(`${header}.${payload}.${signature}=`, record))).toBe('TOKEN_INVALID');
  });

  it('applies a critical header as jose does: b64 true verifies, an unknown critical parameter does not', async () => {
    const withHeader = (header: Record<string, unknown>, userId: string) =>
      new SignJWT({ client_id: '1', role: 'agent' })
        .setProtectedHeader({ alg: 'HS256', ...header })
        .setSubject(userId)
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(secret));
    await expect(verifyAccessToken(await withHeader({ b64: true, crit: ['b64'] }, '301'), record)).resolves.toEqual({ userId: '301', role: 'agent' });
    // jose will not sign this one, so it is put together by hand.
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signingInput = `${part({ alg: 'HS256', 'urn:x': 1, crit: ['urn:x'] })}.${part({ sub: '302', role: 'agent', client_id: '1', exp: Math.floor(Date.now() / 1000) + 600 })}`;
    const unknownCritical = `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
    expect(await code(verifyAccessToken(unknownCritical, record))).toBe('TOKEN_INVALID');
    // The same claims under a plain header do verify: only the critical parameter refuses it.
    const plainInput = `${part({ alg: 'HS256' })}.${signingInput.split('.')[1]}`;
    expect(await code(verifyAccessToken(`${plainInput}.${createHmac('sha256', secret).update(plainInput).digest('base64url')}`, record))).toBe('verified');
  });

  it('checks iss and aud only when the tenant sets them', async () => {
    const strict = { ...record, token_issuer: 'https://shop.test', token_audience: 'chat' };
    expect(await code(verifyAccessToken(await sign(), record))).toBe('verified');
    expect(await code(verifyAccessToken(await sign(), strict))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(await sign({ issuer: 'https://shop.test', audience: 'other' }), strict))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(await sign({ issuer: 'https://shop.test', audience: 'chat' }), strict))).toBe('verified');
  });

  it('reads the order_ids claim as decimal strings', async () => {
    await expect(verifyAccessToken(await sign({ role: 'user', orderIds: ['4242', '4243'] }), record)).resolves.toEqual({
      userId: '133',
      role: 'user',
      orderIds: ['4242', '4243'],
    });
  });
});

describe('public keys per tenant', () => {
  const pairs = async (alg: 'ES256' | 'RS256' | 'EdDSA', kid: string) => {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    return { publicJwk: { ...(await exportJWK(publicKey)), kid }, privateJwk: { ...(await exportJWK(privateKey)), kid } as JWK };
  };

  it.each(['ES256', 'RS256', 'EdDSA'] as const)('verifies %s tokens by kid, with no shared secret', async (alg) => {
    const key = await pairs(alg, `${alg}-1`);
    const other = await pairs(alg, `${alg}-2`);
    const tenant = tenantRecord.parse({ ...record, jwt_secrets: undefined, jwt_public_keys: [key.publicJwk, other.publicJwk] });
    const token = await sign({ secret: undefined, privateJwk: key.privateJwk });
    await expect(verifyAccessToken(token, tenant)).resolves.toEqual({ userId: '133', role: 'agent' });

    // A key under another key's kid, an unknown kid, an HS256 token: nothing verifies.
    expect(await code(verifyAccessToken(await sign({ secret: undefined, privateJwk: { ...key.privateJwk, kid: `${alg}-2` } }), tenant))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(await sign({ secret: undefined, privateJwk: { ...key.privateJwk, kid: 'nope' } }), tenant))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(await sign(), tenant))).toBe('TOKEN_INVALID');
  });

  it('pins the algorithm to the key type: no HS256 over a public key, no ES256 under an RSA kid', async () => {
    const rsa = await pairs('RS256', 'rsa');
    const ec = await pairs('ES256', 'ec');
    const tenant = tenantRecord.parse({ ...record, jwt_public_keys: [rsa.publicJwk] });
    const confused = await new SignJWT({ client_id: '1', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa' })
      .setSubject('1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JSON.stringify(rsa.publicJwk)));
    expect(await code(verifyAccessToken(confused, tenant))).toBe('TOKEN_INVALID');
    const ecUnderRsaKid = await sign({ secret: undefined, privateJwk: { ...ec.privateJwk, kid: 'rsa' } });
    expect(await code(verifyAccessToken(ecUnderRsaKid, tenant))).toBe('TOKEN_INVALID');
    // Secrets keep working beside public keys.
    expect(await code(verifyAccessToken(await sign(), tenant))).toBe('verified');
  });

  it('the schema takes one public JWK and refuses private keys, other curves, short RSA and a missing kid', async () => {
    const ec = await pairs('ES256', 'ec');
    const ed = await pairs('EdDSA', 'ed');
    expect(publicJwk.safeParse(ec.publicJwk).success).toBe(true);
    expect(publicJwk.safeParse({ ...ed.publicJwk, alg: 'EdDSA', use: 'sig' }).success).toBe(true);

    const privateKey = publicJwk.safeParse(ec.privateJwk);
    expect(privateKey.error?.issues).toEqual([expect.objectContaining({ path: ['d'], message: expect.stringContaining('public key only') })]);
    const { publicKey: p384 } = await generateKeyPair('ES384', { extractable: true });
    expect(publicJwk.safeParse({ ...(await exportJWK(p384)), kid: 'x' }).error?.issues[0]?.path).toEqual(['crv']);
    const { publicKey: small } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(publicJwk.safeParse({ ...small.export({ format: 'jwk' }), kid: 'x' }).error?.issues[0]?.path).toEqual(['n']);
    const { kid: _kid, ...withoutKid } = ec.publicJwk;
    expect(publicJwk.safeParse(withoutKid).error?.issues[0]?.path).toEqual(['kid']);
    expect(publicJwk.safeParse({ ...ec.publicJwk, alg: 'RS256' }).error?.issues[0]?.path).toEqual(['alg']);
  });

  it('a tenant record needs secrets or public keys, with distinct kids', async () => {
    const ec = await pairs('ES256', 'same');
    expect(tenantRecord.safeParse({ ...record, jwt_secrets: undefined }).error?.issues[0]?.path).toEqual(['jwt_secrets']);
    expect(tenantRecord.safeParse({ ...record, jwt_public_keys: [ec.publicJwk, ec.publicJwk] }).error?.issues[0]?.path).toEqual([
      'jwt_public_keys',
      1,
      'kid',
    ]);
  });
});

describe('what an unverified caller learns about tenants', () => {
  const records: Record<string, TenantRecord> = {
    '1': record,
    '3': { ...record, client_id: '3', sub_domain: 'closed.test', db_name: 'closed', status: 'suspended', jwt_secrets: ['suspended-tenant-secret-0123456789abcdef'] },
  };
  const lookups: string[] = [];
  const registry = {
    get: async (clientId: string) => {
      lookups.push(clientId);
      return records[clientId];
    },
  };

  const run = (body: Record<string, unknown>, authorization?: string) => throughTenantMiddlewares(registry, body, authorization);
  const ids = { client_id: '1', sub_domain: 'shop.test', db_name: 'shop' };
  const forged = async (clientId: string) =>
    new SignJWT({ client_id: clientId, role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('1').setExpirationTime('1h').sign(new TextEncoder().encode('g'.repeat(40)));

  it('looks nothing up without a well-formed token', async () => {
    lookups.length = 0;
    expect(await run(ids)).toBe('TOKEN_MISSING');
    expect(await run(ids, 'Bearer not-a-token')).toBe('TOKEN_INVALID');
    expect(await run(ids, 'Bearer a.b')).toBe('TOKEN_INVALID');
    expect(lookups).toEqual([]);
  });

  it('answers one 401 to a forged token whatever the tenant', async () => {
    const token = `Bearer ${await forged('1')}`;
    expect(await run({ ...ids, client_id: '99999' }, token)).toBe('TOKEN_INVALID');
    expect(await run({ client_id: '3', sub_domain: 'closed.test', db_name: 'closed' }, token)).toBe('TOKEN_INVALID');
    expect(await run({ ...ids, db_name: 'guess' }, token)).toBe('TOKEN_INVALID');
    expect(await run(ids, token)).toBe('TOKEN_INVALID');
  });

  it('tells a verified caller the specific tenant error', async () => {
    const token = `Bearer ${await sign()}`;
    expect(await run(ids, token)).toBe('ok');
    expect(await run({ ...ids, db_name: 'guess' }, token)).toBe('TENANT_MISMATCH');
    const suspended = `Bearer ${await signAccessToken({ secret: records['3']!.jwt_secrets![0]!, clientId: '3', userId: '1', role: 'agent' })}`;
    expect(await run({ client_id: '3', sub_domain: 'closed.test', db_name: 'closed' }, suspended)).toBe('TENANT_SUSPENDED');
  });

  it('reads the claimed client_id only from a well-formed token', async () => {
    expect(claimedClientId(await sign())).toBe('1');
    expect(() => claimedClientId('x.y')).toThrow();
  });
});
