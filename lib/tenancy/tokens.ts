import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import * as z from '../zod';
import { AppError } from '../errors';
import { platformId } from '../ids';
import { epochSeconds } from '../time';
import { algorithmOf, importPublicKey, type VerificationKey } from './publicKeys';
import { DEFAULT_MAX_TOKEN_TTL_SECONDS, ROLES, type Actor } from './tenant';
import { verifiedTokenCache, verifiedTokenKey, type VerifyingTenant } from './verifiedTokens';

/** How far a token's `iat` (and the maximum lifetime) may run ahead of our clock. */
export const CLOCK_SKEW_SECONDS = 60;

const accessClaims = z.object({
  sub: z.string().check(z.minLength(1)),
  role: z.enum(ROLES),
  client_id: platformId,
  /** Issued by the platform to a customer: the orders whose rooms they may enter. */
  order_ids: z.optional(z.array(platformId).check(z.maxLength(1000))),
});

const invalid = (message = 'Access token is invalid') => new AppError('TOKEN_INVALID', message);

/**
 * A warm container's verified tokens: a client sends the same token with every request until it
 * expires, and checking its signature again each time costs more CPU than the rest of the
 * middleware stack (an RSA or EC verification far more). At most this many; an entry is a token
 * and its actor.
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
 * A compact JWS whose three parts are canonical base64url. Decoders (jose's included) ignore the
 * unused low bits of a part's last character and padding, so one signature has several spellings;
 * only the canonical one is accepted, so no spelling of a verified token's signature can pose as
 * another token. (ES256 signatures have a second valid value, n − s, that anyone can compute: the
 * verified-token cache treats both as one token, lib/tenancy/verifiedTokens.ts.)
 */
const assertCompactJws = (token: string): void => {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => part.length > 0 && BASE64URL.test(part))) throw invalid();
  const signature = parts[2]!;
  if (Buffer.from(signature, 'base64url').toString('base64url') !== signature) throw invalid('Access token signature is not canonically encoded');
};

/** The header of a well-formed compact JWS, unverified (the signature covers it); TOKEN_INVALID for anything less. */
const headerOf = (token: string): ProtectedHeaderParameters => {
  assertCompactJws(token);
  try {
    return decodeProtectedHeader(token);
  } catch {
    throw invalid();
  }
};

/** Where a token's verification is kept in the container's cache: one entry for both spellings of an ES256 signature. */
const cacheKeyOf = (token: string): string => verifiedTokenKey(token, headerOf(token).alg);

/**
 * The `client_id` a token claims, unverified: it only picks which tenant's keys verify it. The
 * token must at least be a well-formed JWS, so no registry lookup happens for anything less. A
 * token that verified in this container before claims what it claimed then.
 */
export const claimedClientId = (token: string): string => {
  const known = verifiedTokens.claimedClientId(cacheKeyOf(token));
  if (known !== undefined) return known;
  try {
    const parsed = platformId.safeParse(decodeJwt(token).client_id);
    if (parsed.success) return parsed.data;
  } catch {
    // falls through: not a JWT at all
  }
  throw invalid();
};

type JoseKey = VerificationKey | Uint8Array;

/** A key and the algorithms jose may verify with it: exactly its type's (Ed25519 keys answer to both names of EdDSA). */
interface CandidateKey {
  key: JoseKey;
  algorithms: string[];
}

const encoder = new TextEncoder();

/**
 * What may verify this token, by its header: HS256 → the tenant's secrets (any, for rotation);
 * ES256 / RS256 / EdDSA → the one public key named by `kid` whose type pins exactly that
 * algorithm. Anything else verifies with nothing.
 */
const candidateKeys = async ({ alg, kid }: ProtectedHeaderParameters, tenant: VerifyingTenant): Promise<CandidateKey[]> => {
  if (alg === 'HS256') return (tenant.jwt_secrets ?? []).map((secret) => ({ key: encoder.encode(secret), algorithms: ['HS256'] }));
  const jwk = tenant.jwt_public_keys?.find((candidate) => candidate.kid === kid);
  if (!jwk) return [];
  const algorithm = algorithmOf(jwk);
  const algorithms = algorithm === 'EdDSA' ? ['EdDSA', 'Ed25519'] : [algorithm];
  if (!algorithms.includes(alg ?? '')) return [];
  const key = await importPublicKey(jwk);
  return key ? [{ key, algorithms }] : [];
};

/** Claims a JWT library does not check: a lifetime within the tenant's maximum and an `iat` not in the future. */
const assertLifetime = (payload: { exp?: number; iat?: number }, tenant: VerifyingTenant, nowSeconds: number): void => {
  const maxTtl = tenant.max_token_ttl_seconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS;
  if (payload.exp! - nowSeconds > maxTtl + CLOCK_SKEW_SECONDS) {
    throw invalid(`Access token lives longer than this tenant allows (${maxTtl} s)`);
  }
  if (payload.iat !== undefined && payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw invalid('Access token is issued in the future');
};

/**
 * Verify an access token against the tenant's keys with jose's `jwtVerify`: the algorithm pinned
 * by the key, `exp` required and bounded by the tenant's maximum lifetime; `iss`/`aud` are checked
 * when the tenant sets them. A token for another tenant is a mismatch, not a bad token. A token
 * that verified against this same record before and has not expired is answered from the
 * container's cache (lib/tenancy/verifiedTokens.ts).
 */
export const verifyAccessToken = async (token: string, tenant: VerifyingTenant, now = new Date()): Promise<Actor> => {
  const nowSeconds = epochSeconds(now);
  const header = headerOf(token);
  const cacheKey = verifiedTokenKey(token, header.alg);
  const cached = verifiedTokens.get(cacheKey, tenant, nowSeconds);
  if (cached) return cached;

  const options = {
    requiredClaims: ['exp'],
    currentDate: now,
    ...(tenant.token_issuer && { issuer: tenant.token_issuer }),
    ...(tenant.token_audience && { audience: tenant.token_audience }),
  };
  for (const { key, algorithms } of await candidateKeys(header, tenant)) {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, { ...options, algorithms }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') continue;
      if (code === 'ERR_JWT_EXPIRED') throw new AppError('TOKEN_EXPIRED', 'Access token has expired');
      throw invalid();
    }
    assertLifetime(payload, tenant, nowSeconds);
    const claims = accessClaims.safeParse(payload);
    if (!claims.success) throw invalid('Access token lacks sub, role or client_id, or has malformed order_ids');
    if (claims.data.client_id !== tenant.client_id) throw new AppError('TENANT_MISMATCH', 'Access token belongs to another tenant');
    const { sub: userId, role, order_ids: orderIds } = claims.data;
    return verifiedTokens.set(cacheKey, tenant, { userId, role, ...(orderIds && { orderIds }) }, payload.exp!, nowSeconds);
  }
  throw invalid();
};
