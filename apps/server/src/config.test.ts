import { describe, expect, it } from 'vitest';
import { ConfigError, insecureDefaults, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('refuses to start in production without a token issuer', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/ACC_OIDC_ISSUER/);
  });

  it('starts in dev mode without an issuer, on PGlite in ./.acc-data', () => {
    const c = loadConfig({}, { dev: true });
    expect(c.database).toEqual({ dataDir: './.acc-data' });
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, publicUrl: 'http://localhost:8080', dev: true });
  });

  it('uses PostgreSQL when ACC_DATABASE_URL is set and derives the Keycloak JWKS path', () => {
    const c = loadConfig({ ACC_DATABASE_URL: 'postgres://u@h/db', ACC_OIDC_ISSUER: 'https://idp/realms/r/' });
    // No timeouts given: the database package's defaults apply.
    expect(c.database).toEqual({ url: 'postgres://u@h/db', timeouts: {} });
    expect(c.oidc.jwksUri).toBe('https://idp/realms/r/protocol/openid-connect/certs');
  });

  it('bounds the request bodies held at once (ACC_MAX_BODY_BYTES_IN_FLIGHT) and refuses bad values', () => {
    expect(loadConfig({}, { dev: true }).limits.maxBodyBytesInFlight).toBe(64 * 1024 * 1024);
    expect(loadConfig({ ACC_MAX_BODY_BYTES_IN_FLIGHT: '1048576' }, { dev: true }).limits.maxBodyBytesInFlight).toBe(1048576);
    for (const bad of ['0', '-1', '1.5', 'lots']) {
      expect(() => loadConfig({ ACC_MAX_BODY_BYTES_IN_FLIGHT: bad }, { dev: true }), bad).toThrow(/ACC_MAX_BODY_BYTES_IN_FLIGHT/);
    }
  });

  it('passes ACC_DB_STATEMENT_TIMEOUT_MS and ACC_DB_CONNECT_TIMEOUT_MS to PostgreSQL and refuses bad ones', () => {
    const env = { ACC_DATABASE_URL: 'postgres://u@h/db', ACC_OIDC_ISSUER: 'x' };
    const c = loadConfig({ ...env, ACC_DB_STATEMENT_TIMEOUT_MS: '0', ACC_DB_CONNECT_TIMEOUT_MS: '1500' });
    expect(c.database).toEqual({ url: 'postgres://u@h/db', timeouts: { statementTimeoutMs: 0, connectTimeoutMs: 1500 } });
    expect(() => loadConfig({ ...env, ACC_DB_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(/ACC_DB_STATEMENT_TIMEOUT_MS/);
    expect(() => loadConfig({ ...env, ACC_DB_CONNECT_TIMEOUT_MS: '0' })).toThrow(/ACC_DB_CONNECT_TIMEOUT_MS/);
  });

  it('names the offending variable', () => {
    expect(() => loadConfig({ ACC_OIDC_ISSUER: 'x', ACC_PORT: 'eighty' })).toThrow(/ACC_PORT/);
    expect(() => loadConfig({ ACC_OIDC_ISSUER: 'x', ACC_ENTITLEMENTS_SOURCE: 'ldap' })).toThrow(/ACC_ENTITLEMENTS_SOURCE/);
    expect(() => loadConfig({ ACC_OIDC_ISSUER: 'x', ACC_TLS_CERT: '/c.pem' })).toThrow(/together/);
  });

  it('warns about public defaults of the metrics token and the AMS secret in production only', () => {
    const production = loadConfig({ ACC_OIDC_ISSUER: 'https://idp' });
    expect(insecureDefaults(production)).toEqual([
      'ACC_METRICS_TOKEN is not set: anyone who can reach /metrics can read it.',
      'ACC_AMS_AUTHORIZATION accepts the documented default value(s) create_provider, create_installation: anyone can push to /accounting-system/ams-listener.',
    ]);
    const partly = loadConfig({
      ACC_OIDC_ISSUER: 'https://idp',
      ACC_METRICS_TOKEN: 's3cret',
      ACC_AMS_AUTHORIZATION: 'a-long-random-value, create_installation',
    });
    expect(insecureDefaults(partly)).toEqual([
      'ACC_AMS_AUTHORIZATION accepts the documented default value(s) create_installation: anyone can push to /accounting-system/ams-listener.',
    ]);
    expect(
      insecureDefaults(loadConfig({ ACC_OIDC_ISSUER: 'https://idp', ACC_METRICS_TOKEN: 's3cret', ACC_AMS_AUTHORIZATION: 'a-long-random-value' })),
    ).toEqual([]);
    expect(insecureDefaults(loadConfig({}, { dev: true }))).toEqual([]);
  });
});
