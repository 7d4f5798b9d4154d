import type { JWK } from 'jose';
import { platformId } from '../../lib/ids';
import { getTenantRecord } from '../../lib/store/tenants';
import { signAccessToken } from '../../lib/tenancy/tokenSigner';
import { ROLES, type Role } from '../../lib/tenancy/tenant';
import { LOCAL_TENANTS } from './seed';

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

export interface LocalTokenClaims {
  /** The platform's `order_ids` claim: orders whose rooms a customer may enter. */
  orderIds?: ReadonlyArray<string | number>;
  issuer?: string;
  audience?: string;
}

const checked = (role: string, ttlSeconds: number): Role => {
  if (!isRole(role)) throw new Error(`Unknown role "${role}" (roles: ${ROLES.join(', ')})`);
  // A negative ttl is allowed on purpose: tests use it for an already-expired token.
  if (!Number.isInteger(ttlSeconds)) throw new Error(`ttl must be a whole number of seconds, got ${ttlSeconds}`);
  return role;
};

const clientIdArgument = (clientId: string | number): string => {
  const id = platformId.safeParse(String(clientId));
  if (!id.success) throw new Error(`--client-id must be a positive integer, got ${clientId}`);
  return id.data;
};

const claimOptions = ({ orderIds, issuer, audience }: LocalTokenClaims) => ({
  ...(orderIds && { orderIds: orderIds.map(String) }),
  ...(issuer && { issuer }),
  ...(audience && { audience }),
});

/** Signs with the tenant's newest HS256 secret; a tenant with public keys only is signed for with its private key. */
const signWithNewestSecret = (
  tenant: { client_id: string; jwt_secrets?: readonly string[] },
  userId: string | number,
  role: Role,
  ttlSeconds: number,
  claims: LocalTokenClaims,
): Promise<string> => {
  const secret = tenant.jwt_secrets?.[0];
  if (!secret) throw new Error(`Tenant ${tenant.client_id} has no signing secret (sign with its private key: --private-key-file)`);
  return signAccessToken({ secret, clientId: tenant.client_id, userId: String(userId), role, ttlSeconds, ...claimOptions(claims) });
};

/** An access token for a local tenant (LOCAL_TENANTS), signed with its development-only key. */
export const signLocalToken = (
  clientId: string | number,
  userId: string | number,
  role: string,
  ttlSeconds = 3600,
  claims: LocalTokenClaims = {},
): Promise<string> => {
  const verifiedRole = checked(role, ttlSeconds);
  const tenant = LOCAL_TENANTS.find((candidate) => candidate.client_id === String(clientId));
  if (!tenant) {
    const known = LOCAL_TENANTS.map((candidate) => candidate.client_id).join(', ');
    throw new Error(`No local tenant with client_id ${clientId} (local tenants: ${known})`);
  }
  return signWithNewestSecret(tenant, userId, verifiedRole, ttlSeconds, claims);
};

/** An access token for any tenant in the registry lib/config points at, signed with its newest key. */
export const signRegistryToken = async (
  clientId: string | number,
  userId: string | number,
  role: string,
  ttlSeconds = 3600,
  claims: LocalTokenClaims = {},
): Promise<string> => {
  const id = clientIdArgument(clientId);
  const verifiedRole = checked(role, ttlSeconds);
  const tenant = await getTenantRecord(id);
  if (!tenant) throw new Error(`No tenant with client_id ${id} in the registry`);
  return signWithNewestSecret(tenant, userId, verifiedRole, ttlSeconds, claims);
};

/**
 * An access token signed with a private JWK (its `kid` names the public key the tenant registered),
 * as a tenant's platform signs them; no secret of ours is involved, so any client_id may be named.
 */
export const signWithPrivateKey = (
  privateJwk: JWK,
  clientId: string | number,
  userId: string | number,
  role: string,
  ttlSeconds = 3600,
  claims: LocalTokenClaims = {},
): Promise<string> => {
  const id = clientIdArgument(clientId);
  return signAccessToken({ privateJwk, clientId: id, userId: String(userId), role: checked(role, ttlSeconds), ttlSeconds, ...claimOptions(claims) });
};
