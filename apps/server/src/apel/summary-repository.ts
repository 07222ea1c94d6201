import type { EntityManager } from 'typeorm';

export const SUMMARY_PAGE_SIZE = 100;

/**
 * Per-VM-day rows of spec §3.1–3.3 as CTEs `ranked` and `kept`; `kept` carries `day` (UTC date of
 * the measurement time) and the deltas `d_wall`, `d_cpu`, `d_in`, `d_out`.
 *
 * `vmFilter` is a condition on `apel_records` that selects which VMs to compute. Whole VMs are kept
 * or dropped, never single records, because a VM's last snapshot of a day and its previous day's
 * snapshot must be chosen among all of its records, whatever their site or start time.
 */
export function keptSnapshotsSql(vmFilter: string): string {
  return `
  ranked AS (
    SELECT r.*,
           (r.measurement_time AT TIME ZONE 'UTC')::date AS day,
           row_number() OVER (
             PARTITION BY r.vm_uuid, (r.measurement_time AT TIME ZONE 'UTC')::date
             ORDER BY r.measurement_time DESC, r.received_seq DESC
           ) AS rn
    FROM apel_records r
    WHERE r.vm_uuid IN (SELECT f.vm_uuid FROM apel_records f WHERE ${vmFilter})
  ),
  kept AS (
    -- WHERE runs before the window, so lag() sees only kept snapshots: the previous day's last one.
    SELECT k.*,
           k.wall_duration - coalesce(lag(k.wall_duration) OVER w, 0) AS d_wall,
           k.cpu_duration - coalesce(lag(k.cpu_duration) OVER w, 0) AS d_cpu,
           k.network_inbound - coalesce(lag(k.network_inbound) OVER w, 0) AS d_in,
           k.network_outbound - coalesce(lag(k.network_outbound) OVER w, 0) AS d_out
    FROM ranked k
    WHERE k.rn = 1
    WINDOW w AS (PARTITION BY k.vm_uuid ORDER BY k.measurement_time)
  )`;
}

/** The §3.4 grouping keys, in the §2.3 order after Year, Month, Day (which `day` covers). */
const GROUP_KEYS = [
  'site_name',
  'vo_group',
  'global_user_name',
  'cloud_compute_service',
  'vo',
  'vo_role',
  'status',
  'cloud_type',
  'image_id',
  'cpu_count',
  'benchmark_type',
  'benchmark',
] as const;

const TEXT_KEYS = new Set<string>(GROUP_KEYS.filter((k) => k !== 'cpu_count' && k !== 'benchmark'));

// Byte order, so PostgreSQL (locale collation) and PGlite order text the same way.
const ORDER_BY = ['day', ...GROUP_KEYS.map((k) => (TEXT_KEYS.has(k) ? `${k} COLLATE "C"` : k))].join(', ');

export type SummaryFilterColumn = 'global_user_name' | 'vo_group' | 'site_name';

export interface SummaryQuery {
  /** Exclusive lower bound on every start time in the row. */
  from: Date;
  /** Exclusive upper bound on every start time in the row. */
  to: Date;
  filter?: { column: SummaryFilterColumn; value: string };
  /** Requested page, ≥ 1; beyond the last it is clamped to the last. */
  page: number;
}

export interface SummaryRow {
  VOGroup: string;
  SiteName: string;
  UpdateTime: string | null;
  WallDuration: number;
  EarliestStartTime: string;
  LatestStartTime: string;
  Day: number;
  Month: number;
  Year: number;
  GlobalUserName: string;
}

export interface SummaryPage {
  count: number;
  /** The page actually returned (after clamping). */
  page: number;
  rows: SummaryRow[];
}

const FILTER_COLUMNS = new Set<SummaryFilterColumn>(['global_user_name', 'vo_group', 'site_name']);
const zoneless = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')`;

interface RawRow {
  vo_group: string;
  site_name: string;
  update_time: string | null;
  wall: string | number;
  earliest: string;
  latest: string;
  d: number;
  m: number;
  y: number;
  global_user_name: string;
  total: string | number;
  page: string | number;
}

/** The daily summaries of §3, computed from `apel_records` on every call (always current). */
export class ApelSummaryRepository {
  constructor(private readonly em: EntityManager) {}

  async page(q: SummaryQuery): Promise<SummaryPage> {
    const params: unknown[] = [q.from.toISOString(), q.to.toISOString(), Math.max(1, Math.min(q.page, Number.MAX_SAFE_INTEGER))];
    let vmFilter = 'f.start_time > $1::timestamptz AND f.start_time < $2::timestamptz';
    let rowFilter = '';
    if (q.filter) {
      // The column name comes from this closed set, never from the request.
      if (!FILTER_COLUMNS.has(q.filter.column)) throw new Error(`unsupported filter column ${q.filter.column}`);
      params.push(q.filter.value);
      vmFilter += ` AND f.${q.filter.column} = $4`;
      rowFilter = `WHERE ${q.filter.column} = $4`;
    }
    const sql = `
WITH ${keptSnapshotsSql(vmFilter)},
  summary AS (
    SELECT day, ${GROUP_KEYS.join(', ')},
           min(start_time) AS earliest,
           max(start_time) AS latest,
           sum(d_wall) AS wall,
           max(update_time) AS update_time
    FROM kept
    ${rowFilter}
    GROUP BY day, ${GROUP_KEYS.join(', ')}
    HAVING min(start_time) > $1::timestamptz AND max(start_time) < $2::timestamptz
  ),
  numbered AS (
    SELECT s.*, row_number() OVER (ORDER BY ${ORDER_BY}) AS n, count(*) OVER () AS total
    FROM summary s
  ),
  paged AS (
    SELECT nb.*, least($3::bigint, greatest(1, ceil(nb.total / ${SUMMARY_PAGE_SIZE}.0)::bigint)) AS page
    FROM numbered nb
  )
SELECT vo_group, site_name, ${zoneless('update_time')} AS update_time, wall,
       ${zoneless('earliest')} AS earliest, ${zoneless('latest')} AS latest,
       extract(day FROM day)::int AS d, extract(month FROM day)::int AS m, extract(year FROM day)::int AS y,
       global_user_name, total, page
FROM paged
WHERE n > (page - 1) * ${SUMMARY_PAGE_SIZE} AND n <= page * ${SUMMARY_PAGE_SIZE}
ORDER BY n`;
    const raw = await this.em.query<RawRow[]>(sql, params);
    // No row at all means nothing matched: the clamped page always holds at least one row otherwise.
    if (raw.length === 0) return { count: 0, page: 1, rows: [] };
    return {
      count: Number(raw[0].total),
      page: Number(raw[0].page),
      rows: raw.map((r) => ({
        VOGroup: r.vo_group,
        SiteName: r.site_name,
        UpdateTime: r.update_time,
        WallDuration: Number(r.wall),
        EarliestStartTime: r.earliest,
        LatestStartTime: r.latest,
        Day: Number(r.d),
        Month: Number(r.m),
        Year: Number(r.y),
        GlobalUserName: r.global_user_name,
      })),
    };
  }

  /**
   * Daily totals over the given sites from `fromDay` (YYYY-MM-DD) on, for the ARGO bridge: Σ wall-clock
   * and Σ CPU deltas of the sites' per-VM-day rows (`cpu` null when every input is null).
   */
  async dailyTotals(siteNames: readonly string[], fromDay: string): Promise<{ day: string; wall: number; cpu: number | null }[]> {
    const sql = `
WITH ${keptSnapshotsSql('f.site_name = ANY($1::text[])')}
SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(d_wall) AS wall, sum(d_cpu) AS cpu
FROM kept
WHERE site_name = ANY($1::text[]) AND day >= $2::date
GROUP BY day
ORDER BY day`;
    const raw = await this.em.query<{ day: string; wall: string; cpu: string | null }[]>(sql, [siteNames, fromDay]);
    return raw.map((r) => ({ day: r.day, wall: Number(r.wall), cpu: r.cpu === null ? null : Number(r.cpu) }));
  }
}
