import type { EntityManager } from 'typeorm';
import { METRIC_GROUP_COLUMN, toCells, type CellRow, type UsageCell, type UsageCellQuery, type UsageSource } from './usage-source.js';

/**
 * Usage straight from `metrics`: one GROUP BY over the range, each metric placed in its window by
 * `width_bucket` over the window boundaries (instants computed in the zone by windows.ts), so DST and
 * +05:45 zones need nothing from SQL. Values are summed in numeric through their shortest text (what JSON
 * shows for the double), as the reports do, so sums are exact. Its cost grows with the metrics in range:
 * it is the reference the rollup-backed source is checked against, not the served path.
 */
export class RawUsageSource implements UsageSource {
  constructor(private readonly m: EntityManager) {}

  async cells(q: UsageCellQuery): Promise<UsageCell[]> {
    if (q.installationIds.length === 0) return [];
    const params: unknown[] = [q.installationIds, q.bounds.map((b) => b.toISOString())];
    let where = 'm.installation_id = ANY($1::text[]) AND m.time_period_start >= ($2::timestamptz[])[1]';
    where += ` AND m.time_period_start < ($2::timestamptz[])[${q.bounds.length}]`;
    if (q.definitionIds.length > 0) where += ` AND m.metric_definition_id = ANY($${params.push(q.definitionIds)}::text[])`;
    if (q.groupId !== undefined) where += ` AND m.group_id = $${params.push(q.groupId)}`;
    if (q.userId !== undefined) where += ` AND m.user_id = $${params.push(q.userId)}`;
    const groups = q.groupBy.map((k, i) => `${METRIC_GROUP_COLUMN[k]} AS g${i}`);
    const keys = ['1', '2', ...q.groupBy.map((_, i) => String(i + 3))].join(', ');
    const rows: CellRow[] = await this.m.query(
      `SELECT m.metric_definition_id AS def, width_bucket(m.time_period_start, $2::timestamptz[]) AS w${groups.map((g) => `, ${g}`).join('')},
              sum(m.value::text::numeric)::text AS total, count(*)::int AS count, min(m.value) AS min, max(m.value) AS max
         FROM metrics m
        WHERE ${where}
        GROUP BY ${keys}`,
      params,
    );
    return toCells(rows, q.groupBy.length);
  }
}
