import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '@acc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { seedDemoFederation } from '../src/dev/demo-federation.js';
import { backends, freshDatabase } from './support/database.js';

const DAY = 86_400_000;
const NS = 'urn:geant:sandbox.eosc-beyond.eu:core:integration:group';

/** The dev server as `npm start` runs it, on a database the test owns (so it can be started twice). */
async function startDev(database: Database, dataDir: string, env: Record<string, string> = {}): Promise<RunningApp> {
  return startApp(loadConfig({ ACC_PORT: '0', ACC_DATA_DIR: dataDir, ...env }, { dev: true }), { database, log: () => {} });
}

const count = async (db: Database, sql: string, params: unknown[] = []) =>
  (await db.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM (${sql}) q`, params))[0].n;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe.each(backends)('demo federation (%s)', (backend) => {
  let database: Database;
  let dataDir: string;
  let app: RunningApp;
  const today = Math.floor(Date.now() / DAY) * DAY;

  const get = async (path: string, token: string) => {
    const res = await fetch(`${app.url}/accounting-system${path}`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'acc-demo-'));
    database = await freshDatabase(backend);
    app = await startDev(database, dataDir);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds 3 providers, 3 projects, 7 installations, 5 definitions of distinct unit types, a year of metrics and capacities', async () => {
    const demo = app.demo!;
    expect(demo).toBeDefined();
    expect(demo.projects).toEqual(['climate-lab', 'genomics-hub', 'astro-survey']);
    expect(await count(database, 'SELECT 1 FROM providers')).toBe(3);
    expect(await count(database, 'SELECT 1 FROM projects')).toBe(3);
    expect(await count(database, 'SELECT 1 FROM installations')).toBe(7);
    expect(await count(database, 'SELECT DISTINCT lower(unit_type) FROM metric_definitions')).toBe(5);
    expect(await count(database, 'SELECT 1 FROM metrics')).toBe(demo.metrics);
    expect(demo.metrics).toBeGreaterThan(10_000);
    expect(await count(database, 'SELECT 1 FROM capacities')).toBe(demo.capacities);
    // Capacities change mid-year: two registrations per (installation, definition).
    expect(await count(database, 'SELECT installation_id FROM capacities GROUP BY installation_id, metric_definition_id HAVING count(*) = 2')).toBe(
      4,
    );
    const [span] = await database.dataSource.query('SELECT min(time_period_start) AS first FROM metrics');
    expect(new Date(span.first).getTime()).toBe(today - 365 * DAY);
    // Hourly where cheap: one series has 24 periods a day.
    expect(await count(database, `SELECT 1 FROM metrics WHERE time_period_end - time_period_start = interval '1 hour'`)).toBeGreaterThan(8000);
    // The demo reports in under a few seconds on either backend.
    expect(demo.ms).toBeLessThan(30_000);
  });

  it('has a quiet installation whose last metric ended a week ago, while the others report up to today', async () => {
    const rows: { installation_id: string; last: Date }[] = await database.dataSource.query(
      'SELECT installation_id, max(time_period_end) AS last FROM metrics GROUP BY installation_id',
    );
    const quiet = rows.filter((r) => new Date(r.last).getTime() < today);
    expect(quiet.map((r) => r.installation_id)).toEqual([app.demo!.quiet.installationId]);
    expect(new Date(quiet[0].last).getTime()).toBe(today - 7 * DAY);
  });

  it('shows one installation over 100% of its capacity in the latest period of the real report', async () => {
    const ids: { id: string }[] = await database.dataSource.query('SELECT DISTINCT installation_id AS id FROM capacities ORDER BY 1');
    const latest = new Map<string, number>();
    for (const { id } of ids) {
      const r = await get(`/installations/${id}/report?start=${day(today - 365 * DAY)}&end=${day(today)}`, app.adminToken!);
      expect(r.status).toBe(200);
      const cpu = r.body.data.find((d: { unit_type: string }) => d.unit_type === 'CPU Time');
      expect(cpu.periods).toHaveLength(2);
      expect(cpu.periods[1].from).toBe(app.demo!.overCapacity.since.toISOString().replace('.000Z', 'Z'));
      latest.set(id, cpu.periods.at(-1).usage_percentage);
    }
    const over = [...latest].filter(([, usage]) => usage > 100).map(([id]) => id);
    expect(over).toEqual([app.demo!.overCapacity.installationId]);
    for (const usage of latest.values()) expect(usage).toBeGreaterThan(40);
  });

  it('puts group and user ids on every metric, a few of each', async () => {
    expect(await count(database, 'SELECT 1 FROM metrics WHERE group_id IS NULL OR user_id IS NULL')).toBe(0);
    expect(await count(database, 'SELECT DISTINCT group_id FROM metrics')).toBeGreaterThanOrEqual(4);
    expect(await count(database, 'SELECT DISTINCT user_id FROM metrics')).toBeGreaterThanOrEqual(4);
    const r = await get(`/projects/climate-lab/groups/modelling/report?start=${day(today - 30 * DAY)}&end=${day(today)}`, app.adminToken!);
    expect(r.status).toBe(200);
    expect(r.body.aggregated_metrics.length).toBeGreaterThan(0);
  });

  it('seeds a project viewer whose token works in database entitlement mode', async () => {
    expect(app.viewer?.projectId).toBe('climate-lab');
    const window = `start=${day(today - 7 * DAY)}&end=${day(today)}`;
    expect((await get(`/projects/climate-lab/report?${window}`, app.viewer!.token)).status).toBe(200);
    expect((await get(`/projects/genomics-hub/report?${window}`, app.viewer!.token)).status).toBe(403);
    const names: { name: string }[] = await database.dataSource.query(
      `SELECT e.name FROM actors a JOIN actor_entitlements ae ON ae.actor_id = a.id JOIN entitlements e ON e.id = ae.entitlement_id WHERE a.oidc_id = 'demo-viewer'`,
    );
    expect(names.map((n) => n.name)).toEqual([`${NS}:accounting:climate-lab:role=viewer`]);
  });

  it('leaves the data alone on a second start, and still offers the viewer', async () => {
    const before = await count(database, 'SELECT 1 FROM metrics');
    await app.close();
    app = await startDev(database, dataDir);
    expect(app.demo).toBeUndefined();
    expect(app.viewer?.projectId).toBe('climate-lab');
    expect(await count(database, 'SELECT 1 FROM metrics')).toBe(before);
    expect(await count(database, 'SELECT 1 FROM projects')).toBe(3);
    expect(await count(database, 'SELECT 1 FROM entitlements')).toBe(2);
  });

  it('creates custom projects offline: dev mode does not ask OpenAIRE unless ACC_OPENAIRE_URL says so', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${app.url}/accounting-system${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${app.adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const project = { id: 'acme-1', acronym: 'ACME', title: 'Acme', start_date: '2025-01-01', end_date: '2027-12-31', call_identifier: 'LOCAL' };
    expect((await post('/admin/projects', project)).status).toBe(201);
    const r = await post('/admin/register-projects', { projects: ['777536'] });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toMatch(/^OpenAIRE lookups are off/);
  });
});

describe('demo federation seeding', () => {
  const now = new Date('2026-03-15T10:30:00Z');
  /** Every metric's content (not its random id), as one digest and a count. */
  const snapshot = async (db: Database) =>
    (
      await db.dataSource.query(
        `SELECT count(*)::int AS n,
                md5(string_agg(concat_ws('|', installation_id, md.metric_name, time_period_start, value, group_id, user_id), ','
                    ORDER BY installation_id, md.metric_name, time_period_start)) AS digest
           FROM metrics m JOIN metric_definitions md ON md.id = m.metric_definition_id`,
      )
    )[0] as { n: number; digest: string };

  it('is deterministic for a given "now"', async () => {
    const a = await openDatabase({ memory: true });
    const b = await openDatabase({ memory: true });
    try {
      await seedDemoFederation(a.dataSource, { namespace: NS, parent: 'accounting', now });
      await seedDemoFederation(b.dataSource, { namespace: NS, parent: 'accounting', now });
      const [x, y] = [await snapshot(a), await snapshot(b)];
      expect(x.n).toBeGreaterThan(10_000);
      expect(y).toEqual(x);
      // A weekly rhythm: Sundays are quieter than Wednesdays for every usage series.
      const [{ ratio }] = await a.dataSource.query(
        `SELECT avg(value) FILTER (WHERE extract(dow FROM time_period_start AT TIME ZONE 'UTC') = 0)
              / avg(value) FILTER (WHERE extract(dow FROM time_period_start AT TIME ZONE 'UTC') = 3) AS ratio
           FROM metrics m JOIN metric_definitions md ON md.id = m.metric_definition_id WHERE md.metric_name = 'CPU hours'`,
      );
      expect(Number(ratio)).toBeLessThan(0.6);
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);

  it('is skipped with ACC_DEMO=false and never in production', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'acc-demo-'));
    const database = await openDatabase({ memory: true });
    try {
      const app = await startDev(database, dataDir, { ACC_DEMO: 'false' });
      expect(app.demo).toBeUndefined();
      expect(app.viewer).toBeUndefined();
      await app.close();
      expect(await count(database, 'SELECT 1 FROM projects')).toBe(0);
      expect(loadConfig({ ACC_OIDC_ISSUER: 'https://idp.example/realms/r' }).demo).toBe(false);
    } finally {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
