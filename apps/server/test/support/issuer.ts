import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

export const NS = 'urn:geant:sandbox.eosc-beyond.eu:core:integration:group';
/** An entitlement string under the default namespace and parent, e.g. ent('role=admin'). */
export const ent = (rest: string) => `${NS}:accounting:${rest}`;

export interface TestIssuer {
  issuer: string;
  jwksUri: string;
  /** Signs a token for `sub` with extra claims; `exp`/`iat` may be overridden to test expiry. */
  token(claims?: Record<string, unknown>, opts?: { expiresIn?: string | number; issuer?: string; kid?: string }): Promise<string>;
  /** A token signed by a key the JWKS does not publish. */
  foreignToken(claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** A real OIDC-style issuer on 127.0.0.1 serving its JWKS, as production would reach Keycloak. */
export async function startTestIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server = http.createServer((req, res) => {
    if (req.url === '/jwks') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ keys: [jwk] }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/realms/test`;
  const sign = (key: CryptoKey, kid: string, claims: Record<string, unknown>, opts: { expiresIn?: string | number; issuer?: string } = {}) => {
    const jwt = new SignJWT({ sub: 'tester', ...claims }).setProtectedHeader({ alg: 'RS256', kid }).setIssuedAt();
    if (opts.issuer !== '') jwt.setIssuer(opts.issuer ?? issuer);
    jwt.setExpirationTime(opts.expiresIn ?? '1h');
    return jwt.sign(key);
  };
  return {
    issuer,
    jwksUri: `${base}/jwks`,
    token: (claims = {}, opts = {}) => sign(privateKey, opts.kid ?? 'test-key', claims, opts),
    foreignToken: (claims = {}) => sign(foreign.privateKey, 'test-key', claims),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
