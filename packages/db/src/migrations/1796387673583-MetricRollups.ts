import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollups of `metrics`: per (installation, definition, level, bucket of time_period_start, group_id,
 * user_id) the exact decimal sum, count, min and max of `value` and the earliest and latest
 * `time_period_end` (reports use those to know whether every metric of a bucket lies inside a period).
 *
 * Levels (all UTC-aligned): 1 = 15 minutes (every IANA offset is a multiple of 15 minutes), 2 = hour,
 * 3 = day, 4 = month. A range is read with the coarsest aligned buckets (apps/server/src/modules/rollups).
 *
 * Kept in step by statement-level triggers with transition tables on `metrics`, so every write that
 * changes metrics — the push paths, update, delete, the cascades, the APEL bridge, plain SQL — updates
 * them in its own transaction, once per statement however many rows it touches. Inserts are an
 * INSERT … ON CONFLICT DO UPDATE of deltas (concurrent writers add up, rows are locked in key order);
 * deletes subtract, drop emptied buckets and recompute min/max/ends of a bucket only when a removed
 * row may have held one of them; an update is the insert of the new rows, then the delete of the old.
 * `value::text::numeric` is what the report sums (the shortest text that reads back as the double).
 */
/** The removed rows (`old_rows`) as per-bucket deltas at every level. */
const REMOVED = `SELECT o.installation_id, l.level, metric_rollup_bucket(l.level, o.time_period_start) AS bucket_start,
         o.metric_definition_id, o.group_id, o.user_id, sum(o.value::text::numeric) AS total, count(*) AS count,
         min(o.value) AS min, max(o.value) AS max, min(o.time_period_end) AS min_end, max(o.time_period_end) AS max_end
    FROM old_rows o CROSS JOIN (VALUES (4::smallint), (3::smallint), (2::smallint), (1::smallint)) AS l(level)
   GROUP BY 1, 2, 3, 4, 5, 6`;

const SAME_KEY = `r.installation_id = d.installation_id AND r.level = d.level AND r.bucket_start = d.bucket_start
    AND r.metric_definition_id = d.metric_definition_id
    AND r.group_id IS NOT DISTINCT FROM d.group_id AND r.user_id IS NOT DISTINCT FROM d.user_id`;

export class MetricRollups1796387673583 implements MigrationInterface {
  name = 'MetricRollups1796387673583';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "metric_rollups" (
        "installation_id" text NOT NULL,
        "level" smallint NOT NULL,
        "bucket_start" timestamptz NOT NULL,
        "metric_definition_id" text NOT NULL,
        "group_id" text,
        "user_id" text,
        "total" numeric NOT NULL,
        "count" bigint NOT NULL,
        "min" double precision NOT NULL,
        "max" double precision NOT NULL,
        "min_end" timestamptz NOT NULL,
        "max_end" timestamptz NOT NULL,
        CONSTRAINT "UQ_metric_rollups_key" UNIQUE NULLS NOT DISTINCT
          ("installation_id", "level", "bucket_start", "metric_definition_id", "group_id", "user_id")
      )`);
    await q.query(`
      CREATE FUNCTION metric_rollup_bucket(level smallint, ts timestamptz) RETURNS timestamptz
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE level
          WHEN 1 THEN date_bin('15 minutes', ts, timestamptz '2000-01-01 00:00:00+00')
          WHEN 2 THEN date_bin('1 hour', ts, timestamptz '2000-01-01 00:00:00+00')
          WHEN 3 THEN date_bin('1 day', ts, timestamptz '2000-01-01 00:00:00+00')
          ELSE timezone('UTC', date_trunc('month', timezone('UTC', ts)))
        END
      $$`);
    await q.query(`
      CREATE FUNCTION metric_rollup_bucket_end(level smallint, start timestamptz) RETURNS timestamptz
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE level
          WHEN 1 THEN start + interval '15 minutes'
          WHEN 2 THEN start + interval '1 hour'
          WHEN 3 THEN start + interval '1 day'
          ELSE timezone('UTC', timezone('UTC', start) + interval '1 month')
        END
      $$`);
    await q.query(`
      CREATE FUNCTION metric_rollups_add() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO metric_rollups AS r
          (installation_id, level, bucket_start, metric_definition_id, group_id, user_id, total, count, min, max, min_end, max_end)
        SELECT n.installation_id, l.level, metric_rollup_bucket(l.level, n.time_period_start), n.metric_definition_id,
               n.group_id, n.user_id, sum(n.value::text::numeric), count(*), min(n.value), max(n.value),
               min(n.time_period_end), max(n.time_period_end)
          FROM new_rows n CROSS JOIN (VALUES (4::smallint), (3::smallint), (2::smallint), (1::smallint)) AS l(level)
         GROUP BY 1, 2, 3, 4, 5, 6
         ORDER BY 1, 2 DESC, 3, 4, 5, 6
        ON CONFLICT ON CONSTRAINT "UQ_metric_rollups_key" DO UPDATE SET
          total = r.total + excluded.total,
          count = r.count + excluded.count,
          min = least(r.min, excluded.min),
          max = greatest(r.max, excluded.max),
          min_end = least(r.min_end, excluded.min_end),
          max_end = greatest(r.max_end, excluded.max_end);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION metric_rollups_remove() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Subtract, in key order.
        UPDATE metric_rollups r SET total = r.total - d.total, count = r.count - d.count
          FROM (${REMOVED} ORDER BY 1, 2 DESC, 3, 4, 5, 6) d
         WHERE ${SAME_KEY};
        DELETE FROM metric_rollups r USING (${REMOVED}) d WHERE ${SAME_KEY} AND r.count <= 0;
        -- A removed row that may have held the bucket's min, max or an end: recompute them from the rows left.
        UPDATE metric_rollups r SET (min, max, min_end, max_end) = (
            SELECT min(m.value), max(m.value), min(m.time_period_end), max(m.time_period_end) FROM metrics m
             WHERE m.installation_id = r.installation_id AND m.metric_definition_id = r.metric_definition_id
               AND m.time_period_start >= r.bucket_start AND m.time_period_start < metric_rollup_bucket_end(r.level, r.bucket_start)
               AND m.group_id IS NOT DISTINCT FROM r.group_id AND m.user_id IS NOT DISTINCT FROM r.user_id)
          FROM (${REMOVED}) d
         WHERE ${SAME_KEY} AND (d.min <= r.min OR d.max >= r.max OR d.min_end <= r.min_end OR d.max_end >= r.max_end);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION metric_rollups_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE metric_rollups;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER metric_rollups_insert AFTER INSERT ON metrics
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollups_add()`);
    // An update adds the new rows first, so a bucket keeping rows is never emptied and dropped in between.
    await q.query(`CREATE TRIGGER metric_rollups_update_1_add AFTER UPDATE ON metrics
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollups_add()`);
    await q.query(`CREATE TRIGGER metric_rollups_update_2_remove AFTER UPDATE ON metrics
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollups_remove()`);
    await q.query(`CREATE TRIGGER metric_rollups_delete AFTER DELETE ON metrics
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_rollups_remove()`);
    await q.query(`CREATE TRIGGER metric_rollups_truncate AFTER TRUNCATE ON metrics
      FOR EACH STATEMENT EXECUTE FUNCTION metric_rollups_truncate()`);
    // Existing data.
    await q.query(`
      INSERT INTO metric_rollups
        (installation_id, level, bucket_start, metric_definition_id, group_id, user_id, total, count, min, max, min_end, max_end)
      SELECT m.installation_id, l.level, metric_rollup_bucket(l.level, m.time_period_start), m.metric_definition_id,
             m.group_id, m.user_id, sum(m.value::text::numeric), count(*), min(m.value), max(m.value),
             min(m.time_period_end), max(m.time_period_end)
        FROM metrics m CROSS JOIN (VALUES (4::smallint), (3::smallint), (2::smallint), (1::smallint)) AS l(level)
       GROUP BY 1, 2, 3, 4, 5, 6`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER metric_rollups_truncate ON metrics`);
    await q.query(`DROP TRIGGER metric_rollups_delete ON metrics`);
    await q.query(`DROP TRIGGER metric_rollups_update_2_remove ON metrics`);
    await q.query(`DROP TRIGGER metric_rollups_update_1_add ON metrics`);
    await q.query(`DROP TRIGGER metric_rollups_insert ON metrics`);
    await q.query(`DROP FUNCTION metric_rollups_truncate()`);
    await q.query(`DROP FUNCTION metric_rollups_remove()`);
    await q.query(`DROP FUNCTION metric_rollups_add()`);
    await q.query(`DROP FUNCTION metric_rollup_bucket_end(smallint, timestamptz)`);
    await q.query(`DROP FUNCTION metric_rollup_bucket(smallint, timestamptz)`);
    await q.query(`DROP TABLE metric_rollups`);
  }
}
