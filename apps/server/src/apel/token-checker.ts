import { compactVerify, createRemoteJWKSet, decodeJwt, type JWTPayload } from 'jose';
import { introspect } from '../auth/introspection.js';
import { CLOCK_SKEW_SECONDS } from '../auth/token-times.js';
import { TrustedIssuers } from './trusted-issuers.js';

/** RS*, PS*, ES* only (spec §2.1.7): `none` and HMAC would let anyone who knows the alg mint tokens. */
export const APEL_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

export interface ApelTokenCheckerOptions {
  /** `IAM_HOSTNAME_LIST`: issuer URLs or bare host names (see trusted-issuers.ts); an unusable entry throws. */
  issuers: readonly string[];
  /**
   * Accept `http://` issuers on 127.0.0.1 / localhost, so tests and dev can run a local IAM. Any other
   * http issuer is still refused.
   */
  allowHttpIssuers?: boolean;
  /** `SERVER_IAM_ID` / `SERVER_IAM_SECRET`; introspection runs only when given. */
  introspection?: { clientId: string; clientSecret: string };
  /** Milliseconds since the epoch; injectable so expiry of cached tokens can be tested. */
  now?: () => number;
  fetchImpl?: typeof fetch;
  /** An IAM that hangs must not hold the request forever. */
  timeoutMs?: number;
  cacheTtlSeconds?: number;
  maxCacheEntries?: number;
}

interface CacheEntry {
  sub: string;
  /** Epoch seconds; the entry is dead from this instant on. */
  until: number;
}

/**
 * Bearer-token checks of spec §2.1. `check` resolves to the token's `sub`, or undefined for every
 * failure (all of which are 401 to the caller; the 403 of §2.2 is the route's decision).
 */
export class ApelTokenChecker {
  private readonly trusted: TrustedIssuers;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly ttl: number;
  private readonly maxEntries: number;
  private readonly cache = new Map<string, CacheEntry>();
  // Only trusted issuers ever get here, so this map is bounded by the configured list.
  private readonly jwks = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  constructor(private readonly opts: ApelTokenCheckerOptions) {
    this.trusted = new TrustedIssuers(opts.issuers, opts.allowHttpIssuers);
    this.now = opts.now ?? Date.now;
    this.fetchImpl = opts.fetchImpl ?? ((input, init) => fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.ttl = Math.min(opts.cacheTtlSeconds ?? 300, 300);
    this.maxEntries = opts.maxCacheEntries ?? 10_000;
  }

  async check(authorization: string | undefined): Promise<string | undefined> {
    // 1. The scheme word is deliberately not checked (the original read only the second word).
    const token = (authorization ?? '').trim().split(/\s+/)[1];
    if (!token) return undefined;

    // 2.
    let payload: JWTPayload;
    try {
      payload = decodeJwt(token);
    } catch {
      return undefined;
    }
    // 3.
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub === '') return undefined;

    const nowSec = Math.floor(this.now() / 1000);
    // 5 and 6 run before the cache lookup so a hit can never bypass them.
    if (!this.timesValid(payload, nowSec)) return undefined;
    const iss = payload.iss;
    if (typeof iss !== 'string') return undefined;
    const issuer = this.trusted.match(iss);
    if (!issuer) return undefined;

    // 4.
    const hit = this.cache.get(token);
    if (hit) {
      if (nowSec < hit.until && hit.sub === sub) return sub;
      this.cache.delete(token);
    }

    // 7 and 8 reach the configured issuer's URL, never one spelled by the token.
    if (!(await this.signatureValid(token, issuer.base))) return undefined;
    if (this.opts.introspection && !(await this.introspectionValid(token, issuer.base, sub, this.opts.introspection))) return undefined;

    this.remember(token, sub, Math.min(nowSec + this.ttl, payload.exp as number), nowSec);
    return sub;
  }

  /**
   * The spec's exact `iat`/`exp` rule (§2.1.5). The spec is silent on `nbf`; a token not valid yet is
   * refused beyond the clock skew the ARGO path allows too.
   */
  private timesValid(payload: JWTPayload, nowSec: number): boolean {
    const { iat, exp, nbf } = payload;
    if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(iat) || !Number.isFinite(exp)) return false;
    if (nbf !== undefined && (typeof nbf !== 'number' || !(nbf <= nowSec + CLOCK_SKEW_SECONDS))) return false;
    return iat <= nowSec && exp >= nowSec;
  }

  private async signatureValid(token: string, base: string): Promise<boolean> {
    const url = `${base}/jwk`;
    let keys = this.jwks.get(url);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(url), { timeoutDuration: this.timeoutMs, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      this.jwks.set(url, keys);
    }
    try {
      // compactVerify, not jwtVerify: the claim checks are the spec's own (steps 5–6), with its
      // exact boundaries, and `aud` must not be checked.
      await compactVerify(token, keys, { algorithms: APEL_TOKEN_ALGORITHMS });
      return true;
    } catch {
      return false;
    }
  }

  private async introspectionValid(
    token: string,
    base: string,
    sub: string,
    credentials: { clientId: string; clientSecret: string },
  ): Promise<boolean> {
    const answer = await introspect({ url: `${base}/introspect`, clientId: credentials.clientId, secret: credentials.clientSecret }, token, {
      fetchImpl: this.fetchImpl,
      timeoutMs: this.timeoutMs,
    });
    // Only client-credentials tokens carry client_id == sub: user tokens are refused on purpose.
    return answer?.active === true && answer.client_id === sub;
  }

  private remember(token: string, sub: string, until: number, nowSec: number): void {
    if (until <= nowSec) return;
    if (this.cache.size >= this.maxEntries) {
      for (const [key, entry] of this.cache) if (entry.until <= nowSec) this.cache.delete(key);
      // Still full of live entries: drop the oldest insertion rather than grow without bound.
      if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(token, { sub, until });
  }
}
