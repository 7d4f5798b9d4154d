import type { Actor, TenantRecord } from './tenant';

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

export interface VerifiedTokenCache {
  /** The actor of a token that verified against this very tenant record and has not expired by `nowSeconds`. */
  get(token: string, tenant: VerifyingTenant, nowSeconds: number): Actor | undefined;
  /**
   * The `client_id` a token kept here claims: what decoding it would yield, without decoding it.
   * Nothing is vouched for by it; the token is still verified against the record it names.
   */
  claimedClientId(token: string): string | undefined;
  /** Remember a successful verification (never a failed one); returns the actor as kept, frozen. */
  set(token: string, tenant: VerifyingTenant, actor: Actor, expiresAt: number, nowSeconds: number): Actor;
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
    get(token, tenant, nowSeconds) {
      const entry = entries.get(token);
      if (!entry) return undefined;
      entries.delete(token);
      if (!sameSettings(entry, tenant) || nowSeconds >= entry.expiresAt || nowSeconds < entry.verifiedAt) return undefined;
      entries.set(token, entry);
      return entry.actor;
    },
    claimedClientId(token) {
      return entries.get(token)?.clientId;
    },
    set(token, tenant, actor, expiresAt, nowSeconds) {
      entries.delete(token);
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      const frozen: Actor = Object.freeze({ ...actor, ...(actor.orderIds && { orderIds: Object.freeze([...actor.orderIds]) }) });
      entries.set(token, { tenant, settings: settingsOf(tenant), clientId: tenant.client_id, actor: frozen, expiresAt, verifiedAt: nowSeconds });
      return frozen;
    },
    get size() {
      return entries.size;
    },
  };
};
