import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';

/** The issuer and admin the spec seeds in dev/test deployments (§2.5). */
export const DEV_ISSUER = 'http://localhost:58080/realms/quarkus';
export const DEV_ADMIN = { actorId: '507f1f77bcf86cd799439011', oidcId: 'admin_voperson_id' };

/** `<namespace>:<parent>:role=admin`, the system-admin entitlement (§3.4). */
export const systemAdminEntitlement = (namespace: string, parent: string) => `${namespace}:${parent}:role=admin`;
/** `<namespace>:<parent>:<project>:role=<role>`, a role on one project (§3.3). */
export const projectEntitlement = (namespace: string, parent: string, projectId: string, role: 'admin' | 'viewer') =>
  `${namespace}:${parent}:${projectId}:role=${role}`;

/** The claims of the dev admin's token; the entitlement claim makes it work in `oidc` mode as well. */
export const devAdminClaims = (namespace: string, parent: string) => ({
  sub: DEV_ADMIN.oidcId,
  name: 'Dev Admin',
  entitlements: [systemAdminEntitlement(namespace, parent)],
});

export interface DevKeys {
  privateJwk: JWK;
  jwks: JSONWebKeySet;
}

/**
 * Dev mode signs its own tokens. The key is kept in the data folder so tokens survive a restart and
 * `npm run dev:token` can mint more from the same key; in-memory deployments get a fresh key.
 */
export async function loadDevKeys(file?: string): Promise<DevKeys> {
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevKeys;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `dev-${Date.now().toString(36)}`;
  const keys: DevKeys = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' },
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] },
  };
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  }
  return keys;
}

export async function mintDevToken(keys: DevKeys, claims: Record<string, unknown>, ttl = '12h'): Promise<string> {
  const key = await importJWK(keys.privateJwk, 'RS256');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: keys.privateJwk.kid, typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key);
}
