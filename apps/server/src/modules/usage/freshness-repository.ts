import type { EntityManager } from 'typeorm';
import type { SqlFragment } from '../../access/index.js';

export interface FreshnessRow {
  installation_id: string;
  installation: string;
  project: string;
  provider: string;
  last_pushed_at: Date | null;
  last_period_end: Date | null;
  metrics_last_24h: number;
}

/**
 * §2 freshness over the installations `where` admits (alias `i`). The latest push is the newest row by
 * insertion order (`seq`, indexed per installation); the latest period end is the largest `max_end` of
 * the installation's month rollups (a few rows per definition, not its metrics); the day's counts come
 * from the metrics pushed in the last 24 hours, found through a BRIN index on `created_at`.
 */
export class FreshnessRepository {
  constructor(private readonly m: EntityManager) {}

  async page(where: SqlFragment, staleAfterHours: number | undefined, offset: number, limit: number): Promise<[FreshnessRow[], number]> {
    const params = [...where.params];
    const stale =
      staleAfterHours === undefined
        ? ''
        : ` AND (f.last_pushed_at IS NULL OR f.last_pushed_at <= now() - make_interval(hours => $${params.push(staleAfterHours)}::int))`;
    const from = `FROM installations i
      LEFT JOIN LATERAL (
        SELECT (SELECT m.created_at FROM metrics m WHERE m.installation_id = i.id ORDER BY m.seq DESC LIMIT 1) AS last_pushed_at,
               (SELECT max(r.max_end) FROM metric_rollups r WHERE r.installation_id = i.id AND r.level = 4) AS last_period_end
      ) f ON TRUE
      WHERE ${where.sql}${stale}`;
    const [{ total }] = await this.m.query<{ total: number }[]>(`SELECT count(*)::int AS total ${from}`, params);
    const rows = await this.m.query<Omit<FreshnessRow, 'metrics_last_24h'>[]>(
      `SELECT i.id AS installation_id, i.installation, i.project_id AS project, i.provider_id AS provider,
              f.last_pushed_at, f.last_period_end
         ${from}
        ORDER BY f.last_pushed_at ASC NULLS FIRST, i.registered_on, i.id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    if (rows.length === 0) return [[], total];
    // One pass over the day's blocks (BRIN on created_at) for the whole page, not each installation's history.
    const counts = await this.m.query<{ installation_id: string; n: number }[]>(
      `SELECT m.installation_id, count(*)::int AS n FROM metrics m
        WHERE m.created_at > now() - interval '24 hours' AND m.installation_id = ANY($1::text[])
        GROUP BY m.installation_id`,
      [rows.map((r) => r.installation_id)],
    );
    const countOf = new Map(counts.map((c) => [c.installation_id, Number(c.n)]));
    return [rows.map((r) => ({ ...r, metrics_last_24h: countOf.get(r.installation_id) ?? 0 })), total];
  }
}
