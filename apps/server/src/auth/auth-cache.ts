import { LRUCache } from 'lru-cache';

/** At most this many issuers, settings and callers are remembered; the least recently used go first. */
export const AUTH_CACHE_MAX_ENTRIES = 10_000;

/**
 * What authentication reads from the database on every request — the OIDC tenant of an issuer, the
 * ENTITLEMENTS_MANAGEMENT setting, a caller's entitlement names — remembered for `ttlMs`, so a push does not
 * pay three statements before its own work; also the caller made from a verified default-tenant token, so
 * its signature is not verified again on every request (its expiry still is). An admin change to settings, tenants or entitlements through
 * this process calls `invalidate()`, which takes effect for the next request; another instance of the
 * server sees such a change after at most `ttlMs`. `ttlMs = 0` turns the cache off (every read goes to
 * the database), which is what writes made behind the server's back (SQL, another tool) need.
 */
export class AuthCache {
  private readonly entries: LRUCache<string, { value: Promise<unknown> }> | undefined;

  /** `clock` replaces `performance` (tests); expired entries are dropped when next read, no timers. */
  constructor(ttlMs: number, options: { max?: number; clock?: { now(): number } } = {}) {
    const { max = AUTH_CACHE_MAX_ENTRIES, clock } = options;
    this.entries =
      ttlMs > 0 ? new LRUCache({ max, ttl: ttlMs, ttlAutopurge: false, ...(clock ? { perf: clock, ttlResolution: 0 } : {}) }) : undefined;
  }

  /**
   * The remembered value of `key`, else `load()`'s. Concurrent misses share one load; a failed load is
   * forgotten at once, so errors (a database outage) are never served from the cache.
   */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const entries = this.entries;
    if (!entries) return load();
    const hit = entries.get(key);
    if (hit) return hit.value as Promise<T>;
    const entry = { value: load() as Promise<unknown> };
    entries.set(key, entry);
    // Only this entry is dropped: a newer one (after an invalidation) for the same key stays.
    entry.value.catch(() => {
      if (entries.peek(key) === entry) entries.delete(key);
    });
    return entry.value as Promise<T>;
  }

  /** The value (or load in flight) remembered for `key`, without loading it. */
  remembered<T>(key: string): Promise<T> | undefined {
    return this.entries?.get(key)?.value as Promise<T> | undefined;
  }

  /**
   * Forgets everything: called after an admin change of settings, tenants or entitlements is committed.
   * A load still in flight is dropped with the rest, so what it read before the change is never kept.
   */
  invalidate(): void {
    this.entries?.clear();
  }
}
