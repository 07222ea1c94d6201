import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openBrowser, type Browser } from './browser.js';
import { buildWebIfStale } from './web-build.js';

declare global {
  interface Window {
    /** Set by the dashboard's charts (apps/web/src/lib/chart.ts): the ECharts instances by key. */
    __accCharts?: Record<string, { getOption(): unknown }>;
  }
}

export interface UsageAnswer {
  start: string;
  end: string;
  series: {
    metric_definition_id: string;
    metric_name: string;
    group: Record<string, string | null>;
    total: number | null;
    points: { start: string; value: number | null }[];
  }[];
}

export interface Dashboard {
  app: RunningApp;
  browser: Browser;
  /** GET under /accounting-system with a token; the status must be 200. */
  api<T>(token: string, path: string): Promise<T>;
  /** A dev-issuer token for a person with entitlements, as the sign-in page gets it. */
  tokenFor(body: { sub: string; entitlements: string[] }): Promise<string>;
  /** Signs in through the page, as the dev admin or as a typed-in person, starting from `path`. */
  signIn(page: Page, path: string, person?: { sub: string; entitlements: string[] }): Promise<void>;
  /** What a chart registered under `key` plots: series id → data. */
  plotted(page: Page, key: string): Promise<Record<string, [string, number | null][]>>;
  close(): Promise<void>;
}

/** The server in dev mode over the demo federation, with the built dashboard and a headless Chromium. */
export async function startDashboard(): Promise<Dashboard> {
  buildWebIfStale();
  const dataDir = mkdtempSync(join(tmpdir(), 'acc-web-dev-'));
  const app = await startApp(loadConfig({ ACC_PORT: '0', ACC_DATA_DIR: dataDir, ACC_AUTH_CACHE_TTL_MS: '0' }, { dev: true }), { log: () => {} });
  const browser = await openBrowser();
  return {
    app,
    browser,
    async api<T>(token: string, path: string) {
      const r = await fetch(`${app.url}/accounting-system${path}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(r.status, path).toBe(200);
      return (await r.json()) as T;
    },
    async tokenFor(body) {
      const r = await fetch(`${app.url}/dev/ui-token`, { method: 'POST', body: JSON.stringify(body) });
      return ((await r.json()) as { access_token: string }).access_token;
    },
    async signIn(page, path, person) {
      await page.goto(`${app.url}/sign-in?redirect=${encodeURIComponent(path)}`);
      if (person) {
        await page.getByLabel('Person (subject)').fill(person.sub);
        await page.getByLabel('Entitlements, one per line').fill(person.entitlements.join('\n'));
        await page.getByRole('button', { name: 'Sign in as this person' }).click();
      } else await page.getByRole('button', { name: 'Sign in as the dev admin' }).click();
      await page.waitForURL((u) => `${u.pathname}${u.search}` === path);
    },
    async plotted(page, key) {
      await page.waitForFunction((k) => !!window.__accCharts?.[k], key);
      return page.evaluate((k) => {
        const option = window.__accCharts![k].getOption() as { series: { id: string; data: [string, number | null][] }[] };
        return Object.fromEntries(option.series.map((s) => [s.id, s.data]));
      }, key);
    },
    async close() {
      await browser.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** yyyy-MM-dd of today minus `days` (UTC): the demo federation's data ends today. */
export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
/** The day after a date: the page's `end` is inclusive, the API's exclusive. */
export const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
