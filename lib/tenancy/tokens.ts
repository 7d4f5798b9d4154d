import { decodeJwt, decodeProtectedHeader, errors, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as z from '../zod';
import { AppError } from '../errors';
import { platformId } from '../ids';
import { epochSeconds } from '../time';
import { isPlainHeader, verifyHs256 } from './hs256';
import { algorithmOf, importPublicKey } from './publicKeys';
import { DEFAULT_MAX_TOKEN_TTL_SECONDS, ROLES, type Actor, type Role } from './tenant';
import { verifiedTokenCache, type VerifyingTenant } from './verifiedTokens';

const encoder = new TextEncoder();

/** How far a token's `iat` (and the maximum lifetime) may run ahead of our clock. */
export const CLOCK_SKEW_SECONDS = 60;

const accessClaims = z.object({
  sub: z.string().check(z.minLength(1)),
  role: z.enum(ROLES),
  client_id: platformId,
  /** Issued by the platform to a customer: the orders whose rooms they may enter. */
  order_ids: z.optional(z.array(platformId).check(z.maxLength(1000))),
});

export type AccessClaims = z.output<typeof accessClaims>;

const invalid = (message = 'Access token is invalid') => new AppError('TOKEN_INVALID', message);

/**
 * A warm container's verified tokens: a client sends the same token with every request until it
 * expires, and checking its signature through WebCrypto again each time cost more CPU than all
 * the rest of the middleware stack. At most this many; an entry is a token and its actor.
 */
export const VERIFIED_TOKENS_KEPT = 1000;

const verifiedTokens = verifiedTokenCache({ maxEntries: VERIFIED_TOKENS_KEPT });

/** Accepts `Bearer <jwt>` and, as the seed page shows `{{Authorization}}`, the bare token. */
export const bearerToken = (authorization: string | undefined): string | undefined => {
  const token = authorization?.replace(/^Bearer\s+/i, '').trim();
  return token ? token : undefined;
};

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * A compact JWS whose three parts are canonical base64url. Decoders ignore the unused low bits of
 * the last character, so one signature has several spellings; only the canonical one is accepted,
 * so a token cannot be altered (and replayed as a "different" token) without the key.
 */
const assertCompactJws = (token: string): void => {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => part.length > 0 && BASE64URL.test(part))) throw invalid();
  const signature = parts[2]!;
  if (Buffer.from(signature, 'base64url').toString('base64url') !== signature) throw invalid('Access token signature is not canonically encoded');
};

/**
 * The `client_id` a token claims, unverified: it only picks which tenant's keys verify it. The
 * token must at least be a well-formed JWS, so no registry lookup happens for anything less. A
 * token that verified in this container before claims what it claimed then.
 */
export const claimedClientId = (token: string): string => {
  const known = verifiedTokens.claimedClientId(token);
  if (known !== undefined) return known;
  try {
    assertCompactJws(token);
    const parsed = platformId.safeParse(decodeJwt(token).client_id);
    if (parsed.success) return parsed.data;
  } catch {
    // falls through: not a JWT at all
  }
  throw invalid();
};

/**
 * HS256 secrets imported as WebCrypto keys, for the rare token whose header jose must read itself
 * (`crit`, `b64`): once per container, as importing costs as much as verifying. Keyed by the
 * secret; bounded by the registry's secrets seen by this container.
 */
const hmacKeys = new Map<string, Promise<CryptoKey>>();

const hmacKey = (secret: string): Promise<CryptoKey> => {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    hmacKeys.set(secret, key);
  }
  return key;
};

/**
 * What may verify this token, by its header: HS256 → the tenant's secrets (any, for rotation),
 * checked with node:crypto when the header is plain, else imported for jose; ES256 / RS256 / EdDSA
 * → the one public key named by `kid` whose type pins exactly that algorithm. Anything else
 * verifies with nothing.
 */
const candidateKeys = async (token: string, tenant: VerifyingTenant): Promise<{ algorithm: string; keys: Array<string | CryptoKey> }> => {
  const header = decodeProtectedHeader(token);
  const { alg, kid } = header;
  if (alg === 'HS256') {
    const secrets = tenant.jwt_secrets ?? [];
    return { algorithm: alg, keys: isPlainHeader(header) ? secrets : await Promise.all(secrets.map(hmacKey)) };
  }
  const jwk = tenant.jwt_public_keys?.find((key) => key.kid === kid);
  if (!jwk || algorithmOf(jwk) !== (alg === 'Ed25519' ? 'EdDSA' : alg)) return { algorithm: String(alg), keys: [] };
  return { algorithm: alg!, keys: [await importPublicKey(jwk)] };
};

/** Claims jose does not check: a lifetime within the tenant's maximum and an `iat` not in the future. */
const assertLifetime = (payload: { exp?: number; iat?: number }, tenant: VerifyingTenant, nowSeconds: number): void => {
  const maxTtl = tenant.max_token_ttl_seconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS;
  if (payload.exp! - nowSeconds > maxTtl + CLOCK_SKEW_SECONDS) {
    throw invalid(`Access token lives longer than this tenant allows (${maxTtl} s)`);
  }
  if (payload.iat !== undefined && payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw invalid('Access token is issued in the future');
};

/**
 * Verify an access token against the tenant's keys. `exp` is required and bounded by the
 * tenant's maximum lifetime; `iss`/`aud` are checked when the tenant sets them. A token for
 * another tenant is a mismatch, not a bad token. A token that verified against this same record
 * before and has not expired is answered from the container's cache (lib/tenancy/verifiedTokens.ts).
 */
export const verifyAccessToken = async (token: string, tenant: VerifyingTenant, now = new Date()): Promise<Actor> => {
  const nowSeconds = epochSeconds(now);
  return verifiedTokens.get(token, tenant, nowSeconds) ?? verifySignedToken(token, tenant, now, nowSeconds);
};

const verifySignedToken = async (token: string, tenant: VerifyingTenant, now: Date, nowSeconds: number): Promise<Actor> => {
  let candidates: Awaited<ReturnType<typeof candidateKeys>>;
  try {
    assertCompactJws(token);
    candidates = await candidateKeys(token, tenant);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw invalid();
  }
  const rules = {
    currentDate: now,
    ...(tenant.token_issuer && { issuer: tenant.token_issuer }),
    ...(tenant.token_audience && { audience: tenant.token_audience }),
  };
  for (const key of candidates.keys) {
    try {
      const payload =
        typeof key === 'string'
          ? verifyHs256(token, key, rules)
          : (await jwtVerify(token, key, { algorithms: [candidates.algorithm], requiredClaims: ['exp'], ...rules })).payload;
      assertLifetime(payload, tenant, nowSeconds);
      const claims = accessClaims.safeParse(payload);
      if (!claims.success) throw invalid('Access token lacks sub, role or client_id, or has malformed order_ids');
      if (claims.data.client_id !== tenant.client_id) {
        throw new AppError('TENANT_MISMATCH', 'Access token belongs to another tenant');
      }
      const { sub: userId, role, order_ids: orderIds } = claims.data;
      return verifiedTokens.set(token, tenant, { userId, role, ...(orderIds && { orderIds }) }, payload.exp!, nowSeconds);
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) continue;
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'Access token has expired');
      throw invalid();
    }
  }
  throw invalid();
};

export interface SignOptions {
  /** An HS256 secret, or a private JWK (with `kid`) signing with its key type's algorithm. */
  secret?: string;
  privateJwk?: JWK;
  clientId: string;
  userId: string;
  role: Role;
  ttlSeconds?: number;
  orderIds?: readonly string[];
  issuer?: string;
  audience?: string;
}

const PRIVATE_ALGORITHM: Record<string, string> = { EC: 'ES256', RSA: 'RS256', OKP: 'EdDSA' };

/** Issue an access token (local tooling and tests; production tokens come from the platform). */
export const signAccessToken = async ({
  secret,
  privateJwk,
  clientId,
  userId,
  role,
  ttlSeconds = 3600,
  orderIds,
  issuer,
  audience,
}: SignOptions): Promise<string> => {
  const jwt = new SignJWT({ client_id: clientId, role, ...(orderIds && { order_ids: [...orderIds] }) })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(epochSeconds(new Date()) + ttlSeconds);
  if (issuer) jwt.setIssuer(issuer);
  if (audience) jwt.setAudience(audience);
  if (privateJwk) {
    const alg = PRIVATE_ALGORITHM[privateJwk.kty ?? ''];
    if (!alg || !privateJwk.d) throw new Error('The signing key must be a private EC (P-256), RSA or OKP (Ed25519) JWK');
    if (!privateJwk.kid) throw new Error('The signing key needs a kid: the tenant selects its public key by it');
    return jwt.setProtectedHeader({ alg, kid: privateJwk.kid, typ: 'JWT' }).sign(await importJWK(privateJwk, alg));
  }
  if (!secret) throw new Error('A secret or a private key is needed to sign');
  return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(encoder.encode(secret));
};
