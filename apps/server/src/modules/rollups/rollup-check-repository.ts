import type { EntityManager } from 'typeorm';

/** The rollups as they should be: the migration's and the triggers' aggregate, over the metrics now. */
const EXPECTED = `
  SELECT m.installation_id, l.level, metric_rollup_bucket(l.level, m.time_period_start) AS bucket_start, m.metric_definition_id,
         m.group_id, m.user_id, sum(m.value::text::numeric) AS total, count(*) AS count, min(m.value) AS min, max(m.value) AS max,
         min(m.time_period_end) AS min_end, max(m.time_period_end) AS max_end
    FROM metrics m CROSS JOIN (VALUES (4::smallint), (3::smallint), (2::smallint), (1::smallint)) AS l(level)
   GROUP BY 1, 2, 3, 4, 5, 6`;

const COLUMNS = 'installation_id, level, bucket_start, metric_definition_id, group_id, user_id, total, count, min, max, min_end, max_end';

/** The edge breakdown of the 15-minute buckets as it should be (migration MetricRollupEdges). */
const EXPECTED_EDGES = `
  SELECT m.installation_id, m.metric_definition_id, metric_rollup_bucket(1::smallint, m.time_period_start) AS bucket_start,
         metric_rollup_end_bucket(m.time_period_end) AS end_bucket, m.group_id, m.user_id,
         sum(m.value::text::numeric) AS total, count(*) AS count
    FROM metrics m
   GROUP BY 1, 2, 3, 4, 5, 6`;

const EDGE_COLUMNS = 'installation_id, metric_definition_id, bucket_start, end_bucket, group_id, user_id, total, count';

/**
 * Both tables in one shape, so one EXCEPT ALL compares them: an edge row is level 0, with its end bucket
 * beside the columns it has no use for.
 */
const bothTables = (rollups: string, edges: string) => `
  SELECT installation_id, level, bucket_start, metric_definition_id, group_id, user_id, total, count, min, max, min_end, max_end,
         NULL::timestamptz AS end_bucket
    FROM (${rollups}) r
  UNION ALL
  SELECT installation_id, 0::smallint, bucket_start, metric_definition_id, group_id, user_id, total, count, NULL, NULL, NULL, NULL, end_bucket
    FROM (${edges}) e`;

export interface RollupDifference {
  installation_id: string;
  /** 1–4 as in `metric_rollups`; 0: a row of `metric_rollup_edges` (a 15-minute bucket by the quarter hour its metrics end by). */
  level: number;
  bucket_start: Date;
  metric_definition_id: string;
  group_id: string | null;
  user_id: string | null;
  /** `stored`: a rollup row the metrics do not give; `expected`: one they give that is not stored (a row that differs is both). */
  side: 'stored' | 'expected';
}

export interface RollupCheck {
  /** Rollup rows stored (both tables). */
  rows: number;
  /** Rows surplus or missing (a differing row counts twice: its stored and its expected version). */
  differences: number;
  /** The first differences, for a human to look at. */
  sample: RollupDifference[];
}

/** Compares the rollups with the raw metrics, and rebuilds them. */
export class RollupCheckRepository {
  constructor(private readonly m: EntityManager) {}

  async check(sampleSize = 20): Promise<RollupCheck> {
    const rows = await this.storedRows();
    // EXCEPT compares NULL group/user ids as equal (a FULL JOIN on IS NOT DISTINCT FROM cannot run).
    const diffs: (RollupDifference & { total_count: string })[] = await this.m.query(
      `WITH expected AS (${bothTables(EXPECTED, EXPECTED_EDGES)}),
            stored AS (${bothTables(`SELECT ${COLUMNS} FROM metric_rollups`, `SELECT ${EDGE_COLUMNS} FROM metric_rollup_edges`)}),
            diff AS (
              SELECT *, 'stored' AS side FROM (SELECT * FROM stored EXCEPT ALL SELECT * FROM expected) s
              UNION ALL
              SELECT *, 'expected' AS side FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM stored) e
            )
       SELECT installation_id, level, bucket_start, metric_definition_id, group_id, user_id, side, count(*) OVER ()::text AS total_count
         FROM diff
        ORDER BY installation_id, level, bucket_start, metric_definition_id, side
        LIMIT $1`,
      [Math.max(sampleSize, 1)], // one row at least: it carries the count
    );
    return {
      rows,
      differences: diffs.length === 0 ? 0 : Number(diffs[0].total_count),
      sample: diffs.slice(0, sampleSize).map(({ total_count: _, ...d }) => ({ ...d, level: Number(d.level) })),
    };
  }

  /**
   * Holds off metric writers and other rebuilds until the transaction ends. SHARE ROW EXCLUSIVE, not
   * SHARE: SHARE does not conflict with itself, so two concurrent rebuilds would both delete and then
   * insert the same keys, and one would fail on the unique key.
   */
  async lockAgainstWriters(): Promise<void> {
    await this.m.query('LOCK TABLE metrics IN SHARE ROW EXCLUSIVE MODE');
  }

  /**
   * Replaces every rollup row with the aggregate of the metrics. Call inside a transaction: the lock
   * keeps writers and other rebuilds out until it commits, so no write slips between the two steps.
   */
  async rebuild(): Promise<number> {
    await this.lockAgainstWriters();
    await this.m.query('DELETE FROM metric_rollups');
    await this.m.query('DELETE FROM metric_rollup_edges');
    await this.m.query(`INSERT INTO metric_rollups (${COLUMNS}) ${EXPECTED}`);
    await this.m.query(`INSERT INTO metric_rollup_edges (${EDGE_COLUMNS}) ${EXPECTED_EDGES}`);
    return this.storedRows();
  }

  private async storedRows(): Promise<number> {
    const [{ rows }] = await this.m.query<{ rows: string }[]>(
      'SELECT ((SELECT count(*) FROM metric_rollups) + (SELECT count(*) FROM metric_rollup_edges))::text AS rows',
    );
    return Number(rows);
  }
}
