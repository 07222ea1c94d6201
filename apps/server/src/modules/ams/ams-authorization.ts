import { createHash, timingSafeEqual } from 'node:crypto';

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
