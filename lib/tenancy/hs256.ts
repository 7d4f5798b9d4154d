import { createHmac, timingSafeEqual } from 'node:crypto';
import { errors, type JWTPayload } from 'jose';
import { epochSeconds } from '../time';

/** What jose's `jwtVerify` is told for an access token, besides the key and `requiredClaims: ['exp']`. */
export interface ClaimRules {
  issuer?: string;
  audience?: string;
  currentDate: Date;
}

/** A protected header jose would treat as more than a plain JWS: these go through jose itself. */
export const isPlainHeader = (header: Record<string, unknown>): boolean => !('crit' in header) && !('b64' in header);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const numericDate = (claims: Record<string, unknown>, claim: string): number | undefined => {
  const value = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new errors.JWTClaimValidationFailed(`"${claim}" claim must be a number`, claims, claim, 'invalid');
  return value;
};

const unexpected = (claims: Record<string, unknown>, claim: string) =>
  new errors.JWTClaimValidationFailed(`unexpected "${claim}" claim value`, claims, claim, 'check_failed');

/**
 * jose's `jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['exp'], issuer,
 * audience, currentDate })` for a compact HS256 token whose header is plain (`isPlainHeader`), with
 * node:crypto's HMAC in place of WebCrypto's. On Node 20 WebCrypto hands each check to the thread
 * pool and normalises its arguments through WebIDL: a couple of hundred microseconds of CPU where
 * the HMAC itself takes one or two. Every check jose makes is made in jose's order and fails with
 * jose's error, so the caller's handling is the same: the signature (constant time), then the
 * payload as strict UTF-8 JSON holding an object, then the claims with no clock tolerance:
 * `iss`, `aud`, `exp` present; `iss` equal, `aud` equal or listing it; `iat` and `nbf` numbers
 * if present; `nbf` not after now; `exp` a number after now.
 *
 * The caller has checked that the token is three non-empty base64url parts with a canonical
 * signature, that its header parses (jose's `decodeProtectedHeader`), is plain and names HS256.
 */
export const verifyHs256 = (token: string, secret: string, { issuer, audience, currentDate }: ClaimRules): JWTPayload => {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new errors.JWSSignatureVerificationFailed();

  // A base64url text of 4n + 1 characters does not decode (Buffer would drop the odd one).
  if (payload.length % 4 === 1) throw new errors.JWSInvalid('Failed to base64url decode the payload');
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(Buffer.from(payload, 'base64url')));
  } catch {
    throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
  const claims = parsed as Record<string, unknown>;

  for (const claim of [...(issuer !== undefined ? ['iss'] : []), ...(audience !== undefined ? ['aud'] : []), 'exp']) {
    if (!Object.hasOwn(claims, claim)) throw new errors.JWTClaimValidationFailed(`missing required "${claim}" claim`, claims, claim, 'missing');
  }
  if (issuer !== undefined && claims.iss !== issuer) throw unexpected(claims, 'iss');
  if (audience !== undefined && !(claims.aud === audience || (Array.isArray(claims.aud) && claims.aud.includes(audience)))) {
    throw unexpected(claims, 'aud');
  }
  const now = epochSeconds(currentDate);
  numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > now) throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', claims, 'nbf', 'check_failed');
  const exp = numericDate(claims, 'exp')!;
  if (exp <= now) throw new errors.JWTExpired('"exp" claim timestamp check failed', claims, 'exp', 'check_failed');
  return claims as JWTPayload;
};
