import { config } from '../config';
import { getTenantRecord } from '../store/tenants';
import type { TenantRecord } from './tenant';

export interface TenantRegistry {
  get(clientId: string): Promise<TenantRecord | undefined>;
}

export interface CachedRegistryOptions {
  load: (clientId: string) => Promise<TenantRecord | undefined>;
  ttlMs: number;
  now?: () => number;
}

/**
 * Registry lookups cached per warm container, so a warm request makes no registry call.
 * Only found tenants are cached: a tenant created a moment ago must resolve at once.
 * Concurrent misses for one tenant share a single load.
 */
export const cachedRegistry = ({ load, ttlMs, now = Date.now }: CachedRegistryOptions): TenantRegistry => {
  const cache = new Map<string, { expiresAt: number; record: Promise<TenantRecord | undefined> }>();
  return {
    get(clientId) {
      const hit = cache.get(clientId);
      if (hit && hit.expiresAt > now()) return hit.record;
      const record = load(clientId).then(
        (found) => {
          if (!found) cache.delete(clientId);
          return found;
        },
        (error: unknown) => {
          cache.delete(clientId);
          throw error;
        },
      );
      cache.set(clientId, { expiresAt: now() + ttlMs, record });
      return record;
    },
  };
};

/** The container's registry, backed by the tenants table. */
export const tenantRegistry: TenantRegistry = cachedRegistry({
  load: getTenantRecord,
  ttlMs: config.tenantCacheTtlMs,
});
