import { createHmac, generateKeyPairSync, sign as signWith, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { publicJwk, type PublicJwk } from '../../lib/tenancy/publicKeys';
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

describe('weak or invalid public keys', () => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  /** An RS256 admin token signed with node:crypto: jose will not sign with a key under 2048 bits. */
  const rs256AdminToken = (privateKey: KeyObject, kid: string) => {
    const now = Math.floor(Date.now() / 1000);
    const input = `${part({ alg: 'RS256', kid, typ: 'JWT' })}.${part({ sub: '1', role: 'admin', client_id: '1', iat: now, exp: now + 600 })}`;
    return `${input}.${signWith('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  };
  const rsaJwk = (publicKey: KeyObject, kid: string) => ({ ...(publicKey.export({ format: 'jwk' }) as { kty: 'RSA'; n: string; e: string }), kid });
  /** A record that holds `jwk` though registration would refuse it (written some other way). */
  const holding = (jwk: object): TenantRecord => ({ ...record, jwt_public_keys: [jwk as PublicJwk] });

  it('a 1024-bit modulus padded with zero bytes to 256 bytes is refused at registration, and its admin token verifies nothing', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = rsaJwk(publicKey, 'weak');
    const padded = { ...jwk, n: Buffer.concat([Buffer.alloc(128), Buffer.from(jwk.n, 'base64url')]).toString('base64url') };
    expect(Buffer.from(padded.n, 'base64url')).toHaveLength(256);
    expect(publicJwk.safeParse(padded).error?.issues).toEqual([expect.objectContaining({ path: ['n'], message: 'must be a modulus of at least 2048 bits' })]);
    // A record that holds it still loads (its HS256 secrets keep working, `npm run tenant` can
    // repair it); the weak key itself verifies nothing.
    expect(tenantRecord.safeParse(holding(padded)).success).toBe(true);

    const token = rs256AdminToken(privateKey, 'weak');
    expect(await code(verifyAccessToken(token, holding(padded)))).toBe('TOKEN_INVALID');
    expect(await code(verifyAccessToken(token, holding(jwk)))).toBe('TOKEN_INVALID');
    // The same token shape from a 2048-bit key does verify: only the key's size refuses it.
    const strong = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expect(verifyAccessToken(rs256AdminToken(strong.privateKey, 'strong'), holding(rsaJwk(strong.publicKey, 'strong')))).resolves.toEqual({
      userId: '1',
      role: 'admin',
    });
  });

  it('an RSA exponent other than 65537 is refused at registration and at verification (jose alone would accept it)', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
    const jwk = rsaJwk(publicKey, 'e3');
    expect(jwk.e).toBe('Aw');
    expect(publicJwk.safeParse(jwk).error?.issues).toEqual([expect.objectContaining({ path: ['e'], message: 'must be AQAB (65537)' })]);
    const token = rs256AdminToken(privateKey, 'e3');
    await expect(jwtVerify(token, await importJWK(jwk, 'RS256'))).resolves.toBeDefined();
    expect(await code(verifyAccessToken(token, holding(jwk)))).toBe('TOKEN_INVALID');
    // 65537 spelt with a leading zero byte is still refused: one spelling, as libraries write it.
    expect(publicJwk.safeParse({ ...jwk, e: 'AAEAAQ' }).error?.issues[0]?.path).toEqual(['e']);
  });

  it('an EC point off the P-256 curve is refused at registration and verifies nothing from a record', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'ec' } as { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string };
    expect(publicJwk.safeParse(jwk).success).toBe(true);
    const y = Buffer.from(jwk.y, 'base64url');
    y[31]! ^= 1;
    const offCurve = { ...jwk, y: y.toString('base64url') };
    expect(publicJwk.safeParse(offCurve).error?.issues).toEqual([expect.objectContaining({ path: ['x'], message: expect.stringContaining('P-256 curve') })]);
    const token = await sign({ secret: undefined, privateJwk: { ...(await exportJWK(privateKey)), kid: 'ec' } });
    expect(await code(verifyAccessToken(token, holding(jwk)))).toBe('verified');
    expect(await code(verifyAccessToken(token, holding(offCurve)))).toBe('TOKEN_INVALID');
  });

  it('a signature altered in any byte, or of another length, verifies with no algorithm', async () => {
    const keys = await Promise.all(
      (['ES256', 'RS256', 'EdDSA'] as const).map(async (alg) => {
        const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
        return { publicJwk: { ...(await exportJWK(publicKey)), kid: alg }, privateJwk: { ...(await exportJWK(privateKey)), kid: alg } as JWK };
      }),
    );
    const tenant = tenantRecord.parse({ ...record, jwt_public_keys: keys.map((key) => key.publicJwk) });
    const tokens = [await sign({ userId: '401' }), ...(await Promise.all(keys.map(({ privateJwk }) => sign({ secret: undefined, privateJwk, userId: '401' }))))];
    for (const token of tokens) {
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const bytes = Buffer.from(signature, 'base64url');
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, flip) => {
          const altered = Buffer.from(bytes);
          altered[at]! ^= flip;
          expect(await code(verifyAccessToken(`${header}.${payload}.${altered.toString('base64url')}`, tenant))).toBe('TOKEN_INVALID');
        }),
        { numRuns: 25 },
      );
      for (const wrongLength of [bytes.subarray(1), Buffer.concat([bytes, Buffer.from([0])])]) {
        expect(await code(verifyAccessToken(`${header}.${payload}.${wrongLength.toString('base64url')}`, tenant))).toBe('TOKEN_INVALID');
      }
      expect(await code(verifyAccessToken(token, tenant))).toBe('verified');
    }
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
