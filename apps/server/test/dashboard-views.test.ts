import { afterAll, beforeAll, describe, expect } from 'vitest';
import { browserTest, saveScreenshot } from './support/browser.js';
import { dayAfter, daysAgo, startDashboard, type Dashboard, type UsageAnswer } from './support/dashboard.js';
import { ent } from './support/issuer.js';

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
});
