import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { AppError } from '../errors';
import { platformId } from '../ids';
import { ROLES, type Actor, type Role } from './tenant';

const encoder = new TextEncoder();

const accessClaims = z.object({
  sub: z.string().min(1),
  role: z.enum(ROLES),
  client_id: platformId,
  /** Issued by the platform to a customer: the orders whose rooms they may enter. */
  order_ids: z.array(platformId).max(1000).optional(),
});

export type AccessClaims = z.output<typeof accessClaims>;

/** Accepts `Bearer <jwt>` and, as the seed page shows `{{Authorization}}`, the bare token. */
export const bearerToken = (authorization: string | undefined): string | undefined => {
  const token = authorization?.replace(/^Bearer\s+/i, '').trim();
  return token ? token : undefined;
};

/** The `client_id` a token claims, unverified: it only picks which tenant's keys verify it. */
export const claimedClientId = (token: string): string => {
  try {
    const parsed = platformId.safeParse(decodeJwt(token).client_id);
    if (parsed.success) return parsed.data;
  } catch {
    // falls through: not a JWT at all
  }
  throw new AppError('TOKEN_INVALID', 'Access token is invalid');
};

/**
 * Verify an HS256 access token against the tenant's keys (any of them, for rotation).
 * `exp` is required; a token for another tenant is a mismatch, not a bad token.
 */
export const verifyAccessToken = async (
  token: string,
  tenant: { client_id: string; jwt_secrets: readonly string[] },
): Promise<Actor> => {
  for (const secret of tenant.jwt_secrets) {
    try {
      const { payload } = await jwtVerify(token, encoder.encode(secret), {
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
      });
      const claims = accessClaims.safeParse(payload);
      if (!claims.success) throw new AppError('TOKEN_INVALID', 'Access token lacks sub, role or client_id, or has malformed order_ids');
      if (claims.data.client_id !== tenant.client_id) {
        throw new AppError('TENANT_MISMATCH', 'Access token belongs to another tenant');
      }
      const { sub: userId, role, order_ids: orderIds } = claims.data;
      return { userId, role, ...(orderIds && { orderIds }) };
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) continue;
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'Access token has expired');
      throw new AppError('TOKEN_INVALID', 'Access token is invalid');
    }
  }
  throw new AppError('TOKEN_INVALID', 'Access token is invalid');
};

export interface SignOptions {
  secret: string;
  clientId: string;
  userId: string;
  role: Role;
  ttlSeconds?: number;
  orderIds?: readonly string[];
}

/** Issue an access token (local tooling and tests; production tokens come from the platform). */
export const signAccessToken = ({ secret, clientId, userId, role, ttlSeconds = 3600, orderIds }: SignOptions): Promise<string> =>
  new SignJWT({ client_id: clientId, role, ...(orderIds && { order_ids: [...orderIds] }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(encoder.encode(secret));
