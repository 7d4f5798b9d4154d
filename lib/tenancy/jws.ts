import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { epochSeconds } from '../time';

/**
 * Compact JWS access tokens (RFC 7515, RFC 7519) checked with node:crypto: HS256 with a tenant's
 * shared secret; ES256, RS256 and EdDSA with a tenant's public key.
 *
 * Why not jose, which signs the tokens of our tooling and tests: bundled into every HTTP function,
 * parsing it costs each cold start about 0.06 of its load time over the DynamoDB-only bundle
 * (BENCHMARKS.md, cold start), for the few functions it would serve here. node:crypto is loaded
 * already. This module makes every check jose's `jwtVerify(token, key, { algorithms: [alg],
 * requiredClaims: ['exp'], issuer, audience, currentDate })` makes, in jose's order, and refuses
 * what jose refuses (a property test holds it to jose on random tokens, signatures and claims):
 * the protected header (a JSON object naming `alg`; `crit` lists only the extensions understood,
 * which is `b64`, and a JWT's payload is never unencoded), the signature, the payload (strict UTF-8
 * JSON holding an object), then the claims with no clock tolerance: `iss`, `aud`, `exp` present;
 * `iss` equal, `aud` equal or listing it; `iat` and `nbf` numbers if present; `nbf` not after now;
 * `exp` a number after now.
 */

/** A key that verifies exactly one algorithm: a secret verifies HS256 only, a public key its own type's. */
export type VerificationKey = { algorithm: 'HS256'; secret: string } | { algorithm: 'ES256' | 'RS256' | 'EdDSA'; key: KeyObject };

/** Besides the key and a required `exp`: the issuer and audience a tenant may require, and the clock. */
export interface ClaimRules {
  issuer?: string;
  audience?: string;
  currentDate: Date;
}

export type JwtClaims = Record<string, unknown> & { exp: number; iat?: number };

/**
 * Why a token was refused: its signature does not hold for the key (another key may hold), it
 * has expired, a claim fails (`claim`, and `reason` as jose names it), or it is malformed.
 */
export type TokenFault = 'signature' | 'expired' | 'claim' | 'malformed';

export class TokenRejected extends Error {
  constructor(
    readonly fault: TokenFault,
    message: string,
    readonly claim?: string,
    readonly reason?: 'missing' | 'invalid' | 'check_failed',
  ) {
    super(message);
    this.name = 'TokenRejected';
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const malformed = (message: string) => new TokenRejected('malformed', message);

/** A base64url part of a token as the JSON object it must hold; `what` names the part for the error. */
const jsonObject = (part: string, what: string): Record<string, unknown> => {
  // A base64url text of 4n + 1 characters does not decode (Buffer would drop the odd one).
  if (part.length % 4 === 1) throw malformed(`Failed to base64url decode the ${what}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(Buffer.from(part, 'base64url')));
  } catch {
    throw malformed(`${what} must be a top-level JSON object`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformed(`${what} must be a top-level JSON object`);
  return parsed as Record<string, unknown>;
};

/** The claims of a token, unverified: only to pick which tenant's keys verify it. */
export const unverifiedClaims = (token: string): Record<string, unknown> => jsonObject(token.split('.')[1] ?? '', 'JWT Claims Set');

/**
 * The protected header of a compact JWS, with `alg` a non-empty string and any `crit` understood:
 * critical extensions are only ever `b64` here, present in the header, a boolean, and true (a JWT
 * cannot have an unencoded payload). Anything else is refused, as jose refuses it.
 */
export const protectedHeader = (token: string): Record<string, unknown> & { alg: string } => {
  const header = jsonObject(token.split('.')[0] ?? '', 'protected header');
  const { alg, crit } = header;
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0 || crit.some((name) => typeof name !== 'string' || name.length === 0)) {
      throw malformed('"crit" must be an array of non-empty strings');
    }
    for (const name of crit as string[]) {
      if (name !== 'b64') throw malformed(`Extension Header Parameter "${name}" is not recognized`);
      if (header[name] === undefined) throw malformed(`Extension Header Parameter "${name}" is missing`);
    }
    if (typeof header.b64 !== 'boolean') throw malformed('The "b64" (base64url-encode payload) Header Parameter must be a boolean');
    if (header.b64 === false) throw malformed('JWTs MUST NOT use unencoded payload');
  }
  if (typeof alg !== 'string' || alg.length === 0) throw malformed('JWS "alg" (Algorithm) Header Parameter missing or invalid');
  return header as Record<string, unknown> & { alg: string };
};

const signatureHolds = (key: VerificationKey, signingInput: string, signature: Buffer): boolean => {
  if (key.algorithm === 'HS256') {
    const expected = createHmac('sha256', key.secret).update(signingInput).digest();
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
  const data = Buffer.from(signingInput);
  try {
    if (key.algorithm === 'EdDSA') return verify(null, data, key.key, signature);
    // JWS carries an ECDSA signature as r ‖ s (IEEE P1363), not DER.
    if (key.algorithm === 'ES256') return verify('sha256', data, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
    return verify('sha256', data, key.key, signature);
  } catch {
    // A signature of the wrong length for the key, for instance: it does not hold.
    return false;
  }
};

const numericDate = (claims: Record<string, unknown>, claim: string): number | undefined => {
  const value = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TokenRejected('claim', `"${claim}" claim must be a number`, claim, 'invalid');
  return value;
};

const unexpected = (claim: string) => new TokenRejected('claim', `unexpected "${claim}" claim value`, claim, 'check_failed');

/**
 * The claims of a compact token signed with `key`. The caller has checked that the token is three
 * non-empty base64url parts with a canonical signature, read its header with `protectedHeader`, and
 * chosen `key` for that header's `alg` (a key is never asked to verify another algorithm).
 */
export const verifyJws = (token: string, key: VerificationKey, { issuer, audience, currentDate }: ClaimRules): JwtClaims => {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  if (!signatureHolds(key, `${header}.${payload}`, Buffer.from(signature, 'base64url'))) throw new TokenRejected('signature', 'signature verification failed');

  const claims = jsonObject(payload, 'JWT Claims Set');
  for (const claim of [...(issuer !== undefined ? ['iss'] : []), ...(audience !== undefined ? ['aud'] : []), 'exp']) {
    if (!Object.hasOwn(claims, claim)) throw new TokenRejected('claim', `missing required "${claim}" claim`, claim, 'missing');
  }
  if (issuer !== undefined && claims.iss !== issuer) throw unexpected('iss');
  if (audience !== undefined && !(claims.aud === audience || (Array.isArray(claims.aud) && claims.aud.includes(audience)))) {
    throw unexpected('aud');
  }
  const now = epochSeconds(currentDate);
  numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > now) throw new TokenRejected('claim', '"nbf" claim timestamp check failed', 'nbf', 'check_failed');
  const exp = numericDate(claims, 'exp')!;
  if (exp <= now) throw new TokenRejected('expired', '"exp" claim timestamp check failed', 'exp', 'check_failed');
  return claims as JwtClaims;
};
