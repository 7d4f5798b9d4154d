import { assertActsAs } from '../../lib/tenancy/authorize';
import { cachedRegistry } from '../../lib/tenancy/registry';
import { resolveTenant } from '../../lib/tenancy/resolveTenant';
import { tenantRecord, toTenant } from '../../lib/tenancy/tenant';
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { bearerToken, claimedClientId, verifyAccessToken } from '../../lib/tenancy/tokens';
import { hs256TenantRecord } from '../support/tenancy';

const record = hs256TenantRecord('unit-test-secret-0123456789abcdef0123456789', { sub_domain: '192.168.101.88', db_name: 'salesdemo', name: 'Sales Demo' });
const secret = record.jwt_secrets![0]!;

describe('resolveTenant', () => {
  const ids = { client_id: '1', sub_domain: '192.168.101.88', db_name: 'salesdemo' };

  it('returns the record when every identifier belongs to it', () => {
    expect(resolveTenant(ids, record)).toBe(record);
    expect(resolveTenant({ ...ids, sub_domain: '192.168.101.88'.toUpperCase() }, record)).toBe(record);
  });

  it.each([
    ['unknown client_id', ids, undefined, 'TENANT_NOT_FOUND'],
    ['foreign sub_domain', { ...ids, sub_domain: 'ace.localhost' }, record, 'TENANT_MISMATCH'],
    ['foreign db_name', { ...ids, db_name: 'ace' }, record, 'TENANT_MISMATCH'],
    ['suspended tenant', ids, { ...record, status: 'suspended' as const }, 'TENANT_SUSPENDED'],
  ])('%s → %s', (_label, given, found, code) => {
    expect(() => resolveTenant(given, found)).toThrow(expect.objectContaining({ code }));
  });
});

describe('tokens', () => {
  it('reads "Bearer <jwt>" and the bare token', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('verifies a token of the tenant and yields the actor', async () => {
    const token = await signAccessToken({ secret, clientId: '1', userId: '133', role: 'agent' });
    expect(claimedClientId(token)).toBe('1');
    await expect(verifyAccessToken(token, record)).resolves.toEqual({ userId: '133', role: 'agent' });
  });

  it('accepts any of the tenant keys, for rotation', async () => {
    const token = await signAccessToken({ secret, clientId: '1', userId: '133', role: 'agent' });
    const rotated = { ...record, jwt_secrets: ['a-newer-secret-0123456789abcdef01234567', secret] };
    await expect(verifyAccessToken(token, rotated)).resolves.toMatchObject({ userId: '133' });
  });

  it.each([
    ['another key', async () => signAccessToken({ secret: 'x'.repeat(40), clientId: '1', userId: '133', role: 'agent' }), 'TOKEN_INVALID'],
    ['expired', async () => signAccessToken({ secret, clientId: '1', userId: '133', role: 'agent', ttlSeconds: -10 }), 'TOKEN_EXPIRED'],
    ['another tenant', async () => signAccessToken({ secret, clientId: '2', userId: '133', role: 'agent' }), 'TENANT_MISMATCH'],
    ['garbage', async () => 'not-a-jwt', 'TOKEN_INVALID'],
  ])('rejects a token signed with %s', async (_label, make, code) => {
    await expect(verifyAccessToken(await make(), record)).rejects.toMatchObject({ code });
  });

  it('rejects a token without exp', async () => {
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({ client_id: '1', role: 'agent' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('133')
      .sign(new TextEncoder().encode(secret));
    await expect(verifyAccessToken(token, record)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('rejects the "none" algorithm', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: '133', role: 'admin', client_id: '1', exp: 9e9 })).toString('base64url');
    await expect(verifyAccessToken(`${header}.${body}.`, record)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});

describe('assertActsAs', () => {
  it('lets the caller act as themself in their role', () => {
    expect(() => assertActsAs({ userId: '133', role: 'agent' }, '133', 'agent')).not.toThrow();
  });
  it('lets an admin act for anyone', () => {
    expect(() => assertActsAs({ userId: '1', role: 'admin' }, '133', 'agent')).not.toThrow();
  });
  it.each([
    [{ userId: '134', role: 'agent' as const }, 'agent'],
    [{ userId: '133', role: 'user' as const }, 'agent'],
  ])('forbids %j acting as 133 the %s', (actor, role) => {
    expect(() => assertActsAs(actor, '133', role as 'agent')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});

describe('cachedRegistry', () => {
  it('serves warm lookups from memory until the TTL passes', async () => {
    let clock = 0;
    const load = jest.fn(async () => record);
    const registry = cachedRegistry({ load, ttlMs: 1000, now: () => clock });
    await Promise.all([registry.get('1'), registry.get('1')]);
    await registry.get('1');
    expect(load).toHaveBeenCalledTimes(1);
    clock = 1001;
    await registry.get('1');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('remembers an unknown client_id briefly, then looks again', async () => {
    let clock = 0;
    const load = jest.fn(async () => undefined);
    const registry = cachedRegistry({ load, ttlMs: 60_000, missTtlMs: 5000, now: () => clock });
    await registry.get('9');
    await registry.get('9');
    expect(load).toHaveBeenCalledTimes(1);
    clock = 5001;
    await registry.get('9');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('holds at most maxEntries client_ids, dropping the oldest', async () => {
    const load = jest.fn(async () => undefined);
    const registry = cachedRegistry({ load, ttlMs: 60_000, maxEntries: 2 });
    for (const id of ['1', '2', '3']) await registry.get(id);
    await registry.get('3');
    expect(load).toHaveBeenCalledTimes(3);
    await registry.get('1');
    expect(load).toHaveBeenCalledTimes(4);
  });
});

describe('the registry record rate_limit', () => {
  it('becomes the tenant’s send rate limit; absent, the default applies', () => {
    expect(toTenant(tenantRecord.parse({ ...record, rate_limit: { burst: 5, per_second: 0.5 } })).sendRateLimit).toEqual({ burst: 5, perSecond: 0.5 });
    expect(toTenant(tenantRecord.parse(record)).sendRateLimit).toBeUndefined();
  });

  it.each([{ burst: 0, per_second: 5 }, { burst: 2.5, per_second: 5 }, { burst: 20, per_second: 0 }, { burst: 20 }])('refuses %j', (rateLimit) => {
    expect(tenantRecord.safeParse({ ...record, rate_limit: rateLimit }).success).toBe(false);
  });
});
