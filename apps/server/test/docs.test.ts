import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ent } from './support/issuer.js';
import { colourStats, decodePng } from './support/png.js';
import { startTestServer, type TestServer } from './support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** Raw GET, so paths reach the server exactly as written (fetch would normalise `..`). */
const rawGet = (url: string, path: string) =>
  new Promise<number>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    http.get({ hostname, port, path }, (res) => resolve(res.resume().statusCode!)).on('error', reject);
  });

interface OpenApi {
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, { tags?: string[]; security?: Record<string, string[]>[] }>>;
}

describe('API reference at /docs', () => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startTestServer('pglite');
  });
  afterAll(() => s.close());

  it('redirects /docs to /docs/ with a relative Location, so a path prefix in front of the server survives', async () => {
    const r = await fetch(`${s.url}/docs`, { redirect: 'manual' });
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe('docs/');
  });

  it('serves a page that loads only local files and forbids inline and foreign scripts', async () => {
    const r = await fetch(`${s.url}/docs/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("'unsafe-eval'");
    const html = await r.text();
    expect(html).toContain('<div id="swagger-ui"></div>');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs).toEqual(expect.arrayContaining(['./swagger-ui.css', './swagger-ui-bundle.js', './init.js']));
    for (const ref of refs) expect(ref, 'no CDN').toMatch(/^\.\//);
    expect(html).not.toMatch(/<script>/);
    expect((await fetch(`${s.url}/docs/index.html`)).status).toBe(200);
  });

  it.each([
    ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['swagger-ui.css', 'text/css; charset=utf-8'],
    ['favicon-32x32.png', 'image/png'],
    ['favicon-16x16.png', 'image/png'],
  ])('serves %s from the installed swagger-ui-dist as %s', async (name, type) => {
    const r = await fetch(`${s.url}/docs/${name}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(type);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await r.arrayBuffer()).equals(readFileSync(join(swaggerDir, name)))).toBe(true);
  });

  it('points Swagger UI at /openapi.json from its own script', async () => {
    const r = await fetch(`${s.url}/docs/init.js`);
    expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const js = await r.text();
    expect(js).toContain("new URL('../openapi.json', location.href)");
    expect(js).toContain('SwaggerUIBundle(');
  });

  it('compresses text assets and lets browsers revalidate with the package version', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const { hostname, port } = new URL(s.url);
      http
        .get({ hostname, port, path: '/docs/swagger-ui-bundle.js', headers: { 'Accept-Encoding': 'gzip, br' } }, (r) => resolve(r.resume()))
        .on('error', reject);
    });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(Number(res.headers['content-length'])).toBeLessThan(readFileSync(join(swaggerDir, 'swagger-ui-bundle.js')).length / 2);
    const etag = res.headers.etag!;
    expect(etag).toMatch(/^"swagger-ui-\d+\.\d+\.\d+"$/);
    const again = await fetch(`${s.url}/docs/swagger-ui.css`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('serves nothing else from the package or the file system', async () => {
    for (const path of [
      '/docs/package.json',
      '/docs/index.js',
      '/docs/..%2fpackage.json',
      '/docs/../../package.json',
      '/docs/%2e%2e/%2e%2e/etc/passwd',
      '/docs/oauth2-redirect.html',
    ]) {
      expect(await rawGet(s.url, path), path).toBe(404);
    }
    expect((await fetch(`${s.url}/docs/`, { method: 'POST' })).status).toBe(405);
  });

  it('describes bearer authentication for the Authorize button', async () => {
    const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as OpenApi;
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    const protectedOps = Object.values(doc.paths)
      .flatMap((item) => Object.values(item))
      .filter((op) => op.security?.some((r) => 'bearerAuth' in r));
    expect(protectedOps.length).toBeGreaterThan(0);
  });
});

const browserTest = existsSync(CHROMIUM)
  ? it
  : (name: string) => it.skip(`${name} — SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`, () => {});

describe('API reference in a browser', () => {
  let s: TestServer;
  let token: string;
  let profile: string;

  beforeAll(async () => {
    s = await startTestServer('pglite');
    token = await s.issuer.token({ sub: 'docs-reader', entitlements: [ent('operations:resources:role=viewer')] });
    profile = mkdtempSync(join(tmpdir(), 'acc-chromium-'));
  });
  afterAll(async () => {
    await s.close();
    rmSync(profile, { recursive: true, force: true });
  });

  browserTest(
    'renders the operations offline and runs one with the token entered through Authorize',
    async () => {
      // Choose the operation from the document itself, so the test follows whatever the router exposes.
      const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as OpenApi;
      const candidates = Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.entries(item).map(([method, op]) => ({ path, method, tag: op.tags?.[0], secured: !!op.security?.length })),
      );
      const target =
        candidates.find((c) => c.method === 'get' && c.path === '/accounting-system/unit-types') ??
        candidates.find((c) => c.method === 'get' && c.secured && c.tag && !c.path.includes('{'));
      expect(target, 'a protected GET operation without path parameters').toBeDefined();
      const { path, tag } = target! as { path: string; tag: string };

      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1280, height: 900 },
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const origin = new URL(s.url).origin;
        const foreign: string[] = [];
        const problems: string[] = [];
        context.on('request', (r) => {
          const url = new URL(r.url());
          if (url.protocol !== 'data:' && url.origin !== origin) foreign.push(r.url());
        });
        const page = context.pages()[0] ?? (await context.newPage());
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));

        await page.goto(`${s.url}/docs`);
        expect(page.url()).toBe(`${s.url}/docs/`);
        await page.locator('.opblock-tag').filter({ hasText: tag }).first().waitFor({ timeout: 30_000 });
        const operation = page.locator('.opblock-get').filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
        await operation.waitFor();

        const png = await page.screenshot();
        if (process.env.ACC_TEST_SCREENSHOT_DIR) writeFileSync(join(process.env.ACC_TEST_SCREENSHOT_DIR, 'docs.png'), png);
        const shot = decodePng(png);
        expect(shot.width).toBe(1280);
        const stats = colourStats(shot);
        expect(stats.distinct, 'a rendered page has text, buttons and colours').toBeGreaterThan(50);
        expect(stats.nonBackground).toBeGreaterThan(0.02);

        await page.locator('.auth-wrapper .authorize').click();
        const modal = page.locator('.modal-ux');
        await modal.locator('input').first().fill(token);
        await modal.locator('.auth-btn-wrapper .authorize').click();
        await modal.locator('.auth-btn-wrapper .btn-done').click();

        await operation.locator('.opblock-summary-control').click();
        await operation.locator('.try-out__btn').click();
        const [request] = await Promise.all([page.waitForRequest((r) => new URL(r.url()).pathname === path), operation.locator('.execute').click()]);
        // Same origin as the page: "Try it out" reaches this server even though ACC_PUBLIC_URL names another.
        expect(new URL(request.url()).origin).toBe(origin);
        expect(await request.headerValue('authorization')).toBe(`Bearer ${token}`);
        const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
        await status.waitFor();
        expect((await status.textContent())?.trim()).toMatch(/^200/);

        expect(foreign, 'everything comes from this server').toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
    120_000,
  );
});
