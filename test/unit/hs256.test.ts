import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { jwtVerify } from 'jose';
import { isPlainHeader, verifyHs256, type ClaimRules } from '../../lib/tenancy/hs256';

const secret = 'hs256-test-secret-0123456789abcdef0123456789';
const NOW = 1_800_000_000;
const currentDate = new Date(NOW * 1000 + 400);

const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');
const signed = (header: string, payload: string, key: string) =>
  `${header}.${payload}.${createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url')}`;

/** What a verification ends in: the payload, or jose's error code (and, for a claim, which and why). */
const outcome = async (verify: () => unknown) => {
  try {
    return { payload: await verify() };
  } catch (error) {
    const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string };
    return { code: code ?? String(error), claim, reason };
  }
};

const jose = (token: string, rules: ClaimRules) =>
  outcome(async () => (await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'], requiredClaims: ['exp'], ...rules })).payload);
const ours = (token: string, rules: ClaimRules) => outcome(() => verifyHs256(token, secret, rules));

const time = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: NOW - 5, max: NOW + 5 }),
  fc.double({ min: NOW - 5, max: NOW + 5, noNaN: true }),
  fc.constantFrom(String(NOW + 60), null, true, 0, -1),
);
const claims = fc.record(
  {
    sub: fc.constantFrom('133', 133, ''),
    role: fc.constantFrom('agent', 'admin'),
    client_id: fc.constantFrom('1', 1),
    exp: time,
    iat: time,
    nbf: time,
    iss: fc.constantFrom('https://shop.test', 'https://other.test', ['https://shop.test'], 5, null),
    aud: fc.constantFrom('chat', 'other', ['x', 'chat'], ['x'], [], 5, null),
  },
  { requiredKeys: [] },
);
const payloadText = fc.oneof(
  { weight: 6, arbitrary: claims.map((c) => base64url(JSON.stringify(c))) },
  { weight: 1, arbitrary: fc.constantFrom('[]', '5', '"exp"', 'null', '{"exp":', '\ufeff{"exp":1800000060}').map(base64url) },
  // Not UTF-8, or not base64url text of a valid length.
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      base64url(Buffer.concat([Buffer.from('{"exp":1800000060,"sub":"'), Buffer.from([0xff]), Buffer.from('"}')])),
      base64url(Buffer.from([0x7b, 0xff, 0x7d])),
      'eyJleHAiOjE4MDAwMDAwNjB9A',
      'A',
    ),
  },
);
const header = fc.constantFrom({ alg: 'HS256' }, { alg: 'HS256', typ: 'JWT' }, { typ: 'JWT', alg: 'HS256', kid: 'k1' }).map((h) => base64url(JSON.stringify(h)));
const rules = fc.record({ issuer: fc.constantFrom(undefined, 'https://shop.test'), audience: fc.constantFrom(undefined, 'chat') }).map(
  ({ issuer, audience }): ClaimRules => ({ currentDate, ...(issuer && { issuer }), ...(audience && { audience }) }),
);

describe('verifyHs256', () => {
  it("ends every plain HS256 token as jose's jwtVerify does: the same payload, or the same error for the same claim", async () => {
    await fc.assert(
      fc.asyncProperty(header, payloadText, fc.boolean(), rules, async (encodedHeader, payload, rightKey, given) => {
        const token = signed(encodedHeader, payload, rightKey ? secret : `${secret}-not`);
        expect(await ours(token, given)).toEqual(await jose(token, given));
      }),
      { numRuns: 1500 },
    );
  });

  it('accepts a good token and refuses the usual faults with the errors the caller maps', async () => {
    const h = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const p = (c: object) => base64url(JSON.stringify({ sub: '133', role: 'agent', client_id: '1', ...c }));
    const at = { currentDate };
    expect(await ours(signed(h, p({ exp: NOW + 60 }), secret), at)).toEqual({ payload: { sub: '133', role: 'agent', client_id: '1', exp: NOW + 60 } });
    expect(await ours(signed(h, p({ exp: NOW }), secret), at)).toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    expect(await ours(signed(h, p({ exp: NOW + 60 }), 'another-secret-0123456789abcdef0123456789'), at)).toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(await ours(signed(h, p({}), secret), at)).toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'exp', reason: 'missing' });
    expect(await ours(signed(h, p({ exp: NOW + 60, nbf: NOW + 30 }), secret), at)).toMatchObject({ claim: 'nbf', reason: 'check_failed' });
    expect(await ours(signed(h, p({ exp: NOW + 60, aud: ['x'] }), secret), { ...at, audience: 'chat' })).toMatchObject({ claim: 'aud' });
  });

  it('leaves headers with crit or b64 to jose', () => {
    expect(isPlainHeader({ alg: 'HS256', typ: 'JWT', kid: 'k' })).toBe(true);
    expect(isPlainHeader({ alg: 'HS256', crit: ['b64'], b64: false })).toBe(false);
    expect(isPlainHeader({ alg: 'HS256', b64: true })).toBe(false);
  });
});
