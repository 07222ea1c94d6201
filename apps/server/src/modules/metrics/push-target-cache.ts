import { LRUCache } from 'lru-cache';
import type { InstallationRef, PushTarget } from './push-target.js';

/** At most this many installations and as many definitions are remembered; the least recently used go first. */
export const PUSH_TARGET_CACHE_MAX_ENTRIES = 10_000;

export type KnownInstallation = NonNullable<PushTarget['installation']>;

const keyOf = (ref: InstallationRef) => ('installationId' in ref ? `i:${ref.installationId}` : `e:${ref.externalId}`);

/**
 * What single pushes found in the catalogue: the installation a path or external id named (with its
 * project and provider, which decide access) and the definitions that existed — remembered for `ttlMs`
 * so a push can skip its SELECT. A hint only, never trusted: the push that uses it stores its metric with
 * one INSERT that re-reads the installation and checks it still has the remembered project and provider
 * (and is still the first holder of the external id), while the definition's foreign key checks the
 * definition. When either check fails (no row inserted, a foreign-key error) the entries are dropped; then,
 * as after a rule violation or an access refusal, the push is answered by the uncached path from fresh
 * rows. So a deleted, moved or renamed installation or a deleted definition is never acted on, in this
 * process or another, whatever the TTL; and only found entities are remembered, so none is refused stale.
 */
export class PushTargetCache {
  private readonly installations: LRUCache<string, KnownInstallation> | undefined;
  private readonly definitions: LRUCache<string, true> | undefined;

  constructor(ttlMs: number, max = PUSH_TARGET_CACHE_MAX_ENTRIES) {
    const options = { max, ttl: ttlMs, ttlAutopurge: false } as const;
    this.installations = ttlMs > 0 ? new LRUCache<string, KnownInstallation>(options) : undefined;
    this.definitions = ttlMs > 0 ? new LRUCache<string, true>(options) : undefined;
  }

  /** The remembered installation and definition, only when both are remembered. */
  lookup(ref: InstallationRef, definitionId: string): KnownInstallation | undefined {
    if (!this.definitions?.has(definitionId)) return undefined;
    return this.installations?.get(keyOf(ref));
  }

  remember(ref: InstallationRef, definitionId: string, installation: KnownInstallation): void {
    this.definitions?.set(definitionId, true);
    this.installations?.set(keyOf(ref), installation);
  }

  forget(ref: InstallationRef, definitionId: string): void {
    this.definitions?.delete(definitionId);
    this.installations?.delete(keyOf(ref));
  }
}
