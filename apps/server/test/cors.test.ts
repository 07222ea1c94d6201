import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const preflight = (s: TestServer, origin: string, method = 'POST', headers = 'authorization, content-type') =>
  s.call('OPTIONS', '/accounting-system/unit-types', {
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers },
  });

const listOf = (value: string | null) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);

describe('CORS', () => {
  let none: TestServer;
  let listed: TestServer;
  let any: TestServer;
  let viewer: string;

  beforeAll(async () => {
    [none, listed, any] = await Promise.all([
      startTestServer('pglite'),
      startTestServer('pglite', { ACC_CORS_ORIGINS: 'https://portal.example.org, http://localhost:3000/' }),
      startTestServer('pglite', { ACC_CORS_ORIGINS: '*' }),
    ]);
    viewer = await listed.issuer.token({ sub: 'viewer', entitlements: [ent('operations:resources:role=viewer')] });
  });
  afterAll(() => Promise.all([none, listed, any].map((s) => s?.close())));

  it('answers a preflight from a listed origin with the methods and headers the API uses', async () => {
    const r = await preflight(listed, 'https://portal.example.org');
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(r.headers.get('access-control-allow-origin')).toBe('https://portal.example.org');
    expect(listOf(r.headers.get('access-control-allow-methods'))).toEqual(
      expect.arrayContaining(['get', 'post', 'put', 'patch', 'delete', 'options']),
    );
    expect(listOf(r.headers.get('access-control-allow-headers'))).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'x-request-id']),
    );
    expect(Number(r.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    expect(listOf(r.headers.get('vary'))).toContain('origin');
    // The trailing slash in the configuration is not part of an origin.
    expect((await preflight(listed, 'http://localhost:3000')).status).toBe(204);
  });

  it('refuses a preflight from any other origin without CORS headers', async () => {
    for (const origin of ['https://evil.example.org', 'http://portal.example.org', 'https://portal.example.org:8443', 'null']) {
      const r = await preflight(listed, origin);
      expect(r.status, origin).toBe(403);
      expect(r.body).toEqual({ code: 403, message: 'Cross-origin requests from this origin are not allowed.' });
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(r.headers.get('access-control-allow-methods')).toBeNull();
    }
  });

  it('lets a listed origin read responses, including the request id, Location and replay headers', async () => {
    const r = await listed.call('GET', '/accounting-system/unit-types', { token: viewer, headers: { Origin: 'https://portal.example.org' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://portal.example.org');
    expect(listOf(r.headers.get('access-control-expose-headers'))).toEqual(
      expect.arrayContaining(['x-request-id', 'location', 'idempotent-replayed']),
    );
    expect(listOf(r.headers.get('vary'))).toContain('origin');
    const other = await listed.call('GET', '/accounting-system/unit-types', { token: viewer, headers: { Origin: 'https://evil.example.org' } });
    // Served (CORS is enforced by the browser), but without a grant the browser will not expose it.
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // Errors carry the grant too, so browser clients can read the message.
    const unauthenticated = await listed.call('GET', '/accounting-system/unit-types', { headers: { Origin: 'https://portal.example.org' } });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('access-control-allow-origin')).toBe('https://portal.example.org');
  });

  it('allows every origin with *, without credentials', async () => {
    const r = await preflight(any, 'https://anything.example', 'DELETE', 'authorization, idempotency-key, x-request-id');
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    const get = await any.call('GET', '/health', { headers: { Origin: 'https://anything.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('adds no CORS headers when ACC_CORS_ORIGINS is unset', async () => {
    const r = await preflight(none, 'https://portal.example.org');
    expect(r.status).toBe(403);
    const get = await none.call('GET', '/health', { headers: { Origin: 'https://portal.example.org' } });
    expect(get.status).toBe(200);
    expect([...get.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
  });

  it('leaves a plain OPTIONS request (no preflight headers) to the routes', async () => {
    const r = await listed.call('OPTIONS', '/health', { headers: { Origin: 'https://portal.example.org' } });
    expect(r.status).toBe(200);
  });

  it('rejects a malformed ACC_CORS_ORIGINS at startup', () => {
    const base = { ACC_OIDC_ISSUER: 'http://issuer.test' };
    expect(loadConfig({ ...base, ACC_CORS_ORIGINS: ' https://a.example , * ' }).cors.origins).toEqual(['https://a.example', '*']);
    expect(loadConfig(base).cors.origins).toEqual([]);
    for (const bad of ['portal.example.org', 'https://a.example/path', 'https://a.example:443']) {
      expect(() => loadConfig({ ...base, ACC_CORS_ORIGINS: bad }), bad).toThrow(ConfigError);
    }
  });
});
