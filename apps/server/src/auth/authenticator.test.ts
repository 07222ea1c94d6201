import type { JWTPayload } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Config } from '../config.js';
import type { ActorRepository } from '../modules/actors/actor-repository.js';
import type { SettingsRepository } from '../modules/settings/settings-repository.js';
import { AuthCache } from './auth-cache.js';
import { Authenticator } from './authenticator.js';
import type { TokenVerifier } from './token-verifier.js';

const ISSUER = 'https://issuer.example';
const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const NOW = Date.UTC(2026, 0, 1) / 1000;
const token = (claims: JWTPayload) => `${enc({ alg: 'RS256' })}.${enc(claims)}.sig`;

/** An authenticator on stubs: the verifier accepts every token until its exp (no skew here) and counts its calls. */
function setup(ttlMs: number) {
  const verified = { n: 0 };
  const verifier = {
    async verify(t: string) {
      verified.n++;
      const claims = JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()) as JWTPayload;
      if ((claims.exp ?? 0) * 1000 <= Date.now()) throw new Error('expired');
      return claims;
    },
  } as unknown as TokenVerifier;
  const config = {
    oidc: { callerIdClaim: 'sub', serviceIdClaim: 'client_id' },
    entitlements: { source: 'oidc', claim: 'entitlements', namespace: 'urn:x:group', parent: 'accounting' },
  } as unknown as Config;
  const settings = { entitlementsManagement: async () => 'oidc' } as unknown as SettingsRepository;
  const cache = new AuthCache(ttlMs);
  const auth = new Authenticator(config, verifier, {} as ActorRepository, settings, { findByIssuer: async () => null }, cache);
  return { auth, verified, cache };
}

describe('Authenticator with the authentication cache', () => {
  afterEach(() => vi.useRealTimers());

  it('verifies a default-tenant token once within the TTL, and again after an invalidation', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW * 1000 });
    const { auth, verified, cache } = setup(60_000);
    const header = `Bearer ${token({ iss: ISSUER, sub: 'alice', exp: NOW + 3600 })}`;
    const first = await auth.authenticate(header);
    expect(await auth.authenticate(header)).toBe(first);
    expect(verified.n).toBe(1);
    cache.invalidate();
    expect((await auth.authenticate(header)).id).toBe('alice');
    expect(verified.n).toBe(2);
  });

  it('refuses a remembered token once it has expired (beyond the clock skew)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW * 1000 });
    const { auth, verified } = setup(600_000);
    const header = `Bearer ${token({ iss: ISSUER, sub: 'alice', exp: NOW + 10 })}`;
    await auth.authenticate(header);
    vi.setSystemTime((NOW + 10 + 61) * 1000);
    await expect(auth.authenticate(header)).rejects.toThrow('expired');
    expect(verified.n).toBe(2);
  });

  it('verifies every time with a TTL of 0', async () => {
    const { auth, verified } = setup(0);
    const header = `Bearer ${token({ iss: ISSUER, sub: 'alice', exp: Math.floor(Date.now() / 1000) + 3600 })}`;
    await auth.authenticate(header);
    await auth.authenticate(header);
    expect(verified.n).toBe(2);
  });
});
