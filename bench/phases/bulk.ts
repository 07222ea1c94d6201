import { ratioOf, type PhaseContext, type PhaseOutcome } from '../lib/context.js';
import type { Sql } from '../lib/db.js';
import { hexId, METRIC_COLUMNS, metricBodies, metricRow, type InstallationFixture, type MetricBody } from '../lib/fixtures.js';
import { cpuDuring } from '../lib/cpu.js';
import { expectStatus, httpRequest, isUnrouted } from '../lib/http.js';
import { PhaseRunner, type Step } from '../lib/runner.js';
import { median, sum, timed } from '../lib/stats.js';

const PHASE = '2 bulk push';
export const BULK_TARGET_RATIO = 0.5;
/** PostgreSQL's bind-parameter limit per statement. */
const MAX_PARAMS = 65_535;

/** Multi-row INSERT of every column, chunked under the parameter limit, in one transaction. */
export async function insertMetricsMultiRow(sql: Sql, owner: InstallationFixture, bodies: readonly MetricBody[]): Promise<void> {
  const perChunk = Math.floor(MAX_PARAMS / METRIC_COLUMNS.length);
  await sql.transaction(async (tx) => {
    for (let at = 0; at < bodies.length; at += perChunk) {
      const chunk = bodies.slice(at, at + perChunk);
      const params: unknown[] = [];
      const tuples = chunk.map((b) => {
        const base = params.length;
        params.push(...metricRow(owner, hexId(), b));
        return `(${METRIC_COLUMNS.map((_, i) => `$${base + i + 1}`).join(', ')})`;
      });
      await tx.query(`INSERT INTO metrics (${METRIC_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
    }
  });
}

const csvField = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return s === '' || /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** COPY … FROM STDIN of the same rows (serialisation included in the time). */
export async function copyMetrics(sql: Sql, owner: InstallationFixture, bodies: readonly MetricBody[]): Promise<void> {
  const lines = bodies.map((b) => metricRow(owner, hexId(), b).map(csvField).join(','));
  await sql.copyCsv('metrics', METRIC_COLUMNS, `${lines.join('\n')}\n`);
}

type Method = 'insert' | 'copy' | 'rest' | 'trpc';

/**
 * Bulk pushes of `bulkSize` metrics per request over REST and tRPC, beside the same rows stored by a
 * multi-row INSERT and by COPY through the driver directly. One warm-up round, then `bulkRounds`
 * measured rounds, each running every method once.
 */
export async function bulkPushPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const { db, cfg, fixtures } = ctx;
  const bench = fixtures.bench;
  const bodies = metricBodies(cfg.bulkSize, fixtures.definitions);
  const restBody = JSON.stringify(bodies);
  const trpcBody = JSON.stringify({ installation_id: bench.installationId, items: bodies });
  const restPath = `/accounting-system/installations/${bench.installationId}/metrics/bulk`;
  const trpcPath = '/trpc/metrics.pushBulk';
  const runner = new PhaseRunner(db, { acc: () => ctx.accSpec() });
  const times: Record<Method, number[]> = { insert: [], copy: [], rest: [], trpc: [] };
  const cpu: Record<Method, { processMs: number; databaseMs: number | null }> = {
    insert: { processMs: 0, databaseMs: null },
    copy: { processMs: 0, databaseMs: null },
    rest: { processMs: 0, databaseMs: null },
    trpc: { processMs: 0, databaseMs: null },
  };
  /** Times `fn` and adds the CPU it cost (process `pid`, or this harness, plus database backends) to `m`'s account. */
  const metered = async (m: Method, round: number, pid: number | undefined, fn: () => Promise<number | undefined>) => {
    const { cpu: spent, value } = await cpuDuring(db, pid, fn);
    if (round > 0 && value !== undefined) {
      cpu[m].processMs += spent.processMs;
      if (spent.databaseMs !== null) cpu[m].databaseMs = (cpu[m].databaseMs ?? 0) + spent.databaseMs;
    }
    return value;
  };
  const unavailable = new Set<Method>();

  const post = async (method: 'rest' | 'trpc') => {
    const acc = runner.acc();
    const res = await httpRequest(`${acc.url}${method === 'rest' ? restPath : trpcPath}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${String(acc.info.adminToken)}` },
      body: method === 'rest' ? restBody : trpcBody,
    });
    if (isUnrouted(res)) {
      unavailable.add(method);
      return undefined;
    }
    expectStatus(res, method === 'rest' ? 201 : 200, `bulk push over ${method}`);
    return res.ms;
  };

  const steps: Step[] = [];
  for (let round = 0; round <= cfg.bulkRounds; round++) {
    const record = (m: Method, ms: number | undefined) => {
      if (round > 0 && ms !== undefined) times[m].push(ms);
    };
    const floorStep = (m: 'insert' | 'copy', store: typeof insertMetricsMultiRow): Step => ({
      holder: 'direct',
      run: async () => record(m, await metered(m, round, undefined, async () => (await timed(() => store(runner.sql(), bench, bodies))).ms)),
    });
    const accStep = (m: 'rest' | 'trpc'): Step => ({
      holder: 'acc',
      run: async () => {
        if (round === 0 && m === 'rest') ctx.log(`  bulk rounds of ${bodies.length} metrics`);
        if (!unavailable.has(m)) record(m, await metered(m, round, runner.acc().pid, () => post(m)));
      },
    });
    steps.push(floorStep('insert', insertMetricsMultiRow), floorStep('copy', copyMetrics), accStep('rest'), accStep('trpc'));
  }
  await runner.run(steps);

  const rate = (m: Method) => (times[m].length === 0 ? null : (cfg.bulkSize * times[m].length) / (sum(times[m]) / 1000));
  const row = (figure: string, acc: Method, floor: Method, floorName: string, target: boolean) => {
    const ratio = ratioOf(rate(acc), rate(floor));
    ctx.rows.push({
      backend: db.backend,
      phase: PHASE,
      figure,
      unit: 'metrics/s',
      acc: rate(acc),
      floor: rate(floor),
      floorName,
      ratio,
      ...(target && { target: `≥ ${BULK_TARGET_RATIO.toFixed(2)} × floor`, pass: ratio === null ? undefined : ratio >= BULK_TARGET_RATIO }),
      ...(unavailable.has(acc) && { note: 'endpoint not available' }),
    });
  };
  const n = cfg.bulkSize.toLocaleString('en-US');
  row(`REST bulk, ${n}/request`, 'rest', 'insert', 'pg multi-row INSERT', true);
  row(`tRPC bulk, ${n}/request`, 'trpc', 'insert', 'pg multi-row INSERT', true);
  row(`REST bulk, ${n}/request`, 'rest', 'copy', 'COPY FROM STDIN', false);
  // CPU per 1,000 metrics stored: the acc server process against the harness doing the floor's work.
  const perThousand = (m: Method, f: (c: (typeof cpu)[Method]) => number | null) => {
    const v = f(cpu[m]);
    return times[m].length === 0 || v === null ? null : (v / (cfg.bulkSize * times[m].length)) * 1000;
  };
  const cpuRow = (figure: string, f: (c: (typeof cpu)[Method]) => number | null, floorName: string) =>
    ctx.rows.push({
      backend: db.backend,
      phase: PHASE,
      figure,
      unit: 'ms',
      acc: perThousand('rest', f),
      floor: perThousand('insert', f),
      floorName,
      ratio: ratioOf(perThousand('rest', f), perThousand('insert', f)),
    });
  cpuRow(
    `process CPU per 1,000 metrics, REST bulk${db.backend === 'pglite' ? ' (PGlite runs inside it)' : ''}`,
    (c) => c.processMs,
    'pg multi-row INSERT (harness process)',
  );
  if (db.backend === 'postgres') cpuRow('PostgreSQL backend CPU per 1,000 metrics, REST bulk', (c) => c.databaseMs, 'pg multi-row INSERT');
  const status = unavailable.size === 2 ? 'not available' : 'ok';
  return {
    status,
    note: unavailable.size > 0 ? `not available: ${[...unavailable].join(', ')}` : undefined,
    memory: runner.memory,
    raw: Object.fromEntries(
      Object.entries(times).map(([m, t]) => [m, { medianMs: median(t), runsMs: t, metricsPerSecond: rate(m as Method), cpu: cpu[m as Method] }]),
    ),
  };
}
