import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { browserTest, saveScreenshot } from './support/browser.js';
import { startDashboard, type Dashboard } from './support/dashboard.js';
import { ent } from './support/issuer.js';

const VIEWER = { sub: 'alerts-viewer', entitlements: [ent('climate-lab:role=viewer')] };

interface Rule {
  id: string;
  name: string;
  scope: { installation_id?: string; project_id?: string; provider_id?: string };
  state: string;
  last_value: number | null;
}

/** The alerts view (alerts.md §1) against the alert-rules API, in dev mode over the demo federation. */
describe('dashboard: alert rules', () => {
  let d: Dashboard;
  let aris: string;
  let cpu: string;

  beforeAll(async () => {
    d = await startDashboard();
    const all = await d.api<{ content: { id: string; installation: string }[] }>(d.app.adminToken!, '/installations/all?size=100');
    aris = all.content.find((i) => i.installation === 'hpc-aris')!.id;
    const definitions = await d.api<{ content: { metric_definition_id: string; metric_name: string }[] }>(
      d.app.adminToken!,
      '/metric-definitions?size=100',
    );
    cpu = definitions.content.find((m) => m.metric_name === 'CPU hours')!.metric_definition_id;
  }, 120_000);
  afterAll(async () => {
    await d?.close();
  });

  /** What the API answers a POST /alert-rules with this body, as this caller. */
  const refusal = async (token: string, body: object) => {
    const r = await fetch(`${d.app.url}/accounting-system/alert-rules`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status).toBeGreaterThanOrEqual(400);
    return ((await r.json()) as { message: string }).message;
  };
  const fill = async (page: Page, fields: { name: string; threshold: string; webhook: string }) => {
    const form = page.getByRole('form', { name: 'New alert rule' });
    await form.getByLabel('Name').fill(fields.name);
    await form.getByLabel('Kind').selectOption('capacity');
    await form.getByLabel('Metric definition').selectOption(cpu);
    await form.getByLabel('Threshold (% of capacity)').fill(fields.threshold);
    await form.getByLabel('Webhook URL').fill(fields.webhook);
    await form.getByRole('button', { name: 'Create rule' }).click();
    return form;
  };

  browserTest(
    "an admin creates a capacity rule: the contract's checks and the server's refusals as written, the secret shown once, then state and last value as the API has them",
    async () => {
      const page = await d.browser.page();
      await d.signIn(page, `/alerts?installation_id=${aris}`);
      await page.getByText('No alert rule for this scope.').waitFor();
      const body = (threshold: number, webhook: string) => ({
        name: 'aris near capacity',
        scope: { installation_id: aris },
        kind: 'capacity',
        metric_definition_id: cpu,
        threshold_percent: threshold,
        webhook_url: webhook,
      });

      // Checked in the page with the contract's schema: the same words the server would answer.
      const tooLow = await refusal(d.app.adminToken!, body(0, 'https://127.0.0.1:9/hook'));
      let form = await fill(page, { name: 'aris near capacity', threshold: '0', webhook: 'https://127.0.0.1:9/hook' });
      await expect.poll(() => form.getByTestId('form-error').textContent()).toBe(tooLow);

      // Only the server knows the deployment's webhook policy: its message, as written.
      const plainHttp = await refusal(d.app.adminToken!, body(80, 'http://127.0.0.1:9/hook'));
      expect(plainHttp).toBe('webhook_url must use https.');
      form = await fill(page, { name: 'aris near capacity', threshold: '80', webhook: 'http://127.0.0.1:9/hook' });
      await expect.poll(() => form.getByTestId('form-error').textContent()).toBe(plainHttp);

      await fill(page, { name: 'aris near capacity', threshold: '80', webhook: 'https://127.0.0.1:9/hook' });
      const secret = await page.getByTestId('webhook-secret').textContent();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      const listed = await d.api<{ content: Rule[] }>(d.app.adminToken!, '/alert-rules?size=100');
      const rule = listed.content.find((r) => r.name === 'aris near capacity')!;
      expect(JSON.stringify(rule)).not.toContain(secret);
      // State and last value move as the server evaluates the rule: the page shows what the API says.
      const row = page.locator(`[data-testid="alert-rules"] tr[data-id="${rule.id}"]`);
      await expect
        .poll(async () => {
          const api = await d.api<Rule>(d.app.adminToken!, `/alert-rules/${rule.id}`);
          await page.goto(`${d.app.url}/alerts?installation_id=${aris}`);
          await row.waitFor();
          const shown = [await row.getByTestId('state').getAttribute('data-state'), await row.getByTestId('last-value').getAttribute('data-value')];
          return JSON.stringify(shown) === JSON.stringify([api.state, api.last_value === null ? '' : String(api.last_value)]);
        })
        .toBe(true);
      // A test event: the server's answer as written, then the delivery log as the API lists it.
      await row.getByRole('button', { name: 'Deliveries of aris near capacity' }).click();
      const log = page.getByRole('region', { name: 'Deliveries of aris near capacity' });
      await log.getByRole('button', { name: 'Send test event' }).click();
      const queued = await log.getByTestId('test-queued').textContent();
      expect(queued).toBe('A test event has been queued for delivery.');
      await expect
        .poll(async () => {
          const api = await d.api<{ content: { event_id: string; type: string; status: string; attempts: number }[] }>(
            d.app.adminToken!,
            `/alert-rules/${rule.id}/deliveries?size=20`,
          );
          await log.getByRole('button', { name: 'Refresh deliveries' }).click();
          await log.getByTestId('delivery-log').waitFor();
          const shown = await log
            .locator('tbody tr')
            .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-id'), r.children[1].textContent, r.getAttribute('data-status')]));
          return (
            JSON.stringify(shown) === JSON.stringify(api.content.map((e) => [e.event_id, e.type, e.status])) &&
            api.content.some((e) => e.type === 'alert.test')
          );
        })
        .toBe(true);
      saveScreenshot('alerts', await page.screenshot({ fullPage: true }));
      expect(d.browser.problems).toEqual([]);
      await page.close();
    },
    120_000,
  );

  browserTest(
    "a viewer reads the project's rules; creating one is the server's to refuse, and its message is shown as written",
    async () => {
      const admin = d.app.adminToken!;
      const created = await fetch(`${d.app.url}/accounting-system/alert-rules`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: 'climate-lab silent',
          scope: { project_id: 'climate-lab' },
          kind: 'silence',
          silence_minutes: 60,
          webhook_url: 'https://127.0.0.1:9/hook',
        }),
      });
      expect(created.status).toBe(201);
      const token = await d.tokenFor(VIEWER);
      const theirs = await d.api<{ content: Rule[] }>(token, '/alert-rules?size=100');
      const page = await d.browser.page();
      await d.signIn(page, '/alerts?project_id=climate-lab', VIEWER);
      await page.locator('[data-testid="alert-rules"]').waitFor();
      const shown = await page.locator('[data-testid="alert-rules"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
      expect(shown.sort()).toEqual(
        theirs.content
          .filter((r) => r.scope.project_id === 'climate-lab' && r.scope.provider_id === undefined)
          .map((r) => r.id)
          .sort(),
      );
      expect(shown.length).toBeGreaterThan(0);

      const form = page.getByRole('form', { name: 'New alert rule' });
      await form.getByLabel('Name').fill('viewer rule');
      await form.getByLabel('Kind').selectOption('silence');
      await form.getByLabel('Silent for (minutes)').fill('60');
      await form.getByLabel('Webhook URL').fill('https://127.0.0.1:9/hook');
      const message = await refusal(token, {
        name: 'viewer rule',
        scope: { project_id: 'climate-lab' },
        kind: 'silence',
        silence_minutes: 60,
        webhook_url: 'https://127.0.0.1:9/hook',
      });
      await form.getByRole('button', { name: 'Create rule' }).click();
      await expect.poll(() => form.getByTestId('form-error').textContent()).toBe(message);
      await page.close();
    },
    120_000,
  );

  browserTest(
    'an admin disables, enables and deletes a rule, each as the API then has it; a viewer deleting one gets the server’s refusal as written',
    async () => {
      const admin = d.app.adminToken!;
      const create = async (name: string, scope: Rule['scope']) => {
        const r = await fetch(`${d.app.url}/accounting-system/alert-rules`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name, scope, kind: 'silence', silence_minutes: 30, webhook_url: 'https://127.0.0.1:9/hook' }),
        });
        expect(r.status).toBe(201);
        return ((await r.json()) as Rule).id;
      };
      const enabled = async (id: string) => (await d.api<Rule & { enabled: boolean }>(admin, `/alert-rules/${id}`)).enabled;

      const managed = await create('aris to manage', { installation_id: aris });
      const page = await d.browser.page();
      await d.signIn(page, `/alerts?installation_id=${aris}`);
      const row = page.locator(`[data-testid="alert-rules"] tr[data-id="${managed}"]`);
      await row.getByRole('button', { name: 'Disable aris to manage' }).click();
      await row.getByRole('button', { name: 'Enable aris to manage' }).waitFor();
      expect(await enabled(managed)).toBe(false);
      expect(await row.locator('th').textContent()).toBe('aris to manage (disabled)');
      await row.getByRole('button', { name: 'Enable aris to manage' }).click();
      await row.getByRole('button', { name: 'Disable aris to manage' }).waitFor();
      expect(await enabled(managed)).toBe(true);

      // Cancel keeps it; confirming deletes it, and the API no longer has it.
      await row.getByRole('button', { name: 'Delete aris to manage' }).click();
      await row.getByRole('button', { name: 'Cancel' }).click();
      await row.getByRole('button', { name: 'Delete aris to manage' }).click();
      await row.getByRole('button', { name: 'Confirm deleting aris to manage' }).click();
      await row.waitFor({ state: 'detached' });
      const gone = await fetch(`${d.app.url}/accounting-system/alert-rules/${managed}`, { headers: { Authorization: `Bearer ${admin}` } });
      expect(gone.status).toBe(404);
      await page.close();

      const kept = await create('climate-lab to keep', { project_id: 'climate-lab' });
      const token = await d.tokenFor(VIEWER);
      const refused = await fetch(`${d.app.url}/accounting-system/alert-rules/${kept}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(refused.status).toBe(403);
      const message = ((await refused.json()) as { message: string }).message;
      const viewerPage = await d.browser.page();
      await d.signIn(viewerPage, '/alerts?project_id=climate-lab', VIEWER);
      const keptRow = viewerPage.locator(`[data-testid="alert-rules"] tr[data-id="${kept}"]`);
      await keptRow.getByRole('button', { name: 'Delete climate-lab to keep' }).click();
      await keptRow.getByRole('button', { name: 'Confirm deleting climate-lab to keep' }).click();
      await expect.poll(() => keptRow.getByTestId('rule-action-error').textContent()).toBe(message);
      const patch = await fetch(`${d.app.url}/accounting-system/alert-rules/${kept}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ enabled: false }),
      });
      expect(patch.status).toBe(403);
      const patchMessage = ((await patch.json()) as { message: string }).message;
      await keptRow.getByRole('button', { name: 'Disable climate-lab to keep' }).click();
      await expect.poll(() => keptRow.getByTestId('rule-action-error').textContent()).toBe(patchMessage);
      expect(await enabled(kept)).toBe(true);
      expect(d.browser.problems).toEqual([]);
      await viewerPage.close();
    },
    120_000,
  );

  browserTest(
    'an admin creates a report schedule: the contract’s check, the secret once, the next period and the delivery log as the API has them, then disable and delete',
    async () => {
      const admin = d.app.adminToken!;
      const page = await d.browser.page();
      await d.signIn(page, `/alerts?installation_id=${aris}`);
      await page.getByText('No report schedule for this scope.').waitFor();
      const form = page.getByRole('form', { name: 'New report schedule' });
      const create = async (tz: string) => {
        await form.getByLabel('Name').fill('aris monthly');
        await form.getByLabel('Every').selectOption('month');
        await form.getByLabel('Time zone').fill(tz);
        await form.getByLabel('Webhook URL').fill('https://127.0.0.1:9/hook');
        await form.getByRole('button', { name: 'Create schedule' }).click();
      };
      // Checked in the page with the contract's schema: the words the server would answer.
      const badZone = {
        name: 'aris monthly',
        scope: { installation_id: aris },
        every: 'month',
        tz: 'Mars/Olympus',
        webhook_url: 'https://127.0.0.1:9/hook',
      };
      const refused = await fetch(`${d.app.url}/accounting-system/report-schedules`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(badZone),
      });
      expect(refused.status).toBe(400);
      await create('Mars/Olympus');
      await expect.poll(() => form.getByTestId('schedule-form-error').textContent()).toBe(((await refused.json()) as { message: string }).message);

      await create('Europe/Athens');
      const secret = await page.getByTestId('schedule-webhook-secret').textContent();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      type Schedule = { id: string; name: string; tz: string; enabled: boolean; next_period: { start: string; end: string } };
      const listed = await d.api<{ content: Schedule[] }>(admin, '/report-schedules?size=100');
      const schedule = listed.content.find((x) => x.name === 'aris monthly')!;
      expect(schedule.tz).toBe('Europe/Athens');
      const row = page.locator(`[data-testid="report-schedules"] tr[data-id="${schedule.id}"]`);
      const period = row.getByTestId('next-period');
      expect([await period.getAttribute('data-start'), await period.getAttribute('data-end')]).toEqual([
        schedule.next_period.start,
        schedule.next_period.end,
      ]);

      await row.getByRole('button', { name: 'Deliveries of aris monthly' }).click();
      const log = page.getByRole('region', { name: 'Deliveries of aris monthly' });
      await log.getByRole('button', { name: 'Send test event' }).click();
      await log.getByTestId('test-queued').waitFor();
      await expect
        .poll(async () => {
          const api = await d.api<{ content: { event_id: string; type: string }[] }>(admin, `/report-schedules/${schedule.id}/deliveries?size=20`);
          await log.getByRole('button', { name: 'Refresh deliveries' }).click();
          await log.getByTestId('delivery-log').waitFor();
          const shown = await log.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-id'), r.children[1].textContent]));
          return (
            JSON.stringify(shown) === JSON.stringify(api.content.map((e) => [e.event_id, e.type])) &&
            api.content.some((e) => e.type === 'report.test')
          );
        })
        .toBe(true);

      await row.getByRole('button', { name: 'Disable aris monthly' }).click();
      await row.getByRole('button', { name: 'Enable aris monthly' }).waitFor();
      expect((await d.api<Schedule>(admin, `/report-schedules/${schedule.id}`)).enabled).toBe(false);
      await row.getByRole('button', { name: 'Delete aris monthly' }).click();
      await row.getByRole('button', { name: 'Confirm deleting aris monthly' }).click();
      await row.waitFor({ state: 'detached' });
      const gone = await fetch(`${d.app.url}/accounting-system/report-schedules/${schedule.id}`, { headers: { Authorization: `Bearer ${admin}` } });
      expect(gone.status).toBe(404);
      expect(d.browser.problems).toEqual([]);
      await page.close();
    },
    120_000,
  );
});
