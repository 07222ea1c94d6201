import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 15-minute rollups split by the quarter hour each metric ends by: per (installation, definition,
 * 15-minute bucket of `time_period_start`, `time_period_end` rounded up to the quarter hour, group_id,
 * user_id) the exact sum and count of `value`.
 *
 * Why: an ARGO report period counts a metric only when it ends inside the period, so the 15-minute
 * buckets just before a period's end hold metrics on both sides of it. Summing those from the raw rows
 * made a report's cost grow with the metrics near each capacity date (about 1,100 per date at 10^7
 * one-hour metrics a year). With the end rounded up to a quarter hour, `end <= to` is decided by the
 * bucket alone whenever `to` is on a quarter hour, as report dates and most capacity instants are, so
 * those buckets are read here instead (apps/server/src/modules/rollups/rollup-period-sums.ts).
 *
 * Kept in step like `metric_rollups`, by statement-level triggers of their own (inserts add deltas in
 * key order; an update adds the new rows before removing the old; deletes subtract and drop emptied
 * rows), so no min/max is kept that a delete would have to recompute.
 */
const DELTAS = (rows: string) => `
  SELECT t.installation_id, t.metric_definition_id, metric_rollup_bucket(1::smallint, t.time_period_start) AS bucket_start,
         metric_rollup_end_bucket(t.time_period_end) AS end_bucket, t.group_id, t.user_id,
         sum(t.value::text::numeric) AS total, count(*) AS count
    FROM ${rows} t
   GROUP BY 1, 2, 3, 4, 5, 6`;

const SAME_KEY = `e.installation_id = d.installation_id AND e.metric_definition_id = d.metric_definition_id
    AND e.bucket_start = d.bucket_start AND e.end_bucket = d.end_bucket
    AND e.group_id IS NOT DISTINCT FROM d.group_id AND e.user_id IS NOT DISTINCT FROM d.user_id`;

export class MetricRollupEdges1796600000000 implements MigrationInterface {
  name = 'MetricRollupEdges1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "metric_rollup_edges" (
        "installation_id" text NOT NULL,
        "metric_definition_id" text NOT NULL,
        "bucket_start" timestamptz NOT NULL,
        "end_bucket" timestamptz NOT NULL,
        "group_id" text,
        "user_id" text,
        "total" numeric NOT NULL,
        "count" bigint NOT NULL,
        CONSTRAINT "UQ_metric_rollup_edges_key" UNIQUE NULLS NOT DISTINCT
          ("installation_id", "metric_definition_id", "bucket_start", "end_bucket", "group_id", "user_id")
      )`);
    await q.query(`
      CREATE FUNCTION metric_rollup_end_bucket(ts timestamptz) RETURNS timestamptz
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN b = ts THEN b ELSE b + interval '15 minutes' END
          FROM (SELECT date_bin('15 minutes', ts, timestamptz '2000-01-01 00:00:00+00') AS b) x
      $$`);
    await q.query(`
      CREATE FUNCTION metric_rollup_edges_add() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO metric_rollup_edges AS e
          (installation_id, metric_definition_id, bucket_start, end_bucket, group_id, user_id, total, count)
        ${DELTAS('new_rows')}
         ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT ON CONSTRAINT "UQ_metric_rollup_edges_key" DO UPDATE SET
          total = e.total + excluded.total,
          count = e.count + excluded.count;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION metric_rollup_edges_remove() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE metric_rollup_edges e SET total = e.total - d.total, count = e.count - d.count
          FROM (${DELTAS('old_rows')} ORDER BY 1, 2, 3, 4, 5, 6) d
         WHERE ${SAME_KEY};
        DELETE FROM metric_rollup_edges e USING (${DELTAS('old_rows')}) d WHERE ${SAME_KEY} AND e.count <= 0;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION metric_rollup_edges_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE metric_rollup_edges;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER metric_rollup_edges_insert AFTER INSERT ON metrics
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_edges_add()`);
    await q.query(`CREATE TRIGGER metric_rollup_edges_update_1_add AFTER UPDATE ON metrics
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_edges_add()`);
    await q.query(`CREATE TRIGGER metric_rollup_edges_update_2_remove AFTER UPDATE ON metrics
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_edges_remove()`);
    await q.query(`CREATE TRIGGER metric_rollup_edges_delete AFTER DELETE ON metrics
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_edges_remove()`);
    await q.query(`CREATE TRIGGER metric_rollup_edges_truncate AFTER TRUNCATE ON metrics
      FOR EACH STATEMENT EXECUTE FUNCTION metric_rollup_edges_truncate()`);
    await q.query(`
      INSERT INTO metric_rollup_edges (installation_id, metric_definition_id, bucket_start, end_bucket, group_id, user_id, total, count)
      ${DELTAS('metrics')}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER metric_rollup_edges_truncate ON metrics`);
    await q.query(`DROP TRIGGER metric_rollup_edges_delete ON metrics`);
    await q.query(`DROP TRIGGER metric_rollup_edges_update_2_remove ON metrics`);
    await q.query(`DROP TRIGGER metric_rollup_edges_update_1_add ON metrics`);
    await q.query(`DROP TRIGGER metric_rollup_edges_insert ON metrics`);
    await q.query(`DROP FUNCTION metric_rollup_edges_truncate()`);
    await q.query(`DROP FUNCTION metric_rollup_edges_remove()`);
    await q.query(`DROP FUNCTION metric_rollup_edges_add()`);
    await q.query(`DROP FUNCTION metric_rollup_end_bucket(timestamptz)`);
    await q.query(`DROP TABLE metric_rollup_edges`);
  }
}
