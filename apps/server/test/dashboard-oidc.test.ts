import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { browserTest, openBrowser, saveScreenshot, type Browser } from './support/browser.js';
import { buildWebIfStale } from './support/web-build.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const CLIENT_ID = 'acc-dashboard';
const RESOURCE = 'urn:acc:api';
/** Short enough that oidc-client-ts renews within seconds (it renews 60 s before expiry). */
const ACCESS_TOKEN_TTL_S = 75;

/**
 * Production sign-in against a real OpenID provider (`oidc-provider`, run here on 127.0.0.1): authorization
 * code + PKCE through its login and consent pages, a JWT access token the server verifies with the
 * provider's JWKS, silent renewal (refresh token) and sign-out at the provider's end-session endpoint.
 */
describe('web dashboard sign-in with OpenID Connect (production mode)', () => {
  let idp: http.Server;
  let issuer: string;
  let s: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    buildWebIfStale();
    idp = http.createServer();
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    s = await startTestServer('pglite', {
      ACC_OIDC_ISSUER: issuer,
      ACC_OIDC_JWKS_URI: `${issuer}/jwks`,
      ACC_UI_OIDC_CLIENT_ID: CLIENT_ID,
      ACC_UI_OIDC_SCOPES: 'openid profile api',
    });
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const configuration: Configuration = {
      clients: [
        {
          client_id: CLIENT_ID,
          token_endpoint_auth_method: 'none',
          redirect_uris: [`${s.url}/auth/callback`, `${s.url}/auth/silent`],
          post_logout_redirect_uris: [`${s.url}/`],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
        },
      ],
      jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'idp-key', alg: 'RS256', use: 'sig' }] as never },
      cookies: { keys: ['acc-dashboard-test-cookie-key'] },
      pkce: { required: () => true },
      features: {
        devInteractions: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => RESOURCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: 'api', audience: RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: ACCESS_TOKEN_TTL_S }),
        },
      },
      issueRefreshToken: () => true,
      // The server runs in `oidc` entitlement mode here: the token's claim makes the person a system admin.
      extraTokenClaims: () => ({ entitlements: [ent('role=admin')] }),
      findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, name: `Person ${sub}` }) }),
    };
    const provider = new Provider(issuer, configuration);
    const handle = provider.callback();
    idp.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => void handle(req, res));
    browser = await openBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await new Promise((r) => idp?.close(r));
  });

  const storedToken = (page: Page) =>
    page.evaluate((key) => {
      const raw = sessionStorage.getItem(key);
      return raw ? (JSON.parse(raw) as { access_token: string }).access_token : null;
    }, `oidc.user:${issuer}:${CLIENT_ID}`);

  browserTest(
    'signs in with code + PKCE, returns to the deep link, renews silently and signs out at the issuer',
    async () => {
      const page = await browser.page();
      const deepLink = '/?q=climate';
      await page.goto(`${s.url}${deepLink}`);
      await page.waitForURL((u) => u.pathname === '/sign-in');
      const host = new URL(issuer).host;
      const authorize = page.waitForRequest((r) => r.url().startsWith(`${issuer}/auth?`));
      await page.getByRole('button', { name: `Sign in with ${host}` }).click();
      const request = new URL((await authorize).url());
      expect(request.searchParams.get('code_challenge_method')).toBe('S256');
      expect(request.searchParams.get('client_id')).toBe(CLIENT_ID);
      expect(request.searchParams.get('scope')).toBe('openid profile api');

      // The provider's own login and consent pages.
      await page.locator('input[name="login"]').fill('oidc-alice');
      await page.locator('input[name="password"]').fill('any');
      saveScreenshot('oidc-login', await page.screenshot());
      await page.locator('button[type="submit"]').click();
      await page.getByRole('button', { name: 'Continue' }).click();

      await page.waitForURL(`${s.url}${deepLink}`);
      await page.getByTestId('subject').getByText('oidc-alice', { exact: false }).waitFor();
      // Signed in for real: the API answered the overview's calls (empty database, so empty states, no error).
      await page.getByText('No installation to show.').waitFor();
      expect(await page.locator('[role="alert"]').count()).toBe(0);
      expect(await page.getByLabel('Search by name').inputValue()).toBe('climate');
      const first = await storedToken(page);
      expect(first).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const version = await fetch(`${s.url}/accounting-system/admin/version`, { headers: { Authorization: `Bearer ${first}` } });
      expect(version.status).toBe(200);

      // Silent renewal: a new token arrives before the first expires, with no navigation.
      await page.waitForFunction(
        ([key, old]) => {
          const raw = sessionStorage.getItem(key);
          return !!raw && (JSON.parse(raw) as { access_token: string }).access_token !== old;
        },
        [`oidc.user:${issuer}:${CLIENT_ID}`, first] as const,
        { timeout: 60_000 },
      );
      expect(page.url()).toBe(`${s.url}${deepLink}`);
      const renewed = await storedToken(page);
      expect((await fetch(`${s.url}/accounting-system/admin/version`, { headers: { Authorization: `Bearer ${renewed}` } })).status).toBe(200);

      // Sign-out ends the session at the provider, then comes back signed out.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((u) => u.origin === issuer);
      await page.locator('button[name="logout"]').click();
      await page.waitForURL((u) => u.origin === new URL(s.url).origin && u.pathname === '/sign-in');
      expect(await storedToken(page)).toBeNull();
      // oidc-provider's development login page asks for a web font; refused above, it is no fault of the dashboard.
      expect(browser.problems.filter((p) => !p.includes('fonts.googleapis.com'))).toEqual([]);
      await page.close();
    },
    150_000,
  );
});
