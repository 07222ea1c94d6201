import { messages } from '@acc/contracts';
import type { Config } from '../config.js';
import { badRequest } from '../errors.js';
import type { ActorRepository } from '../modules/actors/actor-repository.js';
import type { SettingsRepository } from '../modules/settings/settings-repository.js';
import type { Caller } from './caller.js';
import { AccessPolicy } from './entitlements.js';
import { bearerToken, TokenVerifier } from './token-verifier.js';

const claimString = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * Turns an Authorization header into a Caller: token verification (§3.1), the caller id, and the
 * entitlements from the configured source (§3.2), filtered by namespace into an AccessPolicy.
 */
export class Authenticator {
  constructor(
    private readonly config: Config,
    private readonly verifier: TokenVerifier,
    private readonly actors: ActorRepository,
    private readonly settings: SettingsRepository,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Caller> {
    const token = bearerToken(authorization);
    const claims = await this.verifier.verify(token);
    const { callerIdClaim, serviceIdClaim } = this.config.oidc;
    const id = claimString(claims[callerIdClaim]) ?? claimString(claims[serviceIdClaim]);
    if (!id) throw badRequest(messages.missingCallerId(callerIdClaim, serviceIdClaim));
    const issuer = claims.iss as string;
    const { namespace, parent, claim } = this.config.entitlements;
    const source = await this.settings.entitlementsManagement(this.config.entitlements.source);
    const raw =
      source === 'oidc'
        ? (Array.isArray(claims[claim]) ? (claims[claim] as unknown[]) : []).filter((x): x is string => typeof x === 'string')
        : await this.actors.entitlementNames(id, issuer);
    return {
      id,
      issuer,
      name: claimString(claims.name) ?? '',
      email: claimString(claims.email) ?? '',
      claims,
      policy: AccessPolicy.fromStrings(raw, namespace, { parent, defaultTenant: true }),
    };
  }
}
