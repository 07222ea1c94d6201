import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startTestServer, type TestServer } from './support/server.js';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('dashboard '.repeat(200))});`;

/** A stand-in build folder: what `vite build` emits, in miniature, so the serving rules are tested on their own. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'acc-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), SCRIPT);
  writeFileSync(join(dir, 'robots.txt'), 'User-agent: *\n');
  return dir;
}

/** Raw GET, so paths and headers reach the server exactly as written. */
const rawGet = (url: string, path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    http
      .get({ hostname, port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });

describe('the web dashboard at /', () => {
  let s: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = fakeBuild();
    s = await startTestServer('pglite', {
      ACC_WEB_DIR: dir,
      ACC_UI_OIDC_CLIENT_ID: 'acc-dashboard',
      ACC_UI_OIDC_SCOPES: 'openid profile entitlements',
    });
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / for revalidation on every load, with a CSP that allows only this server and the issuer', async () => {
    const r = await rawGet(s.url, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body.toString()).toBe(INDEX);
    const csp = r.headers['content-security-policy']!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ${new URL(s.issuer.issuer).origin}`);
    expect(csp).toContain("frame-ancestors 'none'");
    const again = await rawGet(s.url, '/', { 'If-None-Match': r.headers.etag! });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets as immutable, gzipped when the browser accepts it', async () => {
    const r = await rawGet(s.url, '/assets/index-AbC123.js', { 'Accept-Encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(r.body).toString()).toBe(SCRIPT);
    const other = await rawGet(s.url, '/robots.txt');
    expect(other.headers['cache-control']).toBe('no-cache');
    expect(other.body.toString()).toBe('User-agent: *\n');
  });

  it('answers deep links with index.html (the SPA fallback)', async () => {
    for (const path of ['/installations/abc', '/projects/p1?start=2025-01-01', '/sign-in?redirect=%2F', '/auth/callback?code=x&state=y']) {
      const r = await rawGet(s.url, path);
      expect(r.status, path).toBe(200);
      expect(r.body.toString(), path).toBe(INDEX);
    }
  });

  it('does not shadow the API, the reference, the probes, metrics or the APEL paths', async () => {
    const notFound = await s.call('GET', '/accounting-system/no-such-thing');
    expect(notFound.status).toBe(404);
    expect(notFound.body).toEqual({ code: 404, message: 'Not found' });
    expect((await s.call('GET', '/accounting-system/unit-types')).status).toBe(401);
    expect((await rawGet(s.url, '/trpc/no.such')).headers['content-type']).toContain('application/json');
    expect((await rawGet(s.url, '/docs/')).body.toString()).toContain('swagger-ui');
    expect(JSON.parse((await rawGet(s.url, '/openapi.json')).body.toString()).openapi).toBeDefined();
    expect((await rawGet(s.url, '/metrics')).body.toString()).toContain('# HELP');
    expect(JSON.parse((await rawGet(s.url, '/health')).body.toString())).toEqual({ status: 'UP' });
    expect((await rawGet(s.url, '/ready')).status).toBe(200);
    for (const path of [
      '/ui/permissions?installation_id=x',
      '/ui/nothing',
      '/api/v1/cloud/record',
      '/api/v1/cloud/nothing',
      '/dev/ui-token',
      '/dev/jwks.json',
      '/assets/missing.js',
      '/favicon.ico',
      '/docs/nothing',
    ]) {
      const r = await rawGet(s.url, path);
      expect(r.headers['content-type'], path).not.toContain('text/html');
      expect(r.status, path).toBeGreaterThanOrEqual(400);
    }
    expect((await fetch(`${s.url}/`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${s.url}/somewhere`, { method: 'DELETE' })).status).toBe(404);
  });

  it('tells the page how to sign in: the default tenant issuer and the configured client', async () => {
    const r = await s.call('GET', '/ui-config.json');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ sign_in: 'oidc', issuer: s.issuer.issuer, client_id: 'acc-dashboard', scopes: 'openid profile entitlements' });
  });
});

describe('the web dashboard, not built or in dev mode', () => {
  let app: RunningApp;
  let dataDir: string;
  let empty: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'acc-dev-'));
    empty = mkdtempSync(join(tmpdir(), 'acc-web-empty-'));
    app = await startApp(loadConfig({ ACC_PORT: '0', ACC_DATA_DIR: dataDir, ACC_DEMO: 'false', ACC_WEB_DIR: empty }, { dev: true }), {
      log: () => {},
    });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  it('says so at / when there is no build, in the envelope', async () => {
    const r = await fetch(`${app.url}/`);
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ code: 404, message: 'The web dashboard is not built: run `npm run build` (or `npm start` in dev mode).' });
  });

  it('offers dev sign-in only in dev mode: the dev admin, or a person registered with the entitlements typed in', async () => {
    expect(await (await fetch(`${app.url}/ui-config.json`)).json()).toEqual({ sign_in: 'dev' });
    const admin = (await (await fetch(`${app.url}/dev/ui-token`, { method: 'POST', body: '{}' })).json()) as { access_token: string; sub: string };
    expect(admin.sub).toBe('admin_voperson_id');
    const version = await fetch(`${app.url}/accounting-system/admin/version`, { headers: { Authorization: `Bearer ${admin.access_token}` } });
    expect(version.status).toBe(200);

    const role = 'urn:geant:sandbox.eosc-beyond.eu:core:integration:group:accounting:operations:resources:role=viewer';
    const r = await fetch(`${app.url}/dev/ui-token`, { method: 'POST', body: JSON.stringify({ sub: 'carol', entitlements: [role] }) });
    expect(r.status).toBe(200);
    const carol = (await r.json()) as { access_token: string; expires_in: number };
    expect(carol.expires_in).toBeGreaterThan(0);
    const auth = { Authorization: `Bearer ${carol.access_token}` };
    expect((await fetch(`${app.url}/accounting-system/metric-types`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${app.url}/accounting-system/admin/version`, { headers: auth })).status).toBe(403);
  });

  it('refuses a malformed dev sign-in with a 400 that says why', async () => {
    const post = (body: string) => fetch(`${app.url}/dev/ui-token`, { method: 'POST', body });
    const cases: [string, string][] = [
      ['[1]', 'The body must be a JSON object.'],
      ['{"sub":"a b"}', 'sub must be 1-64 letters, digits or . _ @ -'],
      [
        '{"sub":"a","entitlements":["urn:other:role=admin"]}',
        'Entitlement "urn:other:role=admin" must start with urn:geant:sandbox.eosc-beyond.eu:core:integration:group:accounting (at most 512 characters).',
      ],
      ['{"sub":"a","entitlements":"x"}', 'entitlements must be a list of at most 10 strings.'],
      ['not json', 'The body must be a JSON object of at most 8 KiB.'],
    ];
    for (const [body, message] of cases) {
      const r = await post(body);
      expect(r.status, body).toBe(400);
      expect(await r.json(), body).toEqual({ code: 400, message });
    }
    expect((await fetch(`${app.url}/dev/ui-token`)).status).toBe(405);
  });
});

describe('production never offers dev sign-in', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite');
  });
  afterAll(() => s.close());

  it('has no /dev/ui-token and says the client id is not configured', async () => {
    const r = await s.call('POST', '/dev/ui-token', { body: {} });
    expect(r.status).toBe(404);
    expect((await s.call('GET', '/ui-config.json')).body).toMatchObject({ sign_in: 'oidc', client_id: null });
  });
});
