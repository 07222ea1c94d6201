import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE_GROUP_KEYS, type UsageGroupKey, type UsageWindow } from '@acc/contracts';
import type { Database } from '@acc/db';
import { sumDecimals } from '../src/modules/reports/decimal.js';
import { RawUsageSource } from '../src/modules/usage/raw-usage-source.js';
import type { UsageCell, UsageCellQuery, UsageSource } from '../src/modules/usage/usage-source.js';
import { servedUsageSource } from '../src/modules/usage/usage-sources.js';
import { planWindows } from '../src/modules/usage/windows.js';
import { backends, freshDatabase } from './support/database.js';
import { Fixtures, type InstallationFixture } from './support/fixtures.js';

/**
 * Every usage source (the raw-SQL reference and the one the server answers from) against a model computed
 * in memory, for random metrics, zones (DST and ±hh:30/:45 offsets), windows, ranges, groupings and
 * filters, on both backends. Values are plain decimals whose sum in binary floating point would show
 * noise, so exactness is part of the property.
 */
const DAY = 86_400_000;
const ORIGIN = Date.parse('2025-03-27T00:00:00Z');
const VALUES = [0.1, 0.2, 0.7, 1.5, 3, 12.25, 60308.4, 1000000.01];
const ZONES = ['UTC', 'Europe/Athens', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe'];
const WINDOWS: UsageWindow[] = ['hour', 'day', 'week', 'month', 'total'];

interface M {
  inst: number;
  def: number;
  /** Minutes after ORIGIN; some off the quarter hour, so rollup sources meet raw edges too. */
  at: number;
  value: number;
  group: string | null;
  user: string | null;
  /** Placed on a window boundary (index into the plan's bounds), or a minute before one, instead of `at`. */
  edge?: { bound: number; before: boolean };
}

const metric: fc.Arbitrary<M> = fc.record({
  inst: fc.integer({ min: 0, max: 2 }),
  def: fc.integer({ min: 0, max: 1 }),
  at: fc.oneof(
    fc.integer({ min: 0, max: 10 * 24 * 4 }).map((q) => q * 15),
    fc.integer({ min: 0, max: 10 * 24 * 60 }),
  ),
  value: fc.constantFrom(...VALUES),
  group: fc.constantFrom(null, 'g1', 'g2'),
  user: fc.constantFrom(null, 'u1'),
  edge: fc.option(fc.record({ bound: fc.nat(200), before: fc.boolean() }), { nil: undefined }),
});

const query = fc.record({
  tz: fc.constantFrom(...ZONES),
  window: fc.constantFrom(...WINDOWS),
  /** Range start: a day (00:00 in tz) or an instant in minutes after ORIGIN, and its length in hours. */
  startDay: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  startMinute: fc.integer({ min: 0, max: 6 * 24 * 60 }),
  hours: fc.integer({ min: 1, max: 6 * 24 }),
  installations: fc.subarray([0, 1, 2], { minLength: 1 }),
  definitions: fc.subarray([0, 1]),
  groupBy: fc.subarray([...USAGE_GROUP_KEYS]),
  groupId: fc.constantFrom(undefined, 'g1'),
  userId: fc.constantFrom(undefined, 'u1'),
});

/** The cells as a plain comparable list: one string per cell, sums in canonical decimal text. */
const canonical = (cells: readonly UsageCell[]) =>
  cells.map((c) => JSON.stringify([c.definitionId, c.group, c.window, sumDecimals([c.total]), c.count, c.min, c.max])).sort();

function model(metrics: readonly (M & { start: number })[], q: UsageCellQuery, insts: InstallationFixture[], defs: string[]): UsageCell[] {
  const bounds = q.bounds.map((b) => b.getTime());
  const cells = new Map<string, UsageCell & { values: string[] }>();
  for (const m of metrics) {
    const inst = insts[m.inst];
    if (!q.installationIds.includes(inst.id)) continue;
    if (q.definitionIds.length > 0 && !q.definitionIds.includes(defs[m.def])) continue;
    if (q.groupId !== undefined && m.group !== q.groupId) continue;
    if (q.userId !== undefined && m.user !== q.userId) continue;
    if (m.start < bounds[0] || m.start >= bounds[bounds.length - 1]) continue;
    let window = 0;
    while (bounds[window + 1] <= m.start) window++;
    const values: Record<UsageGroupKey, string | null> = {
      installation: inst.id,
      provider: inst.providerId,
      project: inst.projectId,
      group_id: m.group,
      user_id: m.user,
    };
    const group = q.groupBy.map((k) => values[k]);
    const key = JSON.stringify([defs[m.def], group, window]);
    const c = cells.get(key) ?? { definitionId: defs[m.def], group, window, total: '0', count: 0, min: Infinity, max: -Infinity, values: [] };
    c.values.push(String(m.value));
    c.count++;
    c.min = Math.min(c.min, m.value);
    c.max = Math.max(c.max, m.value);
    cells.set(key, c);
  }
  return [...cells.values()].map(({ values, ...c }) => ({ ...c, total: sumDecimals(values) }));
}

describe.each(backends)('usage sources against an in-memory model (%s)', (backend) => {
  let db: Database;
  let f: Fixtures;
  let insts: InstallationFixture[];
  let defs: string[];

  beforeAll(async () => {
    db = await freshDatabase(backend);
    f = new Fixtures(db.dataSource);
    for (const p of ['P', 'Q']) await f.project(p);
    for (const v of ['v1', 'v2']) await f.provider(v);
    for (const [p, v] of [
      ['P', 'v1'],
      ['P', 'v2'],
      ['Q', 'v1'],
    ])
      await f.associate(p, v);
    insts = [await f.installation('P', 'v1'), await f.installation('P', 'v2'), await f.installation('Q', 'v1')];
    defs = [await f.definition(), await f.definition()];
  });
  afterAll(() => db?.close());

  const sources: [string, (m: Database['dataSource']['manager']) => UsageSource][] = [
    ['raw reference', (m) => new RawUsageSource(m)],
    ['served', servedUsageSource],
  ];

  it('gives the model cells for random metrics, zones, windows, ranges, groups and filters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(metric, { maxLength: 30 }), query, async (ms, qq) => {
        const start =
          qq.startDay !== undefined
            ? { date: new Date(ORIGIN + qq.startDay * DAY).toISOString().slice(0, 10) }
            : { instant: new Date(ORIGIN + qq.startMinute * 60_000).toISOString() };
        const end = {
          instant: new Date(
            (qq.startDay !== undefined ? ORIGIN + qq.startDay * DAY : ORIGIN + qq.startMinute * 60_000) + qq.hours * 3_600_000,
          ).toISOString(),
        };
        let plan;
        try {
          plan = planWindows(start, end, qq.window, qq.tz);
        } catch {
          return; // a range that ends before a zoned day starts: the contract's 400, not this property
        }
        const metrics = ms.map((m) => {
          const bound = m.edge && plan.bounds[m.edge.bound % plan.bounds.length];
          return { ...m, start: bound !== undefined && m.edge ? bound - (m.edge.before ? 60_000 : 0) : ORIGIN + m.at * 60_000 };
        });
        await db.dataSource.query('DELETE FROM metrics');
        for (const m of metrics) {
          const end = new Date(m.start + 3_600_000).toISOString();
          await f.metric(insts[m.inst], defs[m.def], new Date(m.start).toISOString(), end, m.value, {
            groupId: m.group ?? undefined,
            userId: m.user ?? undefined,
          });
        }
        const q: UsageCellQuery = {
          installationIds: qq.installations.map((i) => insts[i].id),
          bounds: plan.bounds.map((b) => new Date(b)),
          definitionIds: qq.definitions.map((d) => defs[d]),
          groupId: qq.groupId,
          userId: qq.userId,
          groupBy: qq.groupBy,
        };
        const expected = canonical(model(metrics, q, insts, defs));
        for (const [name, make] of sources) expect([name, canonical(await make(db.dataSource.manager).cells(q))]).toEqual([name, expected]);
      }),
      { numRuns: 40 },
    );
  });
});
