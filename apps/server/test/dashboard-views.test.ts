import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { colourStats, decodePng } from './support/png.js';
import { browserTest, saveScreenshot } from './support/browser.js';
import { dayAfter, daysAgo, startDashboard, type Dashboard, type UsageAnswer } from './support/dashboard.js';
import { ent } from './support/issuer.js';

interface Installation {
  id: string;
  installation: string;
  unit_of_access?: { metric_definition_id: string } | null;
  capacities: { metric_definition_id: string; value: number; registered_on: string }[];
}

const REP = { sub: 'views-rep', entitlements: [ent('roles:provider:cesnet:role=admin')] };

/** The project, provider-in-project and provider views against the usage API (dev mode, demo federation). */
describe('dashboard: project and provider views', () => {
  let d: Dashboard;
  // Eight whole weeks that end a week ago: inside the demo federation's year of data, whatever today is.
  const end = daysAgo(7);
  const start = daysAgo(7 + 55);
  const range = `start=${start}&end=${end}&window=week&tz=Europe%2FAthens`;
  const apiRange = `start=${start}&end=${dayAfter(end)}&window=week&tz=Europe%2FAthens`;

  beforeAll(async () => {
    d = await startDashboard();
  }, 120_000);
  afterAll(async () => {
    await d?.close();
  });

  /** Every stacked chart keyed `<by>:<definition>` plots exactly the API's series for that group key. */
  const expectStacked = async (page: Parameters<Dashboard['plotted']>[0], usage: UsageAnswer, by: string, field: string) => {
    expect(usage.series.length).toBeGreaterThan(0);
    for (const definition of new Set(usage.series.map((s) => s.metric_definition_id))) {
      const plotted = await d.plotted(page, `${by}:${definition}`);
      const expected = Object.fromEntries(
        usage.series
          .filter((s) => s.metric_definition_id === definition)
          .map((s) => [String(s.group[field]), s.points.map((p) => [p.start, p.value])]),
      );
      expect(plotted, `${by}:${definition}`).toEqual(expected);
    }
  };

  browserTest(
    'a project stacks usage by provider and by installation as GET …/usage answers; groups and users with their totals; drill-down',
    async () => {
      const token = d.app.adminToken!;
      const byProvider = await d.api<UsageAnswer>(token, `/projects/climate-lab/usage?${apiRange}&group_by=provider`);
      const byInstallation = await d.api<UsageAnswer>(token, `/projects/climate-lab/usage?${apiRange}&group_by=installation`);
      const byUser = await d.api<UsageAnswer>(
        token,
        `/projects/climate-lab/usage?start=${start}&end=${dayAfter(end)}&window=total&tz=Europe%2FAthens&group_by=user_id`,
      );
      expect(new Set(byProvider.series.map((s) => s.group.provider_id))).toEqual(new Set(['grnet', 'cesnet']));

      const page = await d.browser.page();
      await d.signIn(page, `/projects/climate-lab?${range}`);
      await expectStacked(page, byProvider, 'provider', 'provider_id');
      await expectStacked(page, byInstallation, 'installation', 'installation_id');

      const users = page.getByTestId('totals-user_id');
      await users.waitFor();
      const shown = await users
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) => [
            r.getAttribute('data-owner'),
            r.getAttribute('data-definition'),
            Number(r.querySelector('[data-total]')!.getAttribute('data-total')),
          ]),
        );
      expect(shown).toEqual(byUser.series.map((s) => [s.group.user_id ?? '', s.metric_definition_id, s.total]));
      await page.getByTestId('totals-group_id').waitFor();
      saveScreenshot('project', await page.screenshot({ fullPage: true }));

      // The stacked chart's CSV is the API's own, byte for byte; its PNG is a picture.
      const stacked = page.getByTestId('stacked-provider');
      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        stacked.getByRole('button', { name: 'Download usage by provider CSV' }).click(),
      ]);
      const fromApi = await fetch(`${d.app.url}/accounting-system/projects/climate-lab/usage?${apiRange}&group_by=provider`, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'text/csv' },
      });
      expect(readFileSync(await csv.path(), 'utf8')).toBe(await fromApi.text());
      const [png] = await Promise.all([
        page.waitForEvent('download'),
        stacked.getByRole('button', { name: /^Download PNG of CPU hours by provider$/ }).click(),
      ]);
      const stats = colourStats(decodePng(readFileSync(await png.path())));
      expect(stats.distinct, 'axes, labels and areas').toBeGreaterThan(20);
      expect(stats.nonBackground).toBeGreaterThan(0.05);

      // Drill-down: provider in project, then one of its installations, keeping the range.
      await page.getByRole('region', { name: 'Provider GRNET' }).getByRole('link', { name: 'GRNET' }).click();
      await page.getByRole('heading', { level: 1, name: 'GRNET in climate-lab' }).waitFor();
      const inProject = await d.api<UsageAnswer>(token, `/projects/climate-lab/providers/grnet/usage?${apiRange}&group_by=installation`);
      await expectStacked(page, inProject, 'installation', 'installation_id');
      saveScreenshot('project-provider', await page.screenshot({ fullPage: true }));
      await page.getByRole('link', { name: 'hpc-aris' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'hpc-aris' }).waitFor();
      const url = new URL(page.url());
      expect([url.searchParams.get('start'), url.searchParams.get('end'), url.searchParams.get('window')]).toEqual([start, end, 'week']);
      expect(d.browser.problems).toEqual([]);
      await page.close();
    },
    120_000,
  );

  browserTest(
    'a provider representative sees its provider across projects, stacked by project as the API answers',
    async () => {
      const token = await d.tokenFor(REP);
      const byProject = await d.api<UsageAnswer>(token, `/providers/cesnet/usage?${apiRange}&group_by=project`);
      expect(new Set(byProject.series.map((s) => s.group.project_id))).toEqual(new Set(['climate-lab', 'genomics-hub', 'astro-survey']));
      const page = await d.browser.page();
      await d.signIn(page, `/providers/cesnet?${range}`, REP);
      await expectStacked(page, byProject, 'project', 'project_id');
      const byInstallation = await d.api<UsageAnswer>(token, `/providers/cesnet/usage?${apiRange}&group_by=installation`);
      await expectStacked(page, byInstallation, 'installation', 'installation_id');
      await page.getByTestId('totals-group_id').waitFor();
      saveScreenshot('provider-rep', await page.screenshot({ fullPage: true }));

      // Another provider is the server's to refuse, and its message is shown as written.
      const refused = await fetch(`${d.app.url}/accounting-system/providers/grnet/usage?${apiRange}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(refused.status).toBe(403);
      const { message } = (await refused.json()) as { message: string };
      await page.goto(`${d.app.url}/providers/grnet?${range}`);
      await expect.poll(() => page.getByTestId('stacked-project').getByTestId('server-message').textContent()).toBe(message);
      await page.close();
    },
    120_000,
  );
  browserTest(
    'keyboard: tab to the window control and change it; the URL and the stacked charts follow',
    async () => {
      const page = await d.browser.page();
      await d.signIn(page, `/projects/climate-lab?start=${start}&end=${end}`);
      await page.getByTestId('stacked-provider').locator('canvas').first().waitFor();
      const windowControl = page.getByLabel('Window');
      expect(await windowControl.inputValue()).toBe('day');
      // Tab from the top of the page until the window control has the focus (a bounded walk, no pointer).
      await page.locator('body').focus();
      let steps = 0;
      while (!(await windowControl.evaluate((el) => el === document.activeElement))) {
        expect(++steps, 'tabs to reach the window control').toBeLessThan(40);
        await page.keyboard.press('Tab');
      }
      await page.keyboard.press('ArrowDown');
      await page.waitForURL((u) => u.searchParams.get('window') === 'week');
      const weekly = await d.api<UsageAnswer>(
        d.app.adminToken!,
        `/projects/climate-lab/usage?start=${start}&end=${dayAfter(end)}&window=week&group_by=provider`,
      );
      const cpu = weekly.series.find((s) => s.metric_name === 'CPU hours')!;
      await page.waitForFunction(
        ([key, n]) => (window.__accCharts?.[key]?.getOption() as { series: { data: unknown[] }[] } | undefined)?.series[0]?.data.length === n,
        [`provider:${cpu.metric_definition_id}`, cpu.points.length] as const,
      );
      expect((await d.plotted(page, `provider:${cpu.metric_definition_id}`)).grnet).toEqual(cpu.points.map((p) => [p.start, p.value]));
      await page.close();
    },
    120_000,
  );

  browserTest(
    'at phone width (390×844) no view scrolls sideways; a screenshot of each',
    async () => {
      const installations = await d.api<{ content: { id: string; installation: string }[] }>(d.app.adminToken!, '/installations/all?size=100');
      const aris = installations.content.find((i) => i.installation === 'hpc-aris')!;
      const page = await d.browser.page();
      await page.setViewportSize({ width: 390, height: 844 });
      await d.signIn(page, '/');
      const views: [name: string, path: string, ready: string][] = [
        ['overview', '/', '[data-testid="installations"] .gauge'],
        ['installation', `/installations/${aris.id}?${range}`, '.usage-chart canvas'],
        ['project', `/projects/climate-lab?${range}`, '[data-testid="stacked-installation"] canvas'],
        ['provider', `/providers/grnet?${range}`, '[data-testid="stacked-project"] canvas'],
        ['catalogue', '/catalogue', '[data-testid="catalogue-actors"]'],
        ['alerts', '/alerts', 'form[aria-label="New alert rule"]'],
      ];
      for (const [name, path, ready] of views) {
        await page.goto(`${d.app.url}${path}`);
        await page.locator(ready).first().waitFor();
        const overflow = await page.evaluate(() => ({
          page: document.documentElement.scrollWidth - window.innerWidth,
          body: document.body.scrollWidth - window.innerWidth,
        }));
        expect(overflow, name).toEqual({ page: 0, body: 0 });
        saveScreenshot(`phone-${name}`, await page.screenshot({ fullPage: true }));
      }
      expect(d.browser.problems).toEqual([]);
      await page.close();
    },
    120_000,
  );
  browserTest(
    'the overview at 1280×800 fits the width (ACC_README_SCREENSHOT=1 also writes docs/dashboard-overview.png)',
    async () => {
      const page = await d.browser.page();
      await page.setViewportSize({ width: 1280, height: 800 });
      await d.signIn(page, '/');
      await page.locator('[data-testid="installations"] .gauge').first().waitFor();
      await page.locator('[data-testid="installations"] .sparkline').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
      const shot = await page.screenshot();
      saveScreenshot('overview-1280', shot);
      if (process.env.ACC_README_SCREENSHOT === '1')
        writeFileSync(fileURLToPath(new URL('../../../docs/dashboard-overview.png', import.meta.url)), shot);
      await page.close();
    },
    120_000,
  );
  browserTest(
    "the overview's capacity in force and usage % are the API's, for the admin and for a project viewer",
    async () => {
      const viewer = { sub: 'views-viewer', entitlements: [ent('climate-lab:role=viewer')] };
      for (const person of [undefined, viewer]) {
        const token = person ? await d.tokenFor(person) : d.app.adminToken!;
        const listed = await d.api<{ content: Installation[] }>(token, '/installations/all?size=100');
        const page = await d.browser.page();
        await d.signIn(page, '/', person);
        await page.locator('[data-testid="installations"]').waitFor();
        const today = new Date().toISOString().slice(0, 10);
        let gauges = 0;
        for (const i of listed.content) {
          const row = page.locator(`[data-testid="installations"] tr[data-id="${i.id}"]`);
          const definition = i.unit_of_access?.metric_definition_id;
          const capacity = i.capacities
            .filter((c) => c.metric_definition_id === definition && c.registered_on <= new Date().toISOString())
            .sort((a, b) => (a.registered_on < b.registered_on ? -1 : 1))
            .pop();
          if (!capacity) {
            expect(await row.getByTestId('capacity').textContent(), i.installation).toBe('—');
            continue;
          }
          // The report of the capacity in force, from the day it took effect: its latest period's usage %.
          const report = await d.api<{ data: { metric_definition_id: string; periods: { usage_percentage?: number }[] }[] }>(
            token,
            `/installations/${i.id}/report?start=${capacity.registered_on.slice(0, 10)}&end=${today}`,
          );
          const percent = report.data.find((x) => x.metric_definition_id === definition)?.periods.at(-1)?.usage_percentage;
          expect(percent, i.installation).toBeDefined();
          await expect.poll(() => row.getByTestId('usage').getAttribute('data-percent')).toBe(String(percent));
          const level = percent! < 80 ? 'ok' : percent! < 100 ? 'warn' : 'over';
          expect(await row.getByTestId('usage').getAttribute('data-level'), i.installation).toBe(level);
          expect(await row.getByTestId('capacity').textContent()).toContain(new Intl.NumberFormat('en').format(capacity.value));
          gauges++;
        }
        expect(gauges).toBeGreaterThan(0);
        await page.close();
      }
    },
    120_000,
  );
});
