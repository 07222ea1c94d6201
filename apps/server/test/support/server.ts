import { startApp, type AppOptions, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { freshDatabase, type Backend } from './database.js';
import { startTestIssuer, type TestIssuer } from './issuer.js';

export interface TestServer {
  app: RunningApp;
  issuer: TestIssuer;
  url: string;
  /** REST call under the server root; `token` adds the bearer header, `body` is sent as JSON unless a string. */
  call(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  close(): Promise<void>;
}

/** The real server on a random 127.0.0.1 port, trusting a local test issuer, on a fresh database. */
export async function startTestServer(
  backend: Backend,
  env: Record<string, string> = {},
  options: Omit<AppOptions, 'database'> = {},
): Promise<TestServer> {
  const issuer = await startTestIssuer();
  const database = await freshDatabase(backend);
  const config = loadConfig({
    ACC_PORT: '0',
    ACC_PUBLIC_URL: 'http://acc.test',
    ACC_OIDC_ISSUER: issuer.issuer,
    ACC_OIDC_JWKS_URI: issuer.jwksUri,
    ACC_ENTITLEMENTS_SOURCE: 'oidc',
    // Suites write entitlements, tenants and settings by SQL and expect the next request to see them;
    // the cache itself is tested with a TTL in auth-cache.test.ts.
    ACC_AUTH_CACHE_TTL_MS: '0',
    ...env,
  });
  // A given logger receives everything (tests that read the logs); otherwise errors are swallowed.
  const app = await startApp(config, { database, ...(options.logger ? options : { log: () => {}, ...options }) });
  return {
    app,
    issuer,
    url: app.url,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['Content-Type'] ??= 'application/json';
      }
      const res = await fetch(`${app.url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, headers: res.headers, text };
    },
    async close() {
      await app.close();
      await database.close();
      await issuer.close();
    },
  };
}
