import { ratioOf, type PhaseContext, type PhaseOutcome } from '../lib/context.js';
import type { Sql } from '../lib/db.js';
import { createProjectTree, loadHourlyMetrics, type InstallationFixture } from '../lib/fixtures.js';
import { expectStatus, httpRequest, isUnrouted } from '../lib/http.js';
import { BARRIER, PhaseRunner, type Step } from '../lib/runner.js';
import { median, pow10, timed } from '../lib/stats.js';

const PHASE = '5 usage';
const fmtMs = (ms: number) => `${ms.toFixed(1)} ms`;
/** Issue #14 §4: median ≤ 50 ms at 10^7 metrics, and ≥ 10× faster than the raw GROUP BY floor. */
export const USAGE_TARGET_MS = 50;
export const USAGE_TARGET_SPEEDUP = 10;
const TARGET_SIZE = 10_000_000;

const START = '2024-01-01T00:00:00Z';
const END = '2025-01-01T00:00:00Z';
/** The project: 2 providers × 5 installations, the metrics spread evenly over them and over 2024. */
const PROVIDERS = 2;
const PER_PROVIDER = 5;
const LOAD_CHUNK = 500_000;

/** `count` one-hour metrics of one installation over 2024 (a leap year), cycling through the definitions. */
const loadMetrics = (sql: Sql, o: InstallationFixture, definitions: readonly string[], count: number) =>
  loadHourlyMetrics(sql, o, definitions, count, { start: START, spanDays: 366, idTag: ':u:', valueOffset: 0.25, chunk: LOAD_CHUNK });

/**
 * The floor: the straightforward query over the raw metrics, what usage would cost without rollups —
 * every metric of the project in the year, grouped by installation, definition and UTC day.
 */
const FLOOR = `SELECT m.installation_id AS inst, m.metric_definition_id AS def,
                      to_char(date_trunc('day', m.time_period_start AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
                      sum(m.value) AS total, count(*) AS n
                 FROM metrics m
                WHERE m.project_id = $1 AND m.time_period_start >= $2 AND m.time_period_start < $3
                GROUP BY 1, 2, 3`;

/**
 * What any server must do for this answer whatever its storage, as a lower bound beside acc: read the
 * 36,600 day rollup rows it sums (the project's installations, 10 definitions, 366 days) through the
 * `pg` driver, without aggregating them, and serialise the answer (JSON.stringify of acc's own answer,
 * parsed beforehand).
 */
const ROLLUP_ROWS = `SELECT r.installation_id, r.metric_definition_id, r.bucket_start, r.total::text AS total, r.count
                       FROM metric_rollups r
                      WHERE r.installation_id IN (SELECT id FROM installations WHERE project_id = $1)
                        AND r.level = 3 AND r.bucket_start >= $2 AND r.bucket_start < $3`;

interface Cell {
  key: string;
  total: number;
  count: number;
}
interface UsageJson {
  series: { metric_definition_id: string; group: { installation_id: string }; points: { start: string; value: number; count: number }[] }[];
}

const cellsOfAnswer = (a: UsageJson): Cell[] =>
  a.series.flatMap((s) =>
    s.points.map((p) => ({
      key: `${s.group.installation_id}|${s.metric_definition_id}|${new Date(p.start).toISOString()}`,
      total: p.value,
      count: p.count,
    })),
  );

function sameCells(acc: Cell[], floor: Cell[]): string | undefined {
  const byKey = new Map(floor.map((c) => [c.key, c]));
  if (acc.length !== floor.length) return `acc has ${acc.length} points with metrics, the floor ${floor.length}`;
  for (const c of acc) {
    const f = byKey.get(c.key);
    if (!f) return `point ${c.key} missing from the floor`;
    if (f.count !== c.count || Math.abs(f.total - c.total) > 1e-9 * Math.max(1, Math.abs(f.total))) {
      return `point ${c.key}: acc ${c.total} (${c.count}), floor ${f.total} (${f.count})`;
    }
  }
  return undefined;
}

/**
 * Usage (usage-api.md §1): `GET /projects/{p}/usage?window=day&group_by=installation` over 2024 (366
 * UTC days) for a project of 10 installations holding N metrics together, beside the raw
 * `GROUP BY date_trunc('day', …)` floor on the same database. acc's points must equal the floor's.
 */
export async function usagePhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const { db, cfg, fixtures } = ctx;
  const runner = new PhaseRunner(db, { acc: () => ctx.accSpec() });
  const projects = new Map<number, string>();
  const times = new Map<number, { acc: number[]; floor: number[] }>();
  const lastAcc = new Map<number, Cell[]>();
  const lastFloor = new Map<number, Cell[]>();
  const lastText = new Map<number, string>();
  const rollupReads = new Map<number, number[]>();
  const checks: string[] = [];
  let available = true;

  const steps: (Step | typeof BARRIER)[] = [
    {
      holder: 'direct',
      run: async () => {
        const sql = runner.sql();
        for (const n of cfg.usageSizes) {
          ctx.log(`  loading ${pow10(n)} metrics into a project of ${PROVIDERS * PER_PROVIDER} installations`);
          const project = `bench-usage-${n}`;
          const installations = await createProjectTree(sql, project, PROVIDERS, PER_PROVIDER);
          for (const o of installations) await loadMetrics(sql, o, fixtures.definitions, n / installations.length);
          projects.set(n, project);
        }
        for (const table of ['metrics', 'installations', 'metric_definitions']) await sql.exec(`VACUUM ANALYZE ${table}`);
        // The rollups, where the server keeps them (issue #14 §1), settle too.
        const rollups = await sql.query<{ t: string | null }>("SELECT to_regclass('metric_rollups')::text AS t");
        if (rollups[0]?.t) await sql.exec('VACUUM ANALYZE metric_rollups');
      },
    },
    BARRIER,
  ];

  for (const n of cfg.usageSizes) {
    times.set(n, { acc: [], floor: [] });
    rollupReads.set(n, []);
    for (let run = 0; run <= cfg.usageRuns; run++) {
      steps.push({
        holder: 'direct',
        run: async () => {
          const { ms, value } = await timed(() =>
            runner
              .sql()
              .query<{ inst: string; def: string; day: string; total: string | number; n: string | number }>(FLOOR, [projects.get(n), START, END]),
          );
          if (run > 0) times.get(n)!.floor.push(ms);
          lastFloor.set(
            n,
            value.map((r) => ({
              key: `${r.inst}|${r.def}|${r.day}T00:00:00.000Z`,
              total: Number(r.total),
              count: Number(r.n),
            })),
          );
        },
      });
      steps.push({
        holder: 'acc',
        run: async () => {
          if (!available) return;
          const acc = runner.acc();
          if (run === 0) ctx.log(`  project usage, day windows over 2024 by installation, ${pow10(n)} metrics`);
          const query = `start=2024-01-01&end=2025-01-01&window=day&group_by=installation&fill=none`;
          const res = await httpRequest(`${acc.url}/accounting-system/projects/${projects.get(n)}/usage?${query}`, {
            headers: { Authorization: `Bearer ${String(acc.info.adminToken)}` },
          });
          if (isUnrouted(res)) {
            available = false;
            return;
          }
          expectStatus(res, 200, 'project usage');
          if (run > 0) times.get(n)!.acc.push(res.ms);
          if (run === cfg.usageRuns) {
            lastAcc.set(n, cellsOfAnswer(JSON.parse(res.text) as UsageJson));
            lastText.set(n, res.text);
          }
        },
      });
      steps.push({
        holder: 'direct',
        run: async () => {
          if (!available) return;
          const { ms } = await timed(() => runner.sql().query(ROLLUP_ROWS, [projects.get(n), START, END]));
          if (run > 0) rollupReads.get(n)!.push(ms);
        },
      });
    }
  }
  await runner.run(steps);

  for (const [n, floor] of lastFloor) {
    const acc = lastAcc.get(n);
    if (!acc) continue;
    const problem = sameCells(acc, floor);
    checks.push(`${pow10(n)}: ${problem ?? `${acc.length} points equal`}`);
    if (problem) throw new Error(`usage differs from the raw GROUP BY floor (${pow10(n)} metrics): ${problem}`);
  }
  for (const n of cfg.usageSizes) {
    const t = times.get(n)!;
    const acc = t.acc.length ? median(t.acc) : null;
    const floor = t.floor.length ? median(t.floor) : null;
    const ratio = ratioOf(acc, floor);
    const atTarget = n >= TARGET_SIZE;
    ctx.rows.push({
      backend: db.backend,
      phase: PHASE,
      figure: `project usage, day windows over a year by installation, ${pow10(n)} metrics (median of ${cfg.usageRuns})`,
      unit: 'ms',
      acc,
      floor,
      floorName: 'raw GROUP BY date_trunc',
      ratio,
      target: `≤ ${USAGE_TARGET_MS} ms at 10^7 and ≤ ${1 / USAGE_TARGET_SPEEDUP} × floor`,
      pass: ratio === null || acc === null ? undefined : ratio <= 1 / USAGE_TARGET_SPEEDUP && (!atTarget || acc <= USAGE_TARGET_MS),
    });
  }
  for (const [n, text] of lastText) {
    const answer: unknown = JSON.parse(text);
    const serialising: number[] = [];
    for (let run = 0; run < cfg.usageRuns; run++) serialising.push((await timed(() => Promise.resolve(JSON.stringify(answer)))).ms);
    const reads = rollupReads.get(n);
    const acc = times.get(n)!.acc;
    if (!reads?.length || !acc.length) continue;
    const fixed = median(reads) + median(serialising);
    ctx.rows.push({
      backend: db.backend,
      phase: PHASE,
      figure: `the same usage beside its fixed cost, ${pow10(n)} metrics (${(text.length / 1e6).toFixed(1)} MB; reading its rollup rows ${fmtMs(median(reads))} + JSON.stringify ${fmtMs(median(serialising))})`,
      unit: 'ms',
      acc: median(acc),
      floor: fixed,
      floorName: 'its day rollup rows read through pg, unaggregated, + JSON.stringify of the answer',
      ratio: ratioOf(median(acc), fixed),
    });
  }
  return {
    status: available ? 'ok' : 'not available',
    note: available ? undefined : 'the usage endpoints are not routed by this server',
    memory: runner.memory,
    raw: { runs: Object.fromEntries(times), checks },
  };
}
