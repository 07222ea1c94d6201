import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import type { Database, InstallationRow } from '@acc/db';
import { InstallationEntity } from '@acc/db';
import { installationReports } from '../src/modules/reports/report-builder.js';
import { ReportRepository } from '../src/modules/reports/report-repository.js';
import { splitPeriods } from '../src/modules/reports/periods.js';
import { RollupCheckRepository } from '../src/modules/rollups/rollup-check-repository.js';
import { RollupWindowRepository, type RollupGroupKey } from '../src/modules/rollups/rollup-window-repository.js';
import { backends, freshDatabase } from './support/database.js';
import { associate, hexId, insertInstallation, insertProject, insertProvider } from './support/catalogue-fixtures.js';

/*
 * Rollup-backed answers against straightforward SQL over the raw metrics, on random data: metrics at
 * random instants (aligned to days, hours, quarter hours, or not at all) and of random lengths, random
 * updates (value, times, definition, group) and deletes, capacities at random instants, report windows
 * and usage windows with random boundaries. After every batch of writes the rollups must also equal
 * their recomputation from the metrics.
 */

const T0 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;
const SPAN_DAYS = 100;

const instant = fc.oneof(
  fc.integer({ min: 0, max: SPAN_DAYS }).map((d) => T0 + d * DAY),
  fc.integer({ min: 0, max: SPAN_DAYS * 24 }).map((h) => T0 + h * 3_600_000),
  fc.integer({ min: 0, max: SPAN_DAYS * 96 }).map((q) => T0 + q * 900_000),
  fc.integer({ min: 0, max: SPAN_DAYS * 86_400 }).map((s) => T0 + s * 1000),
);
const duration = fc.oneof(
  fc.integer({ min: 1, max: 7_200 }).map((s) => s * 1000),
  fc.constantFrom(900_000, 3_600_000, DAY),
  fc.integer({ min: 1, max: 45 * DAY }),
);
const value = fc
  .oneof(
    fc.integer({ min: -1000, max: 100_000 }),
    fc.constantFrom(0.1, 0.2, 0.3, 60308.4, 1e-7, 123456.789),
    fc.double({ min: -1e6, max: 1e9, noNaN: true, noDefaultInfinity: true }),
  )
  .map((v) => v + 0); // no -0: min() of {0, -0} may answer either
const owner = fc.constantFrom(null, 'g1', 'g2');
const user = fc.constantFrom(null, 'u1', 'u2');

const metricArb = fc.record({ inst: fc.nat(2), def: fc.nat(2), start: instant, length: duration, value, group: owner, user });
type ArbValue<A> = A extends fc.Arbitrary<infer T> ? T : never;
type MetricSpec = ArbValue<typeof metricArb>;

const operationArb = fc.oneof(
  fc.record({
    kind: fc.constant('update' as const),
    pick: fc.nat(),
    change: fc.record({
      value: fc.option(value),
      start: fc.option(instant),
      length: fc.option(duration),
      def: fc.option(fc.nat(2)),
      group: fc.option(owner),
    }),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('deleteInstallation' as const), inst: fc.nat(2) }),
  fc.record({ kind: fc.constant('insert' as const), metric: metricArb }),
);

const capacityArb = fc.record({ inst: fc.nat(2), def: fc.nat(2), at: instant, value: fc.constantFrom('0', '1000', '12.5', '333.333', '1e3') });

const reportOwnerArb = fc.record({
  groupId: fc.option(fc.constantFrom('g1', 'g2'), { nil: undefined }),
  userId: fc.option(fc.constantFrom('u1', 'u2'), { nil: undefined }),
});

const scenarioArb = fc.record({
  metrics: fc.array(metricArb, { maxLength: 40 }),
  operations: fc.array(operationArb, { maxLength: 8 }),
  capacities: fc.array(capacityArb, { maxLength: 8 }),
  window: fc.tuple(fc.integer({ min: 0, max: SPAN_DAYS }), fc.integer({ min: 0, max: SPAN_DAYS })),
  reportOwner: reportOwnerArb,
  boundaries: fc.uniqueArray(instant, { minLength: 2, maxLength: 6 }),
  groupBy: fc.subarray<RollupGroupKey>(['installation', 'provider', 'project', 'group_id', 'user_id']),
});

type Scenario = ArbValue<typeof scenarioArb>;

const QUARTER = 900_000;
/** Whole quarter hours, or any second, from `min` to `max` quarter hours of a pivot. */
const offset = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min, max }).map((q) => q * QUARTER),
    fc.integer({ min: min * 900, max: max * 900 }).map((s) => s * 1000),
  );

/** Mostly the first installation and definition, so a 15-minute bucket often holds several metrics. */
const crowded = fc.constantFrom(0, 0, 0, 0, 1);

/**
 * Metrics crowding the period edges: every capacity is registered at a pivot (an instant of any
 * alignment), and each metric starts in the half hour before one and ends from a quarter hour before
 * it to half an hour after, so the 15-minute buckets before a period's end hold metrics ending before
 * it, exactly at it and after it. The report reads those from their breakdown by end quarter hour, or
 * from the raw rows when the pivot is off the quarter hour.
 */
const edgeScenarioArb = fc
  .record({
    pivots: fc.uniqueArray(instant, { minLength: 1, maxLength: 3 }),
    metrics: fc.array(
      fc.record({
        inst: crowded,
        def: crowded,
        pivot: fc.nat(),
        reversed: fc.constantFrom(false, false, false, true),
        start: offset(-2, 0),
        end: offset(-1, 2),
        value,
        group: fc.constantFrom(null, null, 'g1'),
        user: fc.constantFrom(null, null, 'u1'),
      }),
      { minLength: 5, maxLength: 40 },
    ),
    // Mostly everyone's metrics: a narrower filter leaves fewer buckets holding both kinds.
    reportOwner: fc.oneof({ arbitrary: fc.constant({ groupId: undefined, userId: undefined }), weight: 3 }, { arbitrary: reportOwnerArb, weight: 1 }),
  })
  .map(({ pivots, metrics, reportOwner }): Scenario => ({
    metrics: metrics.map((m) => {
      const p = pivots[m.pivot % pivots.length];
      // The API refuses an end before the start; plain SQL does not, and the rollups must still agree.
      const [start, end] = m.start === m.end ? [m.start, m.start + 1000] : m.reversed || m.start < m.end ? [m.start, m.end] : [m.end, m.start];
      return { inst: m.inst, def: m.def, start: p + start, length: end - start, value: m.value, group: m.group, user: m.user };
    }),
    operations: [],
    capacities: pivots.flatMap((at) => [0, 1, 2].flatMap((inst) => [0, 1, 2].map((def) => ({ inst, def, at, value: '1000' })))),
    // The whole span and a day beyond it, so every pivot splits a period.
    window: [0, SPAN_DAYS + 1],
    reportOwner,
    boundaries: pivots.length > 1 ? pivots : [pivots[0], pivots[0] + DAY],
    groupBy: [],
  }));

interface World {
  db: DataSource;
  installations: InstallationRow[];
  definitions: string[];
}

async function setUp(db: DataSource): Promise<World> {
  const projectId = `P${hexId().slice(-8)}`;
  await insertProject(db, projectId);
  const providers = [await insertProvider(db, { name: `a-${hexId()}` }), await insertProvider(db, { name: `b-${hexId()}` })];
  for (const p of providers) await associate(db, projectId, p);
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await insertInstallation(db, { projectId, providerId: providers[i % 2], installation: `inst-${i}` }));
  const definitions = [];
  for (let i = 0; i < 3; i++) {
    const id = hexId();
    await db.query(
      `INSERT INTO metric_definitions (id, metric_name, metric_description, unit_type, metric_type, creator_id) VALUES ($1, $2, '', 'TB', 'aggregated', 'seed')`,
      [id, `def-${i}`],
    );
    definitions.push(id);
  }
  const rows = await db.getRepository(InstallationEntity).find();
  return { db, installations: ids.map((id) => rows.find((r) => r.id === id)!), definitions };
}

const iso = (t: number) => new Date(t).toISOString();

/** Multi-row INSERT (the bulk path's shape) of metrics; returns their ids. */
async function insertMetrics(w: World, specs: readonly MetricSpec[]): Promise<string[]> {
  if (specs.length === 0) return [];
  const ids = specs.map(() => hexId());
  const params: unknown[] = [];
  const tuples = specs.map((s, k) => {
    const i = w.installations[s.inst];
    const base = params.length;
    params.push(i.id, ids[k], w.definitions[s.def], iso(s.start), iso(s.start + s.length), s.value, s.group, s.user, i.projectId, i.providerId, 'r');
    return `(${Array.from({ length: 11 }, (_, j) => `$${base + j + 1}`).join(', ')})`;
  });
  await w.db.query(
    `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, value, group_id, user_id, project_id, provider_id, resource_id)
     VALUES ${tuples.join(', ')}`,
    params,
  );
  return ids;
}

async function apply(w: World, ids: string[], op: ArbValue<typeof operationArb>): Promise<void> {
  if (op.kind === 'insert') {
    ids.push(...(await insertMetrics(w, [op.metric])));
    return;
  }
  if (op.kind === 'deleteInstallation') {
    await w.db.query('DELETE FROM metrics WHERE installation_id = $1', [w.installations[op.inst].id]);
    return;
  }
  if (ids.length === 0) return;
  const id = ids[op.pick % ids.length];
  if (op.kind === 'delete') {
    await w.db.query('DELETE FROM metrics WHERE id = $1', [id]);
    return;
  }
  const c = op.change;
  const sets: string[] = [];
  const params: unknown[] = [id];
  if (c.value !== null) sets.push(`value = $${params.push(c.value)}`);
  if (c.start !== null) {
    const length = c.length ?? 3_600_000;
    sets.push(`time_period_start = $${params.push(iso(c.start))}`, `time_period_end = $${params.push(iso(c.start + length))}`);
  }
  if (c.def !== null) sets.push(`metric_definition_id = $${params.push(w.definitions[c.def])}`);
  if (c.group !== null) sets.push(`group_id = $${params.push(c.group)}`);
  if (sets.length > 0) await w.db.query(`UPDATE metrics SET ${sets.join(', ')} WHERE id = $1`, params);
}

/** §5, computed the straightforward way: periods from the capacities, then one raw SUM per period. */
async function rawReport(w: World, from: Date, to: Date, own: { groupId?: string; userId?: string }) {
  const out = [];
  for (const inst of w.installations) {
    const defs: { id: string }[] = await w.db.query(
      `SELECT md.id FROM metric_definitions md WHERE EXISTS (SELECT 1 FROM metrics m WHERE m.installation_id = $1 AND m.metric_definition_id = md.id)
        ORDER BY md.created_at, md.id`,
      [inst.id],
    );
    for (const d of defs) {
      const caps: { value: string; registered_on: Date }[] = await w.db.query(
        `SELECT value::text AS value, registered_on FROM capacities WHERE installation_id = $1 AND metric_definition_id = $2 ORDER BY registered_on`,
        [inst.id, d.id],
      );
      for (const p of splitPeriods(
        from,
        to,
        caps.map((c) => ({ registeredOn: c.registered_on, value: c.value })),
      )) {
        const [row]: { total: string | null; usage: string | null }[] = await w.db.query(
          `SELECT s.total::text AS total, (round(coalesce(s.total, 0) / NULLIF($7::numeric, 0), 4) * 100)::text AS usage
             FROM (SELECT sum(value::text::numeric) AS total FROM metrics
                    WHERE installation_id = $1 AND metric_definition_id = $2
                      AND time_period_start >= $3 AND time_period_start <= $4 AND time_period_end >= $3 AND time_period_end <= $4
                      AND ($5::text IS NULL OR group_id = $5) AND ($6::text IS NULL OR user_id = $6)) s`,
          [inst.id, d.id, p.from, p.to, own.groupId ?? null, own.userId ?? null, p.capacity],
        );
        out.push({
          installation: inst.id,
          definition: d.id,
          from: p.from.toISOString(),
          to: p.to.toISOString(),
          total: Number(row.total ?? 0),
          usage: row.usage === null ? null : Number(row.usage),
        });
      }
    }
  }
  return out;
}

/** The usage rule (metric in the window holding its start), as one GROUP BY over the raw metrics. */
async function rawWindows(w: World, boundaries: Date[], groupBy: RollupGroupKey[], own: { groupId?: string; userId?: string }) {
  const cols: Record<RollupGroupKey, string> = {
    installation: 'm.installation_id',
    provider: 'i.provider_id',
    project: 'i.project_id',
    group_id: 'm.group_id',
    user_id: 'm.user_id',
  };
  const keys = groupBy.map((k) => cols[k]);
  const rows: { w: number; def: string; keys: unknown[]; total: string; count: string; min: number; max: number }[] = await w.db.query(
    `SELECT b.w, m.metric_definition_id AS def, jsonb_build_array(${keys.join(', ') || "''"}) AS keys,
            sum(m.value::text::numeric)::text AS total, count(*)::text AS count, min(m.value) AS min, max(m.value) AS max
       FROM metrics m JOIN installations i ON i.id = m.installation_id
       JOIN (SELECT (n - 1)::int AS w, lo, lead(lo) OVER (ORDER BY n) AS hi FROM unnest($1::timestamptz[]) WITH ORDINALITY AS x(lo, n)) b
         ON m.time_period_start >= b.lo AND m.time_period_start < b.hi
      WHERE ($2::text IS NULL OR m.group_id = $2) AND ($3::text IS NULL OR m.user_id = $3)
      GROUP BY 1, 2, 3`,
    [boundaries, own.groupId ?? null, own.userId ?? null],
  );
  return rows
    .map((r) => ({
      w: Number(r.w),
      def: r.def,
      keys: JSON.stringify(r.keys),
      total: Number(r.total),
      count: Number(r.count),
      min: Number(r.min),
      max: Number(r.max),
    }))
    .sort((a, b) => a.w - b.w || a.def.localeCompare(b.def) || a.keys.localeCompare(b.keys));
}

/** Stores the scenario, then holds every rollup-backed answer to the raw computation. */
async function assertMatchesRaw(w: World, s: Scenario): Promise<void> {
  await w.db.query('DELETE FROM metrics');
  await w.db.query('DELETE FROM capacities');
  const ids = await insertMetrics(w, s.metrics);
  for (const op of s.operations) await apply(w, ids, op);
  for (const c of s.capacities) {
    await w.db.query(
      `INSERT INTO capacities (installation_id, id, metric_definition_id, value, registered_on) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [w.installations[c.inst].id, hexId(), w.definitions[c.def], c.value, iso(c.at)],
    );
  }

  const check = await new RollupCheckRepository(w.db.manager).check();
  expect(check.sample).toEqual([]);

  const [a, b] = s.window;
  const from = new Date(T0 + Math.min(a, b) * DAY);
  const to = new Date(T0 + Math.max(a, b) * DAY);
  const reports = await installationReports(new ReportRepository(w.db.manager), w.installations, { from, to, owner: s.reportOwner });
  const fromRollups = reports.flatMap((r) =>
    r.data.flatMap((d) =>
      d.periods.map((p) => ({
        installation: r.installation_id,
        definition: d.metric_definition_id,
        from: p.from,
        to: p.to,
        total: Number(p.total_value),
        usage: p.usage_percentage ?? null,
      })),
    ),
  );
  const raw = (await rawReport(w, from, to, s.reportOwner)).map((p) => ({
    ...p,
    from: p.from.replace('.000Z', 'Z'),
    to: p.to.replace('.000Z', 'Z'),
  }));
  expect(fromRollups).toEqual(raw);

  const boundaries = [...s.boundaries].sort((x, y) => x - y).map((t) => new Date(t));
  const rows = await new RollupWindowRepository(w.db.manager).windows({
    installationIds: w.installations.map((i) => i.id),
    boundaries,
    groupBy: s.groupBy,
    groupId: s.reportOwner.groupId,
    userId: s.reportOwner.userId,
  });
  const cols: Record<RollupGroupKey, 'installation_id' | 'provider_id' | 'project_id' | 'group_id' | 'user_id'> = {
    installation: 'installation_id',
    provider: 'provider_id',
    project: 'project_id',
    group_id: 'group_id',
    user_id: 'user_id',
  };
  const got = rows
    .map((r) => ({
      w: r.window,
      def: r.metric_definition_id,
      keys: JSON.stringify(s.groupBy.map((k) => r[cols[k]] ?? null).concat(s.groupBy.length === 0 ? [''] : [])),
      total: Number(r.total),
      count: r.count,
      min: r.min,
      max: r.max,
    }))
    .sort((x, y) => x.w - y.w || x.def.localeCompare(y.def) || x.keys.localeCompare(y.keys));
  expect(got).toEqual(await rawWindows(w, boundaries, s.groupBy, s.reportOwner));
}

describe.each(backends)('rollups on %s', (backend) => {
  let database: Database;
  let world: World;

  beforeAll(async () => {
    database = await freshDatabase(backend);
    world = await setUp(database.dataSource);
  }, 120_000);
  afterAll(() => database?.close());

  it('keep reports and windows identical to the raw metrics through inserts, updates and deletes', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, (s) => assertMatchesRaw(world, s)),
      { numRuns: backend === 'pglite' ? 40 : 60 },
    );
  }, 600_000);

  it('keep reports identical to the raw metrics when metrics crowd the period edges', async () => {
    await fc.assert(
      fc.asyncProperty(edgeScenarioArb, (s) => assertMatchesRaw(world, s)),
      { numRuns: backend === 'pglite' ? 40 : 60 },
    );
  }, 600_000);
});
