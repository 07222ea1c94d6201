import type { JWTPayload } from 'jose';

/** Leeway for the clocks of issuers and this server: RFC 7519 §4.1.4–4.1.6 allow "a few minutes". */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * jose options every verified token is held to: an `exp` (a token without one would never expire),
 * and `exp`/`nbf` judged with the skew above.
 */
export const JWT_TIME_OPTIONS = { requiredClaims: ['exp'], clockTolerance: CLOCK_SKEW_SECONDS };

const numericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The time claims of a token, for the paths jose cannot judge: a tenant's token, which is introspected
 * rather than verified here, and `iat`, which jose checks for the future only together with a
 * `maxTokenAge` that would also cap every token's lifetime. Same rules and skew as JWT_TIME_OPTIONS:
 * `exp` required; `exp`, `nbf` and `iat` numeric when present; `iat` and `nbf` not beyond the skew ahead.
 */
export function tokenTimeProblem(payload: JWTPayload, nowSec: number): 'expired' | 'invalid' | undefined {
  const { exp, nbf, iat } = payload;
  if (!numericDate(exp)) return 'invalid';
  if ((nbf !== undefined && !numericDate(nbf)) || (iat !== undefined && !numericDate(iat))) return 'invalid';
  if (exp <= nowSec - CLOCK_SKEW_SECONDS) return 'expired';
  if ((nbf ?? -Infinity) > nowSec + CLOCK_SKEW_SECONDS || (iat ?? -Infinity) > nowSec + CLOCK_SKEW_SECONDS) return 'invalid';
  return undefined;
}
