import type { EntityManager } from 'typeorm';
import { sumDecimals } from '../reports/decimal.js';
import { bucketEnd, cover, finer, type Level, type RollupLevel } from './buckets.js';

/** One ARGO report period (§5): metrics of (installation, definition) lying wholly in [from, to]. */
export interface PeriodQuery {
  installationId: string;
  definitionId: string;
  from: Date;
  to: Date;
}

/** Narrows the metrics to one group and/or user. */
export interface OwnerFilter {
  groupId?: string;
  userId?: string;
}

interface PendingPiece {
  /** Index of the period. */
  n: number;
  lo: Date;
  hi: Date;
  /** Raw pieces only: also the metrics starting exactly at `hi` (the period's closed end). */
  closed?: boolean;
}

const ownerSql = (alias: string, owner: OwnerFilter, params: unknown[]): string => {
  let sql = '';
  if (owner.groupId !== undefined) sql += ` AND ${alias}.group_id = $${params.push(owner.groupId)}`;
  if (owner.userId !== undefined) sql += ` AND ${alias}.user_id = $${params.push(owner.userId)}`;
  return sql;
};

/**
 * Σ value (exact decimal text) per period of the metrics with from <= start <= to and
 * from <= end <= to, identical to summing the raw rows, at a cost that follows the periods, not the
 * metrics. Each period's start range is covered by the coarsest rollup buckets (month → day → hour →
 * 15 minutes). A bucket counts whole when its metrics' ends all lie in [from, to] (its min_end and
 * max_end, kept beside the sums) and not at all when they all end after `to`; a bucket with metrics on
 * both sides of the period's end is split into its finer buckets. A 15-minute bucket that still
 * straddles is read from its breakdown by end quarter hour (`metric_rollup_edges`), which decides
 * `end <= to` exactly unless `to` falls inside one of its end quarters; only then, and for the
 * sub-quarter-hour ends of the range and the instant `to` itself, are raw rows summed with the exact
 * condition. One statement per level for every period at once.
 */
export async function periodSums(m: EntityManager, periods: readonly PeriodQuery[], owner: OwnerFilter): Promise<string[]> {
  const parts: string[][] = periods.map(() => []);
  const byLevel = new Map<Level, PendingPiece[]>([0, 1, 2, 3, 4].map((l) => [l as Level, []]));
  /** Straddling 15-minute buckets, for their breakdown by end quarter hour. */
  const edges: PendingPiece[] = [];
  periods.forEach((p, n) => {
    for (const piece of cover(p.from, p.to)) byLevel.get(piece.level)!.push({ n, lo: piece.lo, hi: piece.hi });
    byLevel.get(0)!.push({ n, lo: p.to, hi: p.to, closed: true });
  });

  for (const level of [4, 3, 2, 1] as RollupLevel[]) {
    const pieces = byLevel.get(level)!;
    if (pieces.length === 0) continue;
    const params: unknown[] = [
      pieces.map((x) => x.n),
      pieces.map((x) => periods[x.n].installationId),
      pieces.map((x) => periods[x.n].definitionId),
      pieces.map((x) => x.lo),
      pieces.map((x) => x.hi),
      pieces.map((x) => periods[x.n].from),
      pieces.map((x) => periods[x.n].to),
      level,
    ];
    const owned = ownerSql('r', owner, params);
    const rows: { n: number; total: string | null; rejected: string[] | null }[] = await m.query(
      `SELECT x.n, sum(b.total) FILTER (WHERE b.whole)::text AS total,
              array_agg((extract(epoch FROM b.bucket_start) * 1000)::bigint::text) FILTER (WHERE NOT b.whole AND NOT b.none) AS rejected
         FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
              AS x(n, inst, def, lo, hi, f, t)
        CROSS JOIN LATERAL (
          SELECT r.bucket_start, sum(r.total) AS total, min(r.min_end) >= x.f AND max(r.max_end) <= x.t AS whole,
                 min(r.min_end) > x.t AS none
            FROM metric_rollups r
           WHERE r.installation_id = x.inst AND r.level = $8 AND r.bucket_start >= x.lo AND r.bucket_start < x.hi
             AND r.metric_definition_id = x.def${owned}
           GROUP BY r.bucket_start
        ) b
        GROUP BY x.n`,
      params,
    );
    const next = level === 1 ? edges : byLevel.get(finer(level))!;
    for (const r of rows) {
      const n = Number(r.n);
      if (r.total !== null) parts[n].push(r.total);
      for (const start of r.rejected ?? []) {
        const lo = new Date(Number(start));
        next.push({ n, lo, hi: bucketEnd(level, lo) });
      }
    }
  }

  const raw = byLevel.get(0)!;
  if (edges.length > 0) {
    const params: unknown[] = [
      edges.map((x) => periods[x.n].installationId),
      edges.map((x) => periods[x.n].definitionId),
      edges.map((x) => x.lo),
      edges.map((x) => periods[x.n].to),
    ];
    const owned = ownerSql('e', owner, params);
    // An end quarter hour [end_bucket - 15 min, end_bucket] holding `to` inside it leaves `end <= to`
    // open (unsure); an end bucket at or before the piece's start could hold an end before the period's
    // start (end < start is not refused by the database). Either sends the piece to the raw rows.
    const rows: { k: number; total: string | null; unsure: boolean }[] = await m.query(
      `SELECT x.k, s.total::text AS total, s.unsure
         FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS x(inst, def, lo, t, k)
        CROSS JOIN LATERAL (
          SELECT sum(e.total) FILTER (WHERE e.end_bucket <= x.t) AS total,
                 coalesce(bool_or(e.end_bucket <= x.lo OR (e.end_bucket > x.t AND e.end_bucket - interval '15 minutes' < x.t)), false) AS unsure
            FROM metric_rollup_edges e
           WHERE e.installation_id = x.inst AND e.metric_definition_id = x.def AND e.bucket_start = x.lo${owned}
        ) s`,
      params,
    );
    for (const r of rows) {
      const piece = edges[Number(r.k) - 1];
      if (r.unsure) raw.push(piece);
      else if (r.total !== null) parts[piece.n].push(r.total);
    }
  }

  if (raw.length > 0) {
    const params: unknown[] = [
      raw.map((x) => x.n),
      raw.map((x) => periods[x.n].installationId),
      raw.map((x) => periods[x.n].definitionId),
      raw.map((x) => x.lo),
      raw.map((x) => x.hi),
      raw.map((x) => x.closed === true),
      raw.map((x) => periods[x.n].from),
      raw.map((x) => periods[x.n].to),
    ];
    const owned = ownerSql('m', owner, params);
    const rows: { n: number; total: string }[] = await m.query(
      `SELECT x.n, sum(s.total)::text AS total
         FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::boolean[], $7::timestamptz[], $8::timestamptz[])
              AS x(n, inst, def, lo, hi, closed, f, t)
        CROSS JOIN LATERAL (
          SELECT sum(m.value::text::numeric) AS total FROM metrics m
           WHERE m.installation_id = x.inst AND m.metric_definition_id = x.def
             AND m.time_period_start >= x.lo AND m.time_period_start <= x.hi AND (x.closed OR m.time_period_start < x.hi)
             AND m.time_period_start >= x.f AND m.time_period_start <= x.t
             AND m.time_period_end >= x.f AND m.time_period_end <= x.t${owned}
        ) s
        WHERE s.total IS NOT NULL
        GROUP BY x.n`,
      params,
    );
    for (const r of rows) parts[Number(r.n)].push(r.total);
  }
  return parts.map((p) => sumDecimals(p));
}
