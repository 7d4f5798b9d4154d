import type { Actor, TenantRecord } from './tenant';

/** The order of P-256's base point: an ES256 signature (r, s) holds exactly when (r, n − s) does. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_ORDER = P256_ORDER >> 1n;

/**
 * The cache key of a compact JWS whose parts are canonical base64url: the token itself, except that
 * an ES256 signature is written with the lower of its two valid `s` values. ECDSA signatures are
 * malleable: anyone can turn a token's (r, s) into (r, n − s) without the key, and both verify, so
 * keyed by the raw token the twin would be a second entry (and slip past any per-token list).
 * Keyed this way, a lookup can only hit an entry made by verifying a token with the same signing
 * input and the same signature up to that rewrite, which the lookup's own token therefore carries
 * validly too. Other algorithms have one signature per token (RSA PKCS#1 v1.5 and Ed25519 are
 * deterministic and strictly checked), and the canonical base64url spelling is enforced before.
 */
export const verifiedTokenKey = (token: string, alg: unknown): string => {
  if (alg !== 'ES256') return token;
  const dot = token.lastIndexOf('.');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  if (signature.length !== 64) return token;
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
  if (s <= P256_HALF_ORDER || s >= P256_ORDER) return token;
  const lowS = Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex');
  return `${token.slice(0, dot + 1)}${Buffer.concat([signature.subarray(0, 32), lowS]).toString('base64url')}`;
};

/** What a token's verification depends on besides the token and the clock. */
export type VerifyingTenant = Pick<
  TenantRecord,
  'client_id' | 'jwt_secrets' | 'jwt_public_keys' | 'max_token_ttl_seconds' | 'token_issuer' | 'token_audience'
>;

const VERIFYING_FIELDS = [
  'client_id',
  'jwt_secrets',
  'jwt_public_keys',
  'max_token_ttl_seconds',
  'token_issuer',
  'token_audience',
] as const satisfies ReadonlyArray<keyof VerifyingTenant>;

interface VerifiedToken {
  /** The record the token verified against, and its verifying fields as they were then. */
  tenant: VerifyingTenant;
  settings: ReadonlyArray<VerifyingTenant[keyof VerifyingTenant]>;
  /** The token's `client_id` claim (the record's, as it verified). */
  clientId: string;
  actor: Actor;
  /** The token's `exp`: from this second on it is expired. */
  expiresAt: number;
  /** The clock (epoch seconds) when it verified; an earlier clock is not trusted with the result. */
  verifiedAt: number;
}

/** Entries are keyed by `verifiedTokenKey`, so both spellings of an ES256 signature are one entry. */
export interface VerifiedTokenCache {
  /** The actor of a token that verified against this very tenant record and has not expired by `nowSeconds`. */
  get(key: string, tenant: VerifyingTenant, nowSeconds: number): Actor | undefined;
  /**
   * The `client_id` a token kept here claims: what decoding it would yield, without decoding it.
   * Nothing is vouched for by it; the token is still verified against the record it names.
   */
  claimedClientId(key: string): string | undefined;
  /** Remember a successful verification (never a failed one); returns the actor as kept, frozen. */
  set(key: string, tenant: VerifyingTenant, actor: Actor, expiresAt: number, nowSeconds: number): Actor;
  readonly size: number;
}

const settingsOf = (tenant: VerifyingTenant) => VERIFYING_FIELDS.map((field) => tenant[field]);

const sameSettings = (entry: VerifiedToken, tenant: VerifyingTenant): boolean =>
  entry.tenant === tenant && VERIFYING_FIELDS.every((field, index) => entry.settings[index] === tenant[field]);

/**
 * Tokens that verified in this container, so a client's repeat requests with its token skip the
 * signature check. A token's checks depend on the token, the tenant's record and the clock:
 * - the record: an entry serves only the same record object with the same secrets, public keys,
 *   lifetime limit, issuer, audience and client_id it verified with. The registry replaces a
 *   record when it reloads it, so a rotated or dropped secret, a new limit, issuer or audience
 *   takes effect for cached tokens when it does for new ones, and another tenant never matches.
 *   (Whether the tenant is active is decided after verification on every request.)
 * - the clock: `exp` is checked against it on every hit. The other time checks (lifetime within
 *   the tenant's maximum, `iat` and `nbf` not in the future) only get easier as time passes, so
 *   they hold while the clock has not gone back behind the verification; if it has, the entry is
 *   not used.
 * Only successes are kept, so a bad token is verified (and refused) every time. Bounded: the
 * least recently used entries go first.
 */
export const verifiedTokenCache = ({ maxEntries }: { maxEntries: number }): VerifiedTokenCache => {
  const entries = new Map<string, VerifiedToken>();
  return {
    get(key, tenant, nowSeconds) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (!sameSettings(entry, tenant) || nowSeconds >= entry.expiresAt || nowSeconds < entry.verifiedAt) return undefined;
      entries.set(key, entry);
      return entry.actor;
    },
    claimedClientId(key) {
      return entries.get(key)?.clientId;
    },
    set(key, tenant, actor, expiresAt, nowSeconds) {
      entries.delete(key);
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      const frozen: Actor = Object.freeze({ ...actor, ...(actor.orderIds && { orderIds: Object.freeze([...actor.orderIds]) }) });
      entries.set(key, { tenant, settings: settingsOf(tenant), clientId: tenant.client_id, actor: frozen, expiresAt, verifiedAt: nowSeconds });
      return frozen;
    },
    get size() {
      return entries.size;
    },
  };
};
