import { config } from '../config';
import { getTenantRecord } from '../store/tenants';
import type { TenantRecord } from './tenant';

export interface TenantRegistry {
  get(clientId: string): Promise<TenantRecord | undefined>;
}

export interface CachedRegistryOptions {
  load: (clientId: string) => Promise<TenantRecord | undefined>;
  ttlMs: number;
  /** How long an unknown client_id is remembered as unknown. */
  missTtlMs?: number;
  /** At most this many client_ids are remembered; the oldest go first. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Registry lookups cached per warm container, so a warm request makes no registry call.
 * Unknown client_ids are remembered briefly, so made-up ids cannot drive a registry read per
 * request, yet a tenant registered a moment ago resolves within seconds. The cache is bounded,
 * so many made-up ids cannot grow it without limit. Concurrent misses for one tenant share a
 * single load.
 */
export const cachedRegistry = ({ load, ttlMs, missTtlMs = 5000, maxEntries = 10_000, now = Date.now }: CachedRegistryOptions): TenantRegistry => {
  const cache = new Map<string, { expiresAt: number; record: Promise<TenantRecord | undefined> }>();
  return {
    get(clientId) {
      const hit = cache.get(clientId);
      if (hit && hit.expiresAt > now()) return hit.record;
      cache.delete(clientId);
      while (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      const entry = { expiresAt: now() + ttlMs, record: Promise.resolve<TenantRecord | undefined>(undefined) };
      const record = load(clientId).then(
        (found) => {
          if (!found) entry.expiresAt = now() + missTtlMs;
          return found;
        },
        (error: unknown) => {
          if (cache.get(clientId) === entry) cache.delete(clientId);
          throw error;
        },
      );
      entry.record = record;
      cache.set(clientId, entry);
      return record;
    },
  };
};

/** The container's registry, backed by the tenants table. */
export const tenantRegistry: TenantRegistry = cachedRegistry({
  load: getTenantRecord,
  ttlMs: config.tenantCacheTtlMs,
  missTtlMs: config.tenantMissCacheTtlMs,
});
