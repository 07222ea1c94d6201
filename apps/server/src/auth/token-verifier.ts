import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { messages } from '@acc/contracts';
import { badRequest, unauthorized } from '../errors.js';
import { introspect, introspectionMessages, type IntrospectionClient } from './introspection.js';
import { JWT_TIME_OPTIONS, tokenTimeProblem } from './token-times.js';

export interface IssuerTrust {
  issuer: string;
  /** Remote JWKS URL, or a key set held in memory (dev mode). */
  keys: { jwksUri: string } | { jwks: JSONWebKeySet };
  audience?: string;
}

type KeyResolver = ReturnType<typeof createRemoteJWKSet> | ReturnType<typeof createLocalJWKSet>;

/**
 * Verifies bearer JWTs: against the default issuer's keys with jose, or, for a registered OIDC tenant
 * (§3.1), by asking that tenant's authorisation server to introspect the token.
 */
export class TokenVerifier {
  private readonly keys: KeyResolver;

  constructor(private readonly trust: IssuerTrust | undefined) {
    this.keys = !trust
      ? createLocalJWKSet({ keys: [] })
      : 'jwksUri' in trust.keys
        ? createRemoteJWKSet(new URL(trust.keys.jwksUri), { timeoutDuration: 5000, cooldownDuration: 30_000 })
        : createLocalJWKSet(trust.keys.jwks);
  }

  /** The unverified `iss`, read first because it selects the tenant (§1.3 step 1). */
  static unverifiedIssuer(token: string): string {
    const payload = unverifiedPayload(token);
    if (typeof payload.iss !== 'string' || payload.iss === '') throw badRequest(messages.missingIss);
    return payload.iss;
  }

  /** The default tenant: a JWT signed by the configured issuer's keys. */
  async verify(token: string): Promise<JWTPayload> {
    const iss = TokenVerifier.unverifiedIssuer(token);
    if (!this.trust || iss !== this.trust.issuer) throw unauthorized(messages.issuerUntrusted);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.trust.issuer,
        audience: this.trust.audience,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
        ...JWT_TIME_OPTIONS,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthorized(messages.tokenExpired);
      throw unauthorized(messages.tokenInvalid);
    }
    // jose has judged exp and nbf; this adds the check it has no option for, an iat from the future.
    assertTimes(payload);
    return payload;
  }

  /**
   * A tenant's token: its authorisation server decides (RFC 7662), so its signing keys need not be known
   * here. The introspection answer is authoritative and overlays the token's own claims. The time
   * claims are held to the default tenant's rules before the network call: a token without `exp`, or
   * from the future, is refused even if its server would still call it active.
   */
  async verifyAtTenant(token: string, client: IntrospectionClient): Promise<JWTPayload> {
    const payload = unverifiedPayload(token);
    assertTimes(payload);
    const answer = await introspect(client, token);
    if (!answer) throw unauthorized(introspectionMessages.unavailable);
    const { active, ...introspected } = answer;
    if (active !== true) throw unauthorized(messages.tokenInvalid);
    return { ...payload, ...introspected };
  }
}

function assertTimes(payload: JWTPayload): void {
  const problem = tokenTimeProblem(payload, Math.floor(Date.now() / 1000));
  if (problem === 'expired') throw unauthorized(messages.tokenExpired);
  if (problem) throw unauthorized(messages.tokenInvalid);
}

function unverifiedPayload(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch {
    throw unauthorized(messages.tokenInvalid);
  }
}

export const bearerToken = (header: string | undefined): string => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) throw unauthorized(messages.missingToken);
  return match[1];
};
