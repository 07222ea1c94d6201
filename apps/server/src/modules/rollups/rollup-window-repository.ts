import type { EntityManager } from 'typeorm';
import { cover, type Piece } from './buckets.js';

/** What a rollup answer may be grouped by, besides the metric definition (always). */
export type RollupGroupKey = 'installation' | 'provider' | 'project' | 'group_id' | 'user_id';

/**
 * Aggregates of metrics by the window holding their `time_period_start` (the usage API's rule): windows
 * are [boundaries[i], boundaries[i + 1]) for any ascending instants.
 */
export interface RollupWindowQuery {
  installationIds: readonly string[];
  /** Default: every definition. */
  definitionIds?: readonly string[];
  /** Ascending, at least two. Instants on a quarter hour are answered from rollups alone. */
  boundaries: readonly Date[];
  groupBy?: readonly RollupGroupKey[];
  /** Only metrics with this group_id / user_id. */
  groupId?: string;
  userId?: string;
}

export interface RollupWindowRow {
  /** Index of the window: [boundaries[window], boundaries[window + 1]). */
  window: number;
  metric_definition_id: string;
  /** Present when grouped by them. */
  installation_id?: string;
  provider_id?: string;
  project_id?: string;
  group_id?: string | null;
  user_id?: string | null;
  /** Exact decimal text of Σ value. */
  total: string;
  count: number;
  min: number;
  max: number;
}

const GROUP_COLUMNS: Record<RollupGroupKey, { select: string; as: keyof RollupWindowRow }> = {
  installation: { select: 'p.installation_id', as: 'installation_id' },
  provider: { select: 'i.provider_id', as: 'provider_id' },
  project: { select: 'i.project_id', as: 'project_id' },
  group_id: { select: 'p.group_id', as: 'group_id' },
  user_id: { select: 'p.user_id', as: 'user_id' },
};

/** Every window's pieces: which level reads which part of it. */
export function windowPieces(boundaries: readonly Date[]): { window: number; piece: Piece }[] {
  const out: { window: number; piece: Piece }[] = [];
  for (let w = 0; w + 1 < boundaries.length; w++) for (const piece of cover(boundaries[w], boundaries[w + 1])) out.push({ window: w, piece });
  return out;
}

/**
 * The query API over the rollups (for the usage API and anything else that aggregates metrics by
 * time): one statement, whose cost follows the number of windows and groups, not of metrics. Each
 * piece is an index range scan on the rollups' key (installation, level, bucket start); pieces finer
 * than 15 minutes read the raw metrics on (installation, definition, start).
 */
export class RollupWindowRepository {
  constructor(private readonly m: EntityManager) {}

  async windows(q: RollupWindowQuery): Promise<RollupWindowRow[]> {
    if (q.installationIds.length === 0 || q.boundaries.length < 2) return [];
    for (let i = 1; i < q.boundaries.length; i++)
      if (!(q.boundaries[i - 1] < q.boundaries[i])) throw new Error('Rollup window boundaries must be strictly ascending');
    const pieces = windowPieces(q.boundaries);
    const definitionIds = q.definitionIds ?? (await this.m.query<{ id: string }[]>('SELECT id FROM metric_definitions')).map((r) => r.id);
    if (definitionIds.length === 0) return [];

    const params: unknown[] = [
      q.installationIds,
      definitionIds,
      pieces.map((p) => p.window),
      pieces.map((p) => p.piece.level),
      pieces.map((p) => p.piece.lo),
      pieces.map((p) => p.piece.hi),
    ];
    let rollupOwner = '';
    let rawOwner = '';
    if (q.groupId !== undefined) {
      const n = params.push(q.groupId);
      rollupOwner += ` AND r.group_id = $${n}`;
      rawOwner += ` AND m.group_id = $${n}`;
    }
    if (q.userId !== undefined) {
      const n = params.push(q.userId);
      rollupOwner += ` AND r.user_id = $${n}`;
      rawOwner += ` AND m.user_id = $${n}`;
    }
    const keys = [...new Set(q.groupBy ?? [])];
    const selectKeys = keys.map((k) => `, ${GROUP_COLUMNS[k].select} AS ${GROUP_COLUMNS[k].as}`).join('');
    const groupKeys = keys.map((k) => `, ${GROUP_COLUMNS[k].select}`).join('');
    const joinInstallations = keys.some((k) => k === 'provider' || k === 'project') ? 'JOIN installations i ON i.id = p.installation_id' : '';

    const rows: (Omit<RollupWindowRow, 'count' | 'min' | 'max' | 'window'> & { window: number; count: string; min: number; max: number })[] =
      await this.m.query(
        `WITH pieces AS (
           SELECT * FROM unnest($3::int[], $4::int[], $5::timestamptz[], $6::timestamptz[]) AS x(w, lvl, lo, hi)
         ),
         p AS (
           SELECT pc.w, r.installation_id, r.metric_definition_id, r.group_id, r.user_id, r.total, r.count, r.min, r.max
             FROM pieces pc CROSS JOIN LATERAL (
               SELECT * FROM metric_rollups r
                WHERE r.installation_id = ANY($1::text[]) AND r.level = pc.lvl
                  AND r.bucket_start >= pc.lo AND r.bucket_start < pc.hi
                  AND r.metric_definition_id = ANY($2::text[])${rollupOwner}
             ) r
            WHERE pc.lvl > 0
           UNION ALL
           SELECT pc.w, m.installation_id, m.metric_definition_id, m.group_id, m.user_id, m.value::text::numeric, 1, m.value, m.value
             FROM pieces pc CROSS JOIN LATERAL (
               SELECT * FROM metrics m
                WHERE m.installation_id = ANY($1::text[]) AND m.metric_definition_id = ANY($2::text[])
                  AND m.time_period_start >= pc.lo AND m.time_period_start < pc.hi${rawOwner}
             ) m
            WHERE pc.lvl = 0
         )
         SELECT p.w AS window, p.metric_definition_id${selectKeys},
                sum(p.total)::text AS total, sum(p.count)::text AS count, min(p.min) AS min, max(p.max) AS max
           FROM p ${joinInstallations}
          GROUP BY p.w, p.metric_definition_id${groupKeys}
          ORDER BY p.w, p.metric_definition_id${groupKeys}`,
        params,
      );
    return rows.map((r) => ({ ...r, window: Number(r.window), count: Number(r.count), min: Number(r.min), max: Number(r.max) }));
  }
}
