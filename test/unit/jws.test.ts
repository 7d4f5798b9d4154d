import { createHmac, createPrivateKey, createPublicKey, sign as signWith, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { protectedHeader, TokenRejected, verifyJws, type ClaimRules, type TokenFault, type VerificationKey } from '../../lib/tenancy/jws';

const secret = 'jws-test-secret-0123456789abcdef0123456789';
const NOW = 1_800_000_000;
const currentDate = new Date(NOW * 1000 + 400);

const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');
const encoder = new TextEncoder();

/** jose's error codes in the faults the caller tells apart. */
const FAULT_OF_JOSE_CODE: Record<string, TokenFault> = {
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature',
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'claim',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JOSE_NOT_SUPPORTED: 'malformed',
};

/** What a verification ends in: the payload, or the fault (and, for a claim, which and why). */
const outcome = async (verify: () => unknown) => {
  try {
    return { payload: await verify() };
  } catch (error) {
    if (error instanceof TokenRejected) return { fault: error.fault, claim: error.claim, reason: error.reason };
    const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string };
    return { fault: FAULT_OF_JOSE_CODE[code ?? ''] ?? String(error), claim, reason };
  }
};

type Algorithm = VerificationKey['algorithm'];

/** A key pair per asymmetric algorithm, as a tenant registers the public half (a JWK) and signs with the private one. */
const keyPairs = async () => {
  const pairs = {} as Record<Exclude<Algorithm, 'HS256'>, { publicKey: KeyObject; privateKey: KeyObject; otherPrivateKey: KeyObject }>;
  for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
    const [mine, other] = await Promise.all([generateKeyPair(alg, { extractable: true }), generateKeyPair(alg, { extractable: true })]);
    pairs[alg] = {
      publicKey: createPublicKey({ key: (await exportJWK(mine.publicKey)) as never, format: 'jwk' }),
      privateKey: createPrivateKey({ key: (await exportJWK(mine.privateKey)) as never, format: 'jwk' }),
      otherPrivateKey: createPrivateKey({ key: (await exportJWK(other.privateKey)) as never, format: 'jwk' }),
    };
  }
  return pairs;
};

/** The compact token `header.payload.signature`, signed by `algorithm` with the right key or another one. */
const signer = (pairs: Awaited<ReturnType<typeof keyPairs>>) => (algorithm: Algorithm, header: string, payload: string, rightKey: boolean) => {
  const input = `${header}.${payload}`;
  let signature: Buffer;
  if (algorithm === 'HS256') signature = createHmac('sha256', rightKey ? secret : `${secret}-not`).update(input).digest();
  else {
    const { privateKey, otherPrivateKey } = pairs[algorithm];
    const key = rightKey ? privateKey : otherPrivateKey;
    signature =
      algorithm === 'EdDSA'
        ? signWith(null, Buffer.from(input), key)
        : signWith('sha256', Buffer.from(input), algorithm === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  }
  return `${input}.${base64url(signature)}`;
};

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
/** Headers for `alg`: plain ones, and the critical-extension forms jose accepts or refuses. */
const headerFor = (alg: string) =>
  fc
    .constantFrom<Record<string, unknown>>(
      { alg },
      { alg, typ: 'JWT' },
      { typ: 'JWT', alg, kid: 'k1' },
      { alg, b64: false },
      { alg, b64: true, crit: ['b64'] },
      { alg, b64: 'yes', crit: ['b64'] },
      { alg, crit: ['b64'] },
      { alg, 'urn:x': 1, crit: ['urn:x'] },
      { alg, crit: [] },
      { alg, crit: 'b64', b64: true },
      { alg, crit: [''] },
    )
    .map((h) => base64url(JSON.stringify(h)));
const rules = fc.record({ issuer: fc.constantFrom(undefined, 'https://shop.test'), audience: fc.constantFrom(undefined, 'chat') }).map(
  ({ issuer, audience }): ClaimRules => ({ currentDate, ...(issuer && { issuer }), ...(audience && { audience }) }),
);

describe('verifyJws', () => {
  let pairs: Awaited<ReturnType<typeof keyPairs>>;
  let sign: ReturnType<typeof signer>;
  beforeAll(async () => {
    pairs = await keyPairs();
    sign = signer(pairs);
  });

  const verificationKey = (algorithm: Algorithm): VerificationKey =>
    algorithm === 'HS256' ? { algorithm, secret } : { algorithm, key: pairs[algorithm].publicKey };
  const joseKey = (algorithm: Algorithm) => (algorithm === 'HS256' ? encoder.encode(secret) : pairs[algorithm].publicKey);

  /** Ours: the header read as the caller reads it, then the token verified with the key for its algorithm. */
  const ours = (token: string, algorithm: Algorithm, given: ClaimRules) =>
    outcome(() => {
      protectedHeader(token);
      return verifyJws(token, verificationKey(algorithm), given);
    });
  const jose = (token: string, algorithm: Algorithm, given: ClaimRules) =>
    outcome(async () => (await jwtVerify(token, joseKey(algorithm), { algorithms: [algorithm], requiredClaims: ['exp'], ...given })).payload);

  it.each(['HS256', 'ES256', 'RS256', 'EdDSA'] as const)(
    "ends every %s token as jose's jwtVerify does: the same payload, or the same fault for the same claim",
    async (algorithm) => {
      await fc.assert(
        fc.asyncProperty(headerFor(algorithm), payloadText, fc.boolean(), rules, async (header, payload, rightKey, given) => {
          const token = sign(algorithm, header, payload, rightKey);
          const [mine, theirs] = await Promise.all([ours(token, algorithm, given), jose(token, algorithm, given)]);
          const decoded = JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>;
          // A header with `b64: false` under `crit` is refused by both; jose finds out after the signature.
          if (decoded.b64 === false && Array.isArray(decoded.crit)) expect([mine.fault, theirs.fault]).toEqual(['malformed', expect.any(String)]);
          else expect(mine).toEqual(theirs);
        }),
        { numRuns: algorithm === 'HS256' ? 1500 : 400 },
      );
    },
  );

  it('refuses a signature altered in any byte, or of the wrong length, for every algorithm', async () => {
    for (const algorithm of ['HS256', 'ES256', 'RS256', 'EdDSA'] as const) {
      const token = sign(algorithm, base64url(JSON.stringify({ alg: algorithm })), base64url(JSON.stringify({ exp: NOW + 60 })), true);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const bytes = Buffer.from(signature, 'base64url');
      expect(await ours(token, algorithm, { currentDate })).toEqual({ payload: { exp: NOW + 60 } });
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, flip) => {
          const altered = Buffer.from(bytes);
          altered[at]! ^= flip;
          expect(await ours(`${header}.${payload}.${base64url(altered)}`, algorithm, { currentDate })).toMatchObject({ fault: 'signature' });
        }),
        { numRuns: 50 },
      );
      for (const wrongLength of [bytes.subarray(1), Buffer.concat([bytes, Buffer.from([0])]), Buffer.alloc(0)]) {
        expect(await ours(`${header}.${payload}.${base64url(wrongLength)}`, algorithm, { currentDate })).toMatchObject({ fault: 'signature' });
      }
    }
  });

  it('accepts a good token and refuses the usual faults with the faults the caller maps', async () => {
    const h = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const p = (c: object) => base64url(JSON.stringify({ sub: '133', role: 'agent', client_id: '1', ...c }));
    const at = { currentDate };
    expect(await ours(sign('HS256', h, p({ exp: NOW + 60 }), true), 'HS256', at)).toEqual({ payload: { sub: '133', role: 'agent', client_id: '1', exp: NOW + 60 } });
    expect(await ours(sign('HS256', h, p({ exp: NOW }), true), 'HS256', at)).toMatchObject({ fault: 'expired' });
    expect(await ours(sign('HS256', h, p({ exp: NOW + 60 }), false), 'HS256', at)).toMatchObject({ fault: 'signature' });
    expect(await ours(sign('HS256', h, p({}), true), 'HS256', at)).toMatchObject({ fault: 'claim', claim: 'exp', reason: 'missing' });
    // No clock tolerance: the second after now is too early, now itself is not; exp is the other way round.
    expect(await ours(sign('HS256', h, p({ exp: NOW + 60, nbf: NOW + 1 }), true), 'HS256', at)).toMatchObject({ claim: 'nbf', reason: 'check_failed' });
    expect(await ours(sign('HS256', h, p({ exp: NOW + 1, nbf: NOW }), true), 'HS256', at)).toMatchObject({ payload: { nbf: NOW } });
    expect(await ours(sign('HS256', h, p({ exp: NOW + 60, aud: ['x'] }), true), 'HS256', { ...at, audience: 'chat' })).toMatchObject({ claim: 'aud' });
  });

  it('reads a protected header only when it is a JSON object naming alg, with nothing critical it does not understand', () => {
    const token = (header: unknown) => `${base64url(JSON.stringify(header))}.e30.c2ln`;
    expect(protectedHeader(token({ alg: 'ES256', kid: 'k' }))).toEqual({ alg: 'ES256', kid: 'k' });
    expect(protectedHeader(token({ alg: 'HS256', b64: true, crit: ['b64'] })).alg).toBe('HS256');
    for (const refused of [[], 'HS256', null, { kid: 'k' }, { alg: '' }, { alg: 5 }, { alg: 'HS256', crit: ['exp'], exp: 1 }, { alg: 'HS256', crit: ['b64'], b64: false }]) {
      expect(() => protectedHeader(token(refused))).toThrow(TokenRejected);
    }
    expect(() => protectedHeader('not-base64-json.e30.c2ln')).toThrow(TokenRejected);
  });
});
