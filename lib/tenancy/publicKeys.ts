import { createPublicKey, type KeyObject } from 'node:crypto';
import * as z from '../zod';

/**
 * A tenant's public signing keys (JWK, RFC 7517): tokens signed by the tenant's platform with a
 * private key we never hold. Each key type verifies exactly one algorithm, so a token cannot pick
 * a weaker or confused one (an RSA key is never used as an HMAC secret, …).
 */
export const ALGORITHM_OF_KEY = { EC: 'ES256', RSA: 'RS256', OKP: 'EdDSA' } as const;
export type PublicKeyAlgorithm = (typeof ALGORITHM_OF_KEY)[keyof typeof ALGORITHM_OF_KEY];

const MIN_RSA_BITS = 2048;

/** The JWK schemas, built by `publicJwk` on first use. */
const publicJwkSchema = () => {
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
    n: base64url.check(z.refine((n) => Buffer.from(n, 'base64url').length * 8 >= MIN_RSA_BITS, `must be at least ${MIN_RSA_BITS} bits`)),
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

/**
 * One public JWK as a tenant registers it (`jwt_public_keys` of the tenant record): ES256 (EC
 * P-256), RS256 (RSA, ≥ 2048 bits) or EdDSA (Ed25519), with a `kid`. Private members are refused.
 * Built on first use (`z.lazy`): every function parses tenant records, but only a record with
 * public keys needs these schemas, so a container serving only HS256 tenants never builds them.
 */
export const publicJwk = z.lazy(publicJwkSchema);

export type PublicJwk = z.output<typeof publicJwk>;

export const algorithmOf = (jwk: PublicJwk): PublicKeyAlgorithm => ALGORITHM_OF_KEY[jwk.kty];

/**
 * Imported keys, per JWK object: the registry caches a tenant's record in the warm container, so a
 * key is imported once per record load rather than once per request. node:crypto validates the
 * key material (an EC point on its curve, an RSA modulus); a key it refuses verifies nothing.
 */
const imported = new WeakMap<PublicJwk, KeyObject>();

export const importPublicKey = (jwk: PublicJwk): KeyObject => {
  let key = imported.get(jwk);
  if (!key) {
    const { kid: _kid, use: _use, key_ops: _ops, ext: _ext, alg: _alg, ...material } = jwk;
    key = createPublicKey({ key: material, format: 'jwk' });
    imported.set(jwk, key);
  }
  return key;
};
