import type { EntityManager } from 'typeorm';
import { cover, type Level } from '../rollups/buckets.js';
import { toCells, type CellRow, type UsageCell, type UsageCellQuery, type UsageSource } from './usage-source.js';

/** The rollup column (alias `r`) each group key reads; provider and project come from the installation. */
const ROLLUP_GROUP_COLUMN = {
  installation: 'r.installation_id',
  provider: 'i.provider_id',
  project: 'i.project_id',
  group_id: 'r.group_id',
  user_id: 'r.user_id',
} as const;

/**
 * Every window covered by the coarsest UTC-aligned rollup buckets that fit in it (rollups/buckets.ts),
 * merged per level into disjoint ranges [lo, hi): a bucket (or, at level 0, a raw metric) counts when its
 * start lies in one of its level's ranges, which `width_bucket(start, [lo1, hi1, lo2, hi2, …])` being
 * odd says in one comparison. Adjacent pieces of a level merge, so a year of UTC days is one range.
 */
function rangesByLevel(bounds: readonly Date[]): Map<Level, number[]> {
  const out = new Map<Level, number[]>();
  for (let w = 0; w + 1 < bounds.length; w++) {
    for (const piece of cover(bounds[w], bounds[w + 1])) {
      const edges = out.get(piece.level) ?? [];
      const lo = piece.lo.getTime();
      const hi = piece.hi.getTime();
      if (edges.length > 0 && edges[edges.length - 1] === lo) edges[edges.length - 1] = hi;
      else edges.push(lo, hi);
      out.set(piece.level, edges);
    }
  }
  return out;
}

/**
 * Usage from the rollups (issue #14 §1): one index range scan of `metric_rollups` per bucket level the
 * windows need (one for UTC days, months or hours; a zone's days read hours), plus the raw metrics of
 * pieces finer than 15 minutes (a range bound off the quarter hour), each row placed in its window by
 * `width_bucket` over the window boundaries. The cost follows the buckets in range, not the metrics.
 * Held equal to the raw reference and an in-memory model by test/usage.property.test.ts on both backends.
 */
export class RollupUsageSource implements UsageSource {
  constructor(private readonly m: EntityManager) {}

  async cells(q: UsageCellQuery): Promise<UsageCell[]> {
    if (q.installationIds.length === 0) return [];
    const params: unknown[] = [q.installationIds, q.bounds.map((b) => b.toISOString())];
    let filters = '';
    let rawFilters = '';
    if (q.definitionIds.length > 0) {
      const n = params.push(q.definitionIds);
      filters += ` AND r.metric_definition_id = ANY($${n}::text[])`;
      rawFilters += ` AND m.metric_definition_id = ANY($${n}::text[])`;
    }
    if (q.groupId !== undefined) {
      const n = params.push(q.groupId);
      filters += ` AND r.group_id = $${n}`;
      rawFilters += ` AND m.group_id = $${n}`;
    }
    if (q.userId !== undefined) {
      const n = params.push(q.userId);
      filters += ` AND r.user_id = $${n}`;
      rawFilters += ` AND m.user_id = $${n}`;
    }
    const parts: string[] = [];
    for (const [level, edges] of rangesByLevel(q.bounds)) {
      const e = params.push(edges.map((t) => new Date(t).toISOString()));
      // One range needs no parity test, and leaving it out keeps the planner's row estimate true (with
      // it, PostgreSQL guessed ~100 rows for 36,600 and sorted on disk instead of hashing).
      const gaps = (col: string) => (edges.length > 2 ? ` AND width_bucket(${col}, $${e}::timestamptz[]) % 2 = 1` : '');
      const inRange = (col: string) => `${col} >= ($${e}::timestamptz[])[1] AND ${col} < ($${e}::timestamptz[])[${edges.length}]${gaps(col)}`;
      parts.push(
        level === 0
          ? `SELECT m.installation_id, m.metric_definition_id, m.group_id, m.user_id, m.time_period_start AS at,
                    m.value::text::numeric AS total, 1::bigint AS count, m.value AS min, m.value AS max
               FROM metrics m WHERE m.installation_id = ANY($1::text[]) AND ${inRange('m.time_period_start')}${rawFilters}`
          : `SELECT r.installation_id, r.metric_definition_id, r.group_id, r.user_id, r.bucket_start AS at, r.total, r.count, r.min, r.max
               FROM metric_rollups r
              WHERE r.installation_id = ANY($1::text[]) AND r.level = ${level} AND ${inRange('r.bucket_start')}${filters}`,
      );
    }
    const groups = q.groupBy.map((k, i) => `, ${ROLLUP_GROUP_COLUMN[k]} AS g${i}`).join('');
    const keys = ['1', '2', ...q.groupBy.map((_, i) => String(i + 3))].join(', ');
    const joinInstallations = q.groupBy.some((k) => k === 'provider' || k === 'project') ? 'JOIN installations i ON i.id = r.installation_id' : '';
    const rows: CellRow[] = await this.m.query(
      `SELECT r.metric_definition_id AS def, width_bucket(r.at, $2::timestamptz[]) AS w${groups},
              sum(r.total)::text AS total, sum(r.count)::int AS count, min(r.min) AS min, max(r.max) AS max
         FROM (${parts.join(' UNION ALL ')}) r ${joinInstallations}
        GROUP BY ${keys}`,
      params,
    );
    return toCells(rows, q.groupBy.length);
  }
}
