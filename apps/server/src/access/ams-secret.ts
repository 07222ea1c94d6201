import { createHash, timingSafeEqual } from 'node:crypto';
import { amsMessages } from '@acc/contracts';
import type { Caller } from '../auth/caller.js';
import { AccessPolicy } from '../auth/entitlements.js';
import { forbidden } from '../errors.js';

/** The creator the spec gives everything made from AMS messages (§2.1). */
export const AMS_CREATOR = 'from-ams';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether the Authorization header equals one of the accepted values (§4.14), in constant time: both
 * sides are hashed to equal-length digests for `timingSafeEqual`, and every accepted value is compared
 * whatever the earlier ones gave, so neither which value matched nor any length is observable.
 * (fixed vs original: a plain string comparison.)
 */
export function authorizationMatches(header: string | undefined, accepted: readonly string[]): boolean {
  const given = digest(header ?? '');
  let matched = false;
  for (const value of accepted) matched = timingSafeEqual(given, digest(value)) || matched;
  return header !== undefined && matched;
}

/** The one AMS credential check (§4.14), run as the listener's pre-body rule; nothing else repeats it. */
export function assertAmsSecret(header: string | undefined, accepted: readonly string[]): void {
  if (!authorizationMatches(header, accepted)) throw forbidden(amsMessages.forbidden);
}

/**
 * Who the listener acts as once the secret has matched: installations are created under the rules of
 * §4.6, which check PRV[admin], so AMS is an admin of the entitlement parent, named `from-ams` (§2.1).
 */
export function amsPrincipal(parent: string): Caller {
  return {
    id: AMS_CREATOR,
    issuer: 'ams',
    name: 'AMS',
    email: '',
    claims: {},
    // Built directly: the principal's authority must not depend on the namespace forming a parseable string.
    policy: new AccessPolicy([{ group: parent, hierarchy: [], role: 'admin' }], { parent, defaultTenant: true }),
  };
}
