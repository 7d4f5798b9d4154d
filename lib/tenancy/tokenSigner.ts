import { importJWK, SignJWT, type JWK } from 'jose';
import { epochSeconds } from '../time';
import type { Role } from './tenant';

/**
 * Issuing access tokens, for local tooling and tests: production tokens come from the platform.
 * jose signs them, as it verifies them in the functions (lib/tenancy/tokens.ts); no Lambda
 * function imports this module.
 */

const encoder = new TextEncoder();

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

/** An access token for a tenant's user, signed with its HS256 secret or one of its private keys. */
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
