import { createPublicKey } from 'node:crypto';
import { importJWK } from 'jose';
import * as z from '../zod';

/**
 * A tenant's public signing keys (JWK, RFC 7517): tokens signed by the tenant's platform with a
 * private key we never hold. Each key type verifies exactly one algorithm, so a token cannot pick
 * a weaker or confused one (an RSA key is never used as an HMAC secret, …).
 */
export const ALGORITHM_OF_KEY = { EC: 'ES256', RSA: 'RS256', OKP: 'EdDSA' } as const;
export type PublicKeyAlgorithm = (typeof ALGORITHM_OF_KEY)[keyof typeof ALGORITHM_OF_KEY];

/** The smallest RSA modulus accepted, counted on the modulus itself (leading zero bytes are not bits). */
export const MIN_RSA_BITS = 2048;

/**
 * The only RSA public exponent accepted: 65537, spelt as every JWK library spells it. Small
 * exponents (3) are what the known RSA signature forgeries need; nothing a platform generates
 * today uses another.
 */
export const RSA_PUBLIC_EXPONENT = 'AQAB';

/** The bits of a big-endian unsigned integer: its leading zero bytes do not count. */
const bitLength = (bytes: Buffer): number => {
  const first = bytes.findIndex((byte) => byte !== 0);
  return first < 0 ? 0 : (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first]!));
};

/** The key members of a JWK, without its metadata (kid, use, key_ops, ext, alg). */
const keyMaterial = ({ kid: _kid, use: _use, key_ops: _ops, ext: _ext, alg: _alg, ...material }: PublicJwk) => material;

interface KeyProblem {
  path: string;
  message: string;
}

/**
 * Why a public JWK must not verify anything, or undefined when it may: an RSA modulus under
 * MIN_RSA_BITS or an exponent other than 65537, or key material node:crypto refuses to build a
 * key from (it checks that an EC point lies on its curve). Applied when a key is registered and
 * again before a key verifies a token, so a record that holds a weak key some other way still
 * verifies nothing with it.
 */
export const keyProblem = (jwk: PublicJwk): KeyProblem | undefined => {
  if (jwk.kty === 'RSA') {
    if (jwk.e !== RSA_PUBLIC_EXPONENT) return { path: 'e', message: `must be ${RSA_PUBLIC_EXPONENT} (65537)` };
    if (bitLength(Buffer.from(jwk.n, 'base64url')) < MIN_RSA_BITS) return { path: 'n', message: `must be a modulus of at least ${MIN_RSA_BITS} bits` };
  }
  try {
    createPublicKey({ key: keyMaterial(jwk), format: 'jwk' });
  } catch {
    if (jwk.kty === 'EC') return { path: 'x', message: 'x and y must be a point on the P-256 curve' };
    return { path: jwk.kty === 'RSA' ? 'n' : 'x', message: 'is not valid key material' };
  }
  return undefined;
};

/** The JWK shapes, built by `publicJwk` and `storedPublicJwk` on first use. */
const publicJwkShape = () => {
  const base64url = z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding'));
  const privateMember = z.optional(z.never({ error: 'is a private-key member: register the public key only' }));

  /** Members every public JWK may carry besides its key material; `kid` is required to select it. */
  const common = {
    kid: z.string().check(z.trim(), z.minLength(1, 'must name the key'), z.maxLength(200)),
    use: z.optional(z.literal('sig', { error: 'must be "sig"' })),
    key_ops: z.optional(z.array(z.literal('verify', { error: 'must be "verify"' }))),
    ext: z.optional(z.boolean()),
    d: privateMember,
  };

  const ecKey = z.strictObject({
    kty: z.literal('EC'),
    crv: z.literal('P-256', { error: 'must be P-256 (ES256)' }),
    x: base64url,
    y: base64url,
    alg: z.optional(z.literal('ES256', { error: 'must be ES256 for a P-256 key' })),
    ...common,
  });

  const rsaKey = z.strictObject({
    kty: z.literal('RSA'),
    n: base64url,
    e: base64url,
    alg: z.optional(z.literal('RS256', { error: 'must be RS256 for an RSA key' })),
    p: privateMember,
    q: privateMember,
    dp: privateMember,
    dq: privateMember,
    qi: privateMember,
    ...common,
  });

  const okpKey = z.strictObject({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519', { error: 'must be Ed25519 (EdDSA)' }),
    x: base64url,
    alg: z.optional(z.enum(['EdDSA', 'Ed25519'], { error: 'must be EdDSA for an Ed25519 key' })),
    ...common,
  });

  return z.discriminatedUnion('kty', [ecKey, rsaKey, okpKey], {
    error: 'must be a public JWK with kty EC (P-256), RSA or OKP (Ed25519)',
  });
};

const publicJwkSchema = () =>
  publicJwkShape().check(
    z.superRefine((jwk, ctx) => {
      const problem = keyProblem(jwk);
      if (problem) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    }),
  );

/**
 * One public JWK as a tenant registers it (`jwt_public_keys` of the tenant record): ES256 (EC
 * P-256), RS256 (RSA, ≥ 2048 bits, exponent 65537) or EdDSA (Ed25519), with a `kid`. Private
 * members and weak or invalid key material are refused (`keyProblem`). Built on first use
 * (`z.lazy`): every function parses tenant records, but only a record with public keys needs
 * these schemas, so a container serving only HS256 tenants never builds them.
 */
export const publicJwk = z.lazy(publicJwkSchema);

/**
 * A public JWK as the registry holds it: the shape only. A stored key that is weak or invalid (one
 * registered before these rules, or written some other way) does not make the whole tenant record
 * unreadable, which would refuse every token of the tenant and block `npm run tenant` from
 * repairing it; it verifies nothing instead (`importPublicKey`).
 */
export const storedPublicJwk = z.lazy(publicJwkShape);

export type PublicJwk = z.output<ReturnType<typeof publicJwkShape>>;

export const algorithmOf = (jwk: PublicJwk): PublicKeyAlgorithm => ALGORITHM_OF_KEY[jwk.kty];

/** What `importJWK` returns: a CryptoKey for the JWK's one algorithm. */
export type VerificationKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * Imported keys, per JWK object: the registry caches a tenant's record in the warm container, so a
 * key is imported once per record load rather than once per request. A key with a `keyProblem`,
 * or one jose refuses to import, resolves to undefined: it verifies nothing.
 */
const imported = new WeakMap<PublicJwk, Promise<VerificationKey | undefined>>();

export const importPublicKey = (jwk: PublicJwk): Promise<VerificationKey | undefined> => {
  let key = imported.get(jwk);
  if (!key) {
    key = keyProblem(jwk) ? Promise.resolve(undefined) : importJWK(keyMaterial(jwk), algorithmOf(jwk)).catch(() => undefined);
    imported.set(jwk, key);
  }
  return key;
};
