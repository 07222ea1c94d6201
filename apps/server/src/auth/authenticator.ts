import type { JWTPayload } from 'jose';
import { messages } from '@acc/contracts';
import type { OidcTenantRow } from '@acc/db';
import type { Config } from '../config.js';
import { badRequest } from '../errors.js';
import type { ActorRepository } from '../modules/actors/actor-repository.js';
import type { SettingsRepository } from '../modules/settings/settings-repository.js';
import { AuthCache } from './auth-cache.js';
import type { Caller } from './caller.js';
import { AccessPolicy } from './entitlements.js';
import { tokenTimeProblem } from './token-times.js';
import { bearerToken, TokenVerifier } from './token-verifier.js';

const claimString = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Finds the OIDC tenant registered for an issuer (case-insensitive), if any. */
export interface TenantDirectory {
  findByIssuer(issuer: string): Promise<OidcTenantRow | null>;
}

/** Where a caller's identity and entitlements come from: the default tenant or a registered one (§3.1–§3.2). */
interface Realm {
  personClaim: string;
  serviceClaim: string;
  namespace: string;
  parent: string;
  source: 'database' | 'oidc';
  defaultTenant: boolean;
}

/**
 * Turns an Authorization header into a Caller: token verification (§3.1) by the token's issuer — a
 * registered OIDC tenant, else the default configuration — then the caller id and the entitlements from
 * that realm's source (§3.2), filtered by its namespace into an AccessPolicy.
 */
export class Authenticator {
  constructor(
    private readonly config: Config,
    private readonly verifier: TokenVerifier,
    private readonly actors: ActorRepository,
    private readonly settings: SettingsRepository,
    private readonly tenants: TenantDirectory,
    /**
     * Remembers the three lookups below, and the Caller of a verified default-tenant token, for
     * ACC_AUTH_CACHE_TTL_MS; admin changes invalidate it.
     */
    private readonly cache: AuthCache = new AuthCache(0),
  ) {}

  async authenticate(authorization: string | undefined): Promise<Caller> {
    const token = bearerToken(authorization);
    // A default-tenant token whose signature was verified within the TTL: only its time claims are judged
    // again. Tenant tokens are never remembered (their server is asked each time whether they are active).
    const key = `caller\0${token}`;
    const remembered = this.cache.remembered<Caller>(key);
    if (remembered) return this.unexpired(await remembered, token);
    const issuer = TokenVerifier.unverifiedIssuer(token);
    const tenant = await this.cache.get(`tenant\0${issuer}`, () => this.tenants.findByIssuer(issuer));
    if (tenant) {
      const claims = await this.verifier.verifyAtTenant(token, {
        url: `${tenant.authServerUrl}${tenant.introspectionPath}`,
        clientId: tenant.clientId,
        secret: tenant.secret,
      });
      return this.callerFrom(claims, {
        personClaim: tenant.userIdTokenClaim,
        serviceClaim: tenant.serviceIdTokenClaim,
        namespace: tenant.groupManagementNamespace,
        parent: tenant.groupManagementParent,
        source: tenant.entitlementManagement === 'oidc' ? 'oidc' : 'database',
        // Tenant admins never get the SYS bypass (§3.4).
        defaultTenant: false,
      });
    }
    return this.unexpired(await this.cache.get(key, () => this.defaultTenantCaller(token)), token);
  }

  /** A remembered caller whose token has expired since is verified afresh, which refuses it with the usual 401. */
  private unexpired(caller: Caller, token: string): Caller | Promise<Caller> {
    return tokenTimeProblem(caller.claims, Math.floor(Date.now() / 1000)) === undefined ? caller : this.defaultTenantCaller(token);
  }

  private async defaultTenantCaller(token: string): Promise<Caller> {
    const claims = await this.verifier.verify(token);
    const { namespace, parent } = this.config.entitlements;
    return this.callerFrom(claims, {
      personClaim: this.config.oidc.callerIdClaim,
      serviceClaim: this.config.oidc.serviceIdClaim,
      namespace,
      parent,
      // Read per request: PUT /admin/settings/ENTITLEMENTS_MANAGEMENT switches it at run time.
      source: await this.cache.get('setting\0entitlements-management', () => this.settings.entitlementsManagement(this.config.entitlements.source)),
      defaultTenant: true,
    });
  }

  private async callerFrom(claims: JWTPayload, realm: Realm): Promise<Caller> {
    const id = claimString(claims[realm.personClaim]) ?? claimString(claims[realm.serviceClaim]);
    if (!id) throw badRequest(messages.missingCallerId(realm.personClaim, realm.serviceClaim));
    const issuer = claims.iss as string;
    const claim = this.config.entitlements.claim;
    const raw =
      realm.source === 'oidc'
        ? (Array.isArray(claims[claim]) ? (claims[claim] as unknown[]) : []).filter((x): x is string => typeof x === 'string')
        : await this.cache.get(`entitlements\0${issuer}\0${id}`, () => this.actors.entitlementNames(id, issuer));
    return {
      id,
      issuer,
      name: claimString(claims.name) ?? '',
      email: claimString(claims.email) ?? '',
      claims,
      policy: AccessPolicy.fromStrings(raw, realm.namespace, { parent: realm.parent, defaultTenant: realm.defaultTenant }),
    };
  }
}
