import type { UsageGroupKey } from '@acc/contracts';

/**
 * What the usage service asks of storage: per (definition, group values, window) the exact decimal sum,
 * count, min and max of `value` over the metrics whose `time_period_start` lies in a window. Two
 * implementations answer it: `RawUsageSource` straight from `metrics` (the reference the property test
 * compares against) and the rollup-backed one the server serves from.
 */
export interface UsageCellQuery {
  /** The installations in scope, already authorised. */
  installationIds: readonly string[];
  /** Window boundaries, strictly increasing: window i is [bounds[i], bounds[i+1]). */
  bounds: readonly Date[];
  /** Only these definitions; every definition when empty. */
  definitionIds: readonly string[];
  groupId?: string;
  userId?: string;
  groupBy: readonly UsageGroupKey[];
}

export interface UsageCell {
  definitionId: string;
  /** One value per `groupBy` key, in its order. */
  group: (string | null)[];
  /** 0-based window index. */
  window: number;
  /** Exact decimal text. */
  total: string;
  count: number;
  min: number;
  max: number;
}

export interface UsageSource {
  cells(q: UsageCellQuery): Promise<UsageCell[]>;
}

/** The column of `metrics m` (and of the rollups, where they carry it) each group key reads. */
export const METRIC_GROUP_COLUMN: Record<UsageGroupKey, string> = {
  installation: 'm.installation_id',
  provider: 'm.provider_id',
  project: 'm.project_id',
  group_id: 'm.group_id',
  user_id: 'm.user_id',
};

export interface CellRow {
  def: string;
  w: number;
  total: string;
  count: number;
  min: number;
  max: number;
  [group: `g${number}`]: string | null;
}

/** Rows of either source as cells; the group columns are read by precomputed names (a request reads tens of thousands of rows). */
export function toCells(rows: readonly CellRow[], groups: number): UsageCell[] {
  const keys = Array.from({ length: groups }, (_, i) => `g${i}` as const);
  const out = new Array<UsageCell>(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const group = new Array<string | null>(groups);
    for (let i = 0; i < groups; i++) group[i] = r[keys[i]] ?? null;
    out[k] = { definitionId: r.def, group, window: Number(r.w) - 1, total: r.total, count: Number(r.count), min: Number(r.min), max: Number(r.max) };
  }
  return out;
}
