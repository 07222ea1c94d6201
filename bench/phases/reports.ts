import { ratioOf, type PhaseContext, type PhaseOutcome, type Row } from '../lib/context.js';
import type { Sql } from '../lib/db.js';
import { createCapacities, createProjectTree, loadHourlyMetrics, type InstallationFixture } from '../lib/fixtures.js';
import { expectStatus, httpRequest, isUnrouted } from '../lib/http.js';
import { PhaseRunner, type Step } from '../lib/runner.js';
import { median, pow10, timed } from '../lib/stats.js';

const PHASE = '3 reports';
export const REPORT_TARGET_RATIO = 1.5;
/** Issue #14 §4: from 10^6 metrics on, a report answers from rollups ≥ 10× faster than the raw floor… */
export const ROLLUP_SPEEDUP = 10;
const ROLLUP_SIZE = 1_000_000;
/** …and stays flat: at any size within 2× of the same report at the smallest size. */
export const FLAT_LIMIT = 2;

const START = '2024-01-01';
const END = '2025-01-01';
/** Three capacity periods per (installation, definition) over the report window. */
const CAPACITY_DATES = ['2024-01-01T00:00:00Z', '2024-05-01T00:00:00Z', '2024-09-01T00:00:00Z'];
/** The project dataset: 2 providers × 2 installations. */
const PROVIDERS = 2;
const PER_PROVIDER = 2;
const LOAD_CHUNK = 200_000;

/** `count` one-hour metrics of one installation spread evenly over 2024, cycling through the definitions. */
const loadMetrics = (sql: Sql, o: InstallationFixture, definitions: readonly string[], count: number) =>
  loadHourlyMetrics(sql, o, definitions, count, { start: `${START}T00:00:00Z`, spanDays: 365, idTag: ':', valueOffset: 0.5, chunk: LOAD_CHUNK });

/**
 * The floor: one hand-written query computing every period's total and usage for a set of
 * installations (`instSql` yields their ids): definitions in use, capacity periods by window function,
 * then one sum per period. Both lookups into `metrics` are LATERAL subqueries, so each is an index
 * probe or range scan on (installation_id, metric_definition_id, time_period_start) whatever the
 * planner estimates for the CTEs: the cost follows the installations' metrics, not the whole table.
 */
const floorSql = (instSql: string) => `
WITH inst AS (${instSql}),
defs AS (
  SELECT i.id AS inst, md.id AS def
    FROM inst i CROSS JOIN metric_definitions md
    CROSS JOIN LATERAL (SELECT 1 FROM metrics m WHERE m.installation_id = i.id AND m.metric_definition_id = md.id LIMIT 1) used
),
caps AS (
  SELECT c.installation_id AS inst, c.metric_definition_id AS def, c.value AS cap, c.registered_on AS f,
         lead(c.registered_on) OVER w AS next_on, row_number() OVER w AS k
    FROM capacities c WHERE c.installation_id IN (SELECT id FROM inst)
  WINDOW w AS (PARTITION BY c.installation_id, c.metric_definition_id ORDER BY c.registered_on)
),
periods AS (
  SELECT d.inst, d.def, $2::timestamptz AS f, $3::timestamptz AS t, NULL::numeric AS cap
    FROM defs d WHERE NOT EXISTS (SELECT 1 FROM caps c WHERE c.inst = d.inst AND c.def = d.def)
  UNION ALL
  SELECT d.inst, d.def, $2::timestamptz, least(c.f, $3::timestamptz), NULL::numeric
    FROM defs d JOIN caps c ON c.inst = d.inst AND c.def = d.def AND c.k = 1 WHERE $2::timestamptz < c.f
  UNION ALL
  SELECT d.inst, d.def, greatest(c.f, $2::timestamptz), least(coalesce(c.next_on, $3::timestamptz), $3::timestamptz), c.cap
    FROM defs d JOIN caps c ON c.inst = d.inst AND c.def = d.def
   WHERE greatest(c.f, $2::timestamptz) < least(coalesce(c.next_on, $3::timestamptz), $3::timestamptz)
)
SELECT p.inst, p.def, p.f, s.total, round(s.total::numeric / nullif(p.cap, 0), 4) * 100 AS usage
  FROM periods p
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(m.value), 0) AS total FROM metrics m
     WHERE m.installation_id = p.inst AND m.metric_definition_id = p.def
       AND m.time_period_start BETWEEN p.f AND p.t AND m.time_period_end BETWEEN p.f AND p.t
  ) s`;

const INSTALLATION_FLOOR = floorSql('SELECT $1::text AS id');
const PROJECT_FLOOR = floorSql('SELECT id FROM installations WHERE project_id = $1');

interface PeriodTotal {
  inst: string;
  def: string;
  from: string;
  total: number;
}

interface ReportPeriodJson {
  from: string;
  total_value: number;
}
interface InstallationReportJson {
  installation_id: string;
  data: { metric_definition_id: string; periods: ReportPeriodJson[] }[];
}

const totalsOfInstallation = (r: InstallationReportJson): PeriodTotal[] =>
  r.data.flatMap((d) =>
    d.periods.map((p) => ({ inst: r.installation_id, def: d.metric_definition_id, from: new Date(p.from).toISOString(), total: p.total_value })),
  );

/** Whether acc's periods and totals equal the floor's (doubles summed in another order: relative 1e-9). */
function sameTotals(acc: PeriodTotal[], floor: PeriodTotal[]): string | undefined {
  const key = (t: PeriodTotal) => `${t.inst}|${t.def}|${t.from}`;
  const byKey = new Map(floor.map((t) => [key(t), t.total]));
  if (acc.length !== floor.length) return `acc has ${acc.length} periods, the floor ${floor.length}`;
  for (const t of acc) {
    const f = byKey.get(key(t));
    if (f === undefined) return `period ${key(t)} missing from the floor`;
    if (Math.abs(f - t.total) > 1e-9 * Math.max(1, Math.abs(f))) return `period ${key(t)}: acc ${t.total}, floor ${f}`;
  }
  return undefined;
}

type Kind = 'installation' | 'project';

/**
 * Installation and project reports (§5) at each size: the installation report over one installation
 * holding N metrics, the project report over a project of 2 providers × 2 installations holding N
 * metrics together; 10 definitions and 3 capacity periods each. Data is generated in the database.
 * Latency is the median of `reportRuns` runs after one warm-up, beside the hand-written SQL floor.
 */
export async function reportsPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const { db, cfg, fixtures } = ctx;
  const runner = new PhaseRunner(db, { acc: () => ctx.accSpec() });
  const sets = new Map<number, { installation: InstallationFixture; project: string; projectInstallations: InstallationFixture[] }>();
  const times = new Map<string, { acc: number[]; floor: number[] }>();
  const checks: string[] = [];
  const lastFloor = new Map<string, PeriodTotal[]>();
  const lastAcc = new Map<string, PeriodTotal[]>();
  let available = true;
  const keyOf = (kind: Kind, n: number) => `${kind}:${n}`;

  const steps: Step[] = [];
  steps.push({
    holder: 'direct',
    run: async () => {
      const sql = runner.sql();
      for (const n of cfg.reportSizes) {
        ctx.log(`  loading ${pow10(n)} + ${pow10(n)} metrics`);
        const [installation] = await createProjectTree(sql, `bench-inst-${n}`, 1, 1);
        await createCapacities(sql, installation.installationId, fixtures.definitions, CAPACITY_DATES);
        await loadMetrics(sql, installation, fixtures.definitions, n);
        const project = `bench-proj-${n}`;
        const projectInstallations = await createProjectTree(sql, project, PROVIDERS, PER_PROVIDER);
        for (const o of projectInstallations) {
          await createCapacities(sql, o.installationId, fixtures.definitions, CAPACITY_DATES);
          await loadMetrics(sql, o, fixtures.definitions, n / projectInstallations.length);
        }
        sets.set(n, { installation, project, projectInstallations });
      }
      // A settled table, as autovacuum would leave it (VACUUM must run outside a transaction: one at a time).
      for (const table of ['metrics', 'capacities', 'installations', 'metric_definitions']) await sql.exec(`VACUUM ANALYZE ${table}`);
    },
  });

  for (const n of cfg.reportSizes) {
    for (const kind of ['installation', 'project'] as Kind[]) {
      const key = keyOf(kind, n);
      times.set(key, { acc: [], floor: [] });
      for (let run = 0; run <= cfg.reportRuns; run++) {
        steps.push({
          holder: 'direct',
          run: async () => {
            const set = sets.get(n)!;
            const param = kind === 'installation' ? set.installation.installationId : set.project;
            const { ms, value } = await timed(() =>
              runner
                .sql()
                .query<{ inst: string; def: string; f: Date; total: string | number }>(kind === 'installation' ? INSTALLATION_FLOOR : PROJECT_FLOOR, [
                  param,
                  `${START}T00:00:00Z`,
                  `${END}T00:00:00Z`,
                ]),
            );
            if (run > 0) times.get(key)!.floor.push(ms);
            lastFloor.set(
              key,
              value.map((r) => ({ inst: r.inst, def: r.def, from: new Date(r.f).toISOString(), total: Number(r.total) })),
            );
          },
        });
        steps.push({
          holder: 'acc',
          run: async () => {
            if (!available) return;
            const set = sets.get(n)!;
            const acc = runner.acc();
            const path =
              kind === 'installation'
                ? `/accounting-system/installations/${set.installation.installationId}/report`
                : `/accounting-system/projects/${set.project}/report`;
            if (run === 0) ctx.log(`  ${kind} report, ${pow10(n)} metrics`);
            const res = await httpRequest(`${acc.url}${path}?start=${START}&end=${END}`, {
              headers: { Authorization: `Bearer ${String(acc.info.adminToken)}` },
            });
            if (isUnrouted(res)) {
              available = false;
              return;
            }
            expectStatus(res, 200, `${kind} report`);
            if (run > 0) times.get(key)!.acc.push(res.ms);
            if (run === cfg.reportRuns) {
              const body = JSON.parse(res.text) as InstallationReportJson | { data: { data: InstallationReportJson[] }[] };
              lastAcc.set(
                key,
                kind === 'installation'
                  ? totalsOfInstallation(body as InstallationReportJson)
                  : (body as { data: { data: InstallationReportJson[] }[] }).data.flatMap((pv) => pv.data.flatMap(totalsOfInstallation)),
              );
            }
          },
        });
      }
    }
  }
  await runner.run(steps);

  const medians = new Map<string, { acc: number | null; floor: number | null }>();
  for (const [key, t] of times) medians.set(key, { acc: t.acc.length ? median(t.acc) : null, floor: t.floor.length ? median(t.floor) : null });
  for (const [key, floor] of lastFloor) {
    const acc = lastAcc.get(key);
    if (!acc) continue;
    const problem = sameTotals(acc, floor);
    checks.push(`${key}: ${problem ?? `${acc.length} period totals equal`}`);
    if (problem) throw new Error(`report totals differ from the SQL floor (${key}): ${problem}`);
  }

  for (const kind of ['installation', 'project'] as Kind[]) {
    for (const n of cfg.reportSizes) {
      const m = medians.get(keyOf(kind, n))!;
      const ratio = ratioOf(m.acc, m.floor);
      const limit = n >= ROLLUP_SIZE ? 1 / ROLLUP_SPEEDUP : REPORT_TARGET_RATIO;
      ctx.rows.push({
        backend: db.backend,
        phase: PHASE,
        figure: `${kind} report, ${pow10(n)} metrics (median of ${cfg.reportRuns})`,
        unit: 'ms',
        acc: m.acc,
        floor: m.floor,
        floorName: 'one SQL query',
        ratio,
        target: `≤ ${limit} × floor`,
        pass: ratio === null ? undefined : ratio <= limit,
      });
    }
    const smallest = cfg.reportSizes[0];
    const base = medians.get(keyOf(kind, smallest))!;
    for (const n of cfg.reportSizes.slice(1)) {
      const m = medians.get(keyOf(kind, n))!;
      const row: Row = {
        backend: db.backend,
        phase: PHASE,
        figure: `${kind} report at ${pow10(n)} ÷ at ${pow10(smallest)} metrics (flat in data size)`,
        unit: '×',
        acc: ratioOf(m.acc, base.acc),
        floor: ratioOf(m.floor, base.floor),
        floorName: 'the floor at the same sizes',
        ratio: null,
        target: `≤ ${FLAT_LIMIT}`,
        pass: m.acc === null || base.acc === null ? undefined : m.acc / base.acc <= FLAT_LIMIT,
      };
      ctx.rows.push(row);
    }
  }
  return {
    status: available ? 'ok' : 'not available',
    note: available ? undefined : 'the report endpoints are not routed by this server',
    memory: runner.memory,
    raw: { medians: Object.fromEntries(medians), runs: Object.fromEntries(times), checks },
  };
}
