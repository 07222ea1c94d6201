import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { messages } from '@acc/contracts';
import { badRequest, unauthorized } from '../errors.js';

export interface IssuerTrust {
  issuer: string;
  /** Remote JWKS URL, or a key set held in memory (dev mode). */
  keys: { jwksUri: string } | { jwks: JSONWebKeySet };
  audience?: string;
}

type KeyResolver = ReturnType<typeof createRemoteJWKSet> | ReturnType<typeof createLocalJWKSet>;

/**
 * Verifies bearer JWTs against the default issuer's keys with jose. Tenant issuers (§3.1) plug in through
 * `resolveTenant`, which returns a verifier for that issuer or undefined for the default one.
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
    let payload: JWTPayload;
    try {
      payload = decodeJwt(token);
    } catch {
      throw unauthorized(messages.tokenInvalid);
    }
    if (typeof payload.iss !== 'string' || payload.iss === '') throw badRequest(messages.missingIss);
    return payload.iss;
  }

  async verify(token: string): Promise<JWTPayload> {
    const iss = TokenVerifier.unverifiedIssuer(token);
    if (!this.trust || iss !== this.trust.issuer) throw unauthorized(messages.issuerUntrusted);
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.trust.issuer,
        audience: this.trust.audience,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      });
      return payload;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthorized(messages.tokenExpired);
      throw unauthorized(messages.tokenInvalid);
    }
  }
}

export const bearerToken = (header: string | undefined): string => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) throw unauthorized(messages.missingToken);
  return match[1];
};
