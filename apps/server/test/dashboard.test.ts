import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { RunningApp } from '../src/app.js';
import { colourStats, decodePng } from './support/png.js';
import { browserTest, saveScreenshot, type Browser } from './support/browser.js';
import { startDashboard, type Dashboard } from './support/dashboard.js';
import { ent } from './support/issuer.js';

const VIEWER_ROLE = ent('climate-lab:role=viewer');
const REP_ROLE = ent('roles:provider:cesnet:role=admin');

interface Listed {
  content: { id: string; installation?: string; acronym?: string }[];
}

/** The dashboard in dev mode over the demo federation: what a person sees against what the API answers. */
describe('web dashboard in a browser (dev mode, demo federation)', () => {
  let d: Dashboard;
  let app: RunningApp;
  let browser: Browser;

  const api = (token: string, path: string) => d.api<Listed>(token, path);
  const tokenFor = (body: { sub: string; entitlements: string[] }) => d.tokenFor(body);

  /** Signs in through the page as a typed-in person, starting from `path`. */
  const signInAs = async (page: Page, path: string, sub: string, entitlements: string[]) => {
    await page.goto(`${app.url}${path}`);
    await page.getByLabel('Person (subject)').fill(sub);
    await page.getByLabel('Entitlements, one per line').fill(entitlements.join('\n'));
    await page.getByRole('button', { name: 'Sign in as this person' }).click();
  };
  const listedIds = async (page: Page, testId: string) => {
    await page.locator(`[data-testid="${testId}"]`).waitFor();
    return page.locator(`[data-testid="${testId}"] [data-id]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!).sort());
  };

  beforeAll(async () => {
    d = await startDashboard();
    ({ app, browser } = d);
  }, 120_000);
  afterAll(async () => {
    await d?.close();
  });

  browserTest(
    'a deep link survives dev sign-in as the dev admin, who sees every installation with capacity and usage',
    async () => {
      const all = await api(app.adminToken!, '/installations/all?size=100');
      const target = all.content.find((i) => i.installation === 'hpc-aris')!;
      const page = await browser.page();
      const deepLink = `/installations/${target.id}?start=2025-01-01&end=2025-01-31`;
      await page.goto(`${app.url}${deepLink}`);
      await page.waitForURL((u) => u.pathname === '/sign-in');
      expect(new URL(page.url()).searchParams.get('redirect')).toBe(deepLink);
      await page.getByRole('button', { name: 'Sign in as the dev admin' }).click();
      await page.getByRole('heading', { level: 1, name: 'hpc-aris' }).waitFor();
      expect(page.url()).toBe(`${app.url}${deepLink}`);
      expect(await page.getByLabel('From').inputValue()).toBe('2025-01-01');
      await page.locator('[data-testid="report"]').waitFor();
      saveScreenshot('installation', await page.screenshot({ fullPage: true }));

      await page.getByRole('link', { name: 'Overview' }).first().click();
      expect(await listedIds(page, 'installations')).toEqual(all.content.map((i) => i.id).sort());
      // Capacity % and colour come from the report of the capacity in force; at least one gauge is drawn.
      await page.locator('[data-testid="usage"] .gauge').first().waitFor();
      const levels = await page.locator('[data-testid="usage"][data-level]').evaluateAll((els) => els.map((e) => e.getAttribute('data-level')));
      expect(levels.some((l) => l === 'ok' || l === 'warn' || l === 'over')).toBe(true);
      saveScreenshot('overview-admin', await page.screenshot({ fullPage: true }));
      expect(browser.problems).toEqual([]);
      await page.close();
    },
    120_000,
  );

  browserTest(
    'a viewer of one project sees exactly what the API lists for that viewer',
    async () => {
      const token = await tokenFor({ sub: 'web-viewer', entitlements: [VIEWER_ROLE] });
      const installations = await api(token, '/installations/all?size=100');
      const projects = await api(token, '/projects?size=100');
      expect(projects.content.map((p) => p.id)).toEqual(['climate-lab']);
      const page = await browser.page();
      await signInAs(page, '/', 'web-viewer', [VIEWER_ROLE]);
      expect(await listedIds(page, 'installations')).toEqual(installations.content.map((i) => i.id).sort());
      expect(await listedIds(page, 'projects')).toEqual(['climate-lab']);
      await page.getByTestId('subject').getByText('web-viewer').waitFor();
      saveScreenshot('overview-viewer', await page.screenshot({ fullPage: true }));

      // Search by name narrows the list, and the URL keeps it.
      await page.getByLabel('Search by name').fill('object');
      await page.waitForURL((u) => u.searchParams.get('q') === 'object');
      const shown = await page
        .locator('[data-testid="installations"] tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.querySelector('th')?.textContent));
      expect(shown).toEqual(['object-store']);
      expect(browser.problems).toEqual([]);
      await page.close();
    },
    120_000,
  );

  browserTest(
    'a provider representative sees only its provider',
    async () => {
      const token = await tokenFor({ sub: 'web-rep', entitlements: [REP_ROLE] });
      const installations = await api(token, '/installations/all?size=100');
      expect(installations.content.length).toBeGreaterThan(0);
      const page = await browser.page();
      await signInAs(page, '/', 'web-rep', [REP_ROLE]);
      expect(await listedIds(page, 'installations')).toEqual(installations.content.map((i) => i.id).sort());
      expect(await listedIds(page, 'providers')).toEqual(['cesnet']);
      await page.close();
    },
    120_000,
  );

  browserTest(
    "the installation chart plots what GET …/usage answers for the window and zone; CSV is the API's, PNG is a picture",
    async () => {
      const all = await api(app.adminToken!, '/installations/all?size=100');
      const target = all.content.find((i) => i.installation === 'hpc-aris')!;
      const installation = (await api(app.adminToken!, `/installations/${target.id}`)) as unknown as {
        capacities: { metric_definition_id: string; value: number; registered_on: string }[];
      };
      const query = 'start=2026-01-05&end=2026-03-01&window=week&tz=Europe%2FAthens';
      const page = await browser.page();
      await page.goto(`${app.url}/sign-in`);
      await page.getByRole('button', { name: 'Sign in as the dev admin' }).click();
      await page.waitForURL((u) => u.pathname === '/');
      await page.goto(`${app.url}/installations/${target.id}?start=2026-01-05&end=2026-02-28&window=week&tz=Europe%2FAthens`);
      await page.locator('.usage-chart canvas').first().waitFor();
      // end=2026-02-28 inclusive in the page is end=2026-03-01 exclusive in the API.
      const usage = (await api(app.adminToken!, `/installations/${target.id}/usage?${query}`)) as unknown as {
        start: string;
        end: string;
        series: { metric_definition_id: string; points: { start: string; value: number | null }[] }[];
      };
      expect(usage.series.length).toBeGreaterThan(0);
      await page.waitForFunction((n) => Object.keys(window.__accCharts ?? {}).length === n, usage.series.length);
      for (const series of usage.series) {
        const plotted = await page.evaluate((id) => {
          const option = window.__accCharts![id].getOption() as { series: { id: string; data: [string, number | null][] }[] };
          return Object.fromEntries(option.series.map((s) => [s.id, s.data]));
        }, series.metric_definition_id);
        expect(plotted.usage).toEqual(series.points.map((p) => [p.start, p.value]));
        const mine = installation.capacities.filter((c) => c.metric_definition_id === series.metric_definition_id);
        if (mine.length > 0) {
          // The step line holds the capacity in force at the range's start and at every change inside it.
          const inForce = (at: string) =>
            mine
              .filter((c) => c.registered_on <= at)
              .sort((a, b) => (a.registered_on < b.registered_on ? -1 : 1))
              .pop()?.value;
          for (const [at, value] of plotted.capacity) expect(value, at).toBe(inForce(at));
          expect(plotted.capacity[0]).toEqual([usage.start, inForce(usage.start)]);
        } else expect(plotted.capacity).toBeUndefined();
      }
      saveScreenshot('installation-week-athens', await page.screenshot({ fullPage: true }));

      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download usage CSV' }).click()]);
      const fromApi = await fetch(`${app.url}/accounting-system/installations/${target.id}/usage?${query}`, {
        headers: { Authorization: `Bearer ${app.adminToken!}`, Accept: 'text/csv' },
      });
      const downloaded = readFileSync(await csv.path(), 'utf8');
      expect(downloaded).toBe(await fromApi.text());
      expect(downloaded.length).toBeGreaterThan(0);

      const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).first().click()]);
      const image = decodePng(readFileSync(await png.path()));
      expect(image.width).toBeGreaterThan(100);
      const stats = colourStats(image);
      expect(stats.distinct, 'axes, labels and lines').toBeGreaterThan(20);
      expect(stats.nonBackground).toBeGreaterThan(0.01);
      expect(browser.problems).toEqual([]);
      await page.close();
    },
    120_000,
  );

  browserTest(
    'the overview marks an installation that stopped reporting as stale, from GET /usage/freshness',
    async () => {
      const freshness = (await api(app.adminToken!, '/usage/freshness?size=100')) as unknown as {
        content: { installation_id: string; installation: string; last_period_end: string | null }[];
      };
      const legacy = freshness.content.find((f) => f.installation === 'legacy-grid')!;
      const page = await browser.page();
      await page.goto(`${app.url}/sign-in`);
      await page.getByRole('button', { name: 'Sign in as the dev admin' }).click();
      await page.locator(`[data-testid="installations"] tr[data-id="${legacy.installation_id}"] .badge`).waitFor();
      const stale = await page
        .locator('[data-testid="installations"] tr[data-stale="true"]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
      const expected = freshness.content
        .filter((f) => !f.last_period_end || Date.now() - Date.parse(f.last_period_end) > 48 * 3600 * 1000)
        .map((f) => f.installation_id);
      expect(stale.sort()).toEqual(expected.sort());
      await page.locator('.sparkline').first().waitFor();
      await page.close();
    },
    120_000,
  );

  browserTest(
    'a viewer sees no push, edit or delete controls; the server says the same',
    async () => {
      const all = await api(app.adminToken!, '/installations/all?size=100');
      const target = all.content.find((i) => i.installation === 'hpc-aris')!;
      const token = await tokenFor({ sub: 'web-viewer-2', entitlements: [VIEWER_ROLE] });
      const permissions = await fetch(`${app.url}/ui/permissions?installation_id=${target.id}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(await permissions.json()).toEqual({ installation_id: target.id, metrics: { read: true, push: false, edit: false, delete: false } });
      const page = await browser.page();
      await signInAs(page, `/installations/${target.id}`, 'web-viewer-2', [VIEWER_ROLE]);
      await page.locator('[data-testid="metrics"] tbody tr').first().waitFor();
      await page.getByRole('button', { name: 'Download metrics CSV' }).waitFor();
      expect(await page.getByRole('button', { name: /^(Push metric|Edit|Delete|Confirm delete|Save metric)$/ }).count()).toBe(0);
      expect(await page.locator('form.metric-form').count()).toBe(0);
      saveScreenshot('installation-viewer', await page.screenshot({ fullPage: true }));
      await page.close();
    },
    120_000,
  );

  browserTest(
    "an admin's push appears in the chart; a refused push shows the server's message as written",
    async () => {
      const all = await api(app.adminToken!, '/installations/all?size=100');
      const target = all.content.find((i) => i.installation === 'hpc-aris')!;
      const query = 'start=2026-01-05&end=2026-01-12&window=day&tz=UTC';
      const usageNow = async () =>
        (await api(app.adminToken!, `/installations/${target.id}/usage?${query}`)) as unknown as {
          series: { metric_definition_id: string; metric_name: string; points: { start: string; value: number }[] }[];
        };
      const before = await usageNow();
      const cpu = before.series.find((x) => x.metric_name === 'CPU hours')!;
      const day = cpu.points[2];
      const page = await browser.page();
      await page.goto(`${app.url}/sign-in`);
      await page.getByRole('button', { name: 'Sign in as the dev admin' }).click();
      await page.waitForURL((u) => u.pathname === '/');
      await page.goto(`${app.url}/installations/${target.id}?start=2026-01-05&end=2026-01-11&window=day&tz=UTC`);
      const form = page.getByRole('form', { name: 'Push a metric' });
      await form.getByLabel('Metric definition').selectOption(cpu.metric_definition_id);
      await form.getByLabel('Period start (ISO 8601)').fill('2026-01-07T10:00:00Z');
      await form.getByLabel('Period end (ISO 8601)').fill('2026-01-07T09:00:00Z');
      await form.getByLabel('Value').fill('1000');

      // Refused: the end before the start. The page shows the server's own message.
      const refused = await fetch(`${app.url}/accounting-system/installations/${target.id}/metrics`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${app.adminToken!}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          metric_definition_id: cpu.metric_definition_id,
          time_period_start: '2026-01-07T10:00:00Z',
          time_period_end: '2026-01-07T09:00:00Z',
          value: 1000,
        }),
      });
      expect(refused.status).toBe(400);
      const { message } = (await refused.json()) as { message: string };
      await form.getByRole('button', { name: 'Push metric' }).click();
      await expect.poll(() => form.getByTestId('form-error').textContent()).toBe(message);
      saveScreenshot('push-refused', await page.screenshot({ fullPage: true }));

      await form.getByLabel('Period end (ISO 8601)').fill('2026-01-07T11:00:00Z');
      await form.getByRole('button', { name: 'Push metric' }).click();
      await page.getByText('Metric pushed.').waitFor();
      const expected = day.value + 1000;
      await page.waitForFunction(
        ([id, at, value]) => {
          const option = window.__accCharts?.[id]?.getOption() as { series: { id: string; data: [string, number][] }[] } | undefined;
          return option?.series.find((x) => x.id === 'usage')?.data.some(([t, v]) => t === at && Math.abs(v - value) < 1e-6) ?? false;
        },
        [cpu.metric_definition_id, day.start, expected] as const,
      );
      const after = await usageNow();
      expect(after.series.find((x) => x.metric_definition_id === cpu.metric_definition_id)!.points[2].value).toBeCloseTo(expected, 6);
      await page.close();
    },
    120_000,
  );

  browserTest(
    "shows the server's error message as the server wrote it",
    async () => {
      const page = await browser.page();
      await page.goto(`${app.url}/sign-in`);
      await page.getByRole('button', { name: 'Sign in as the dev admin' }).click();
      await page.waitForURL((u) => u.pathname === '/');
      await page.goto(`${app.url}/installations/no-such-installation`);
      const message = page.getByTestId('server-message');
      await message.waitFor();
      expect(await message.textContent()).toBe('There is no Installation with the following id: no-such-installation');
      saveScreenshot('error', await page.screenshot());
      await page.close();
    },
    120_000,
  );

  browserTest(
    "the catalogue lists what the admin API lists; a viewer gets the server's refusal",
    async () => {
      const definitions = (await api(app.adminToken!, '/metric-definitions?size=100')) as unknown as { content: { metric_definition_id: string }[] };
      const page = await browser.page();
      await page.goto(`${app.url}/sign-in?redirect=%2Fcatalogue`);
      await page.getByRole('button', { name: 'Sign in as the dev admin' }).click();
      const table = page.getByTestId('catalogue-metric-definitions');
      await table.waitFor();
      const header = await table.locator('thead th').allTextContents();
      const column = header.indexOf('metric_definition_id');
      const shown = await table.locator(`tbody tr td:nth-child(${column + 1})`).allTextContents();
      expect(shown.sort()).toEqual(definitions.content.map((d) => d.metric_definition_id).sort());
      await page.getByTestId('catalogue-actors').waitFor();
      saveScreenshot('catalogue', await page.screenshot({ fullPage: true }));
      await page.close();

      const viewer = await browser.page();
      await signInAs(viewer, '/catalogue', 'web-viewer-3', [VIEWER_ROLE]);
      await viewer.getByRole('heading', { name: 'Actors' }).waitFor();
      const refusal = await fetch(`${app.url}/accounting-system/admin/actors`, {
        headers: { Authorization: `Bearer ${await tokenFor({ sub: 'web-viewer-3', entitlements: [VIEWER_ROLE] })}` },
      });
      expect(refusal.status).toBe(403);
      const { message } = (await refusal.json()) as { message: string };
      const actors = viewer.getByRole('region', { name: 'Actors' });
      await expect.poll(() => actors.getByTestId('server-message').textContent()).toBe(message);
      await viewer.close();
    },
    120_000,
  );

  browserTest(
    'sign-out ends the session: the next page asks to sign in again',
    async () => {
      const page = await browser.page();
      await page.goto(`${app.url}/sign-in`);
      await page.getByRole('button', { name: 'Sign in as the dev admin' }).click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((u) => u.pathname === '/sign-in');
      await page.goto(`${app.url}/projects/climate-lab`);
      await page.waitForURL((u) => u.pathname === '/sign-in' && u.searchParams.get('redirect') === '/projects/climate-lab');
      await page.close();
    },
    120_000,
  );
});
