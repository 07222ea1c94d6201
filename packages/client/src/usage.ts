import type { UsageAggregation, UsageFill, UsageGroupKey, UsageWindow } from '@acc/contracts';
import type { ContractInput } from '@acc/contracts';

/**
 * Usage over time (usage-api.md §1) as the views take it: camelCase options, dates or instants as text
 * or `Date` (a `Date` travels as its UTC instant; a `yyyy-MM-dd` text is midnight in `tz`), single values
 * or lists. `toUsageQuery` turns them into the contracts' query; the server validates everything.
 */
export interface UsageOptions {
  start: string | Date;
  end: string | Date;
  window?: UsageWindow;
  /** IANA zone for dates and window boundaries; UTC by default. */
  tz?: string;
  metricDefinitionId?: string | string[];
  groupBy?: UsageGroupKey | UsageGroupKey[];
  groupId?: string;
  userId?: string;
  aggregation?: UsageAggregation;
  fill?: UsageFill;
}

const bound = (v: string | Date) => (v instanceof Date ? v.toISOString() : v);
const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** The wire query every usage contract shares. */
export type UsageQueryInput = Omit<ContractInput<'usage'>, never>;

export function toUsageQuery(o: UsageOptions): UsageQueryInput {
  const q: UsageQueryInput = { start: bound(o.start), end: bound(o.end) };
  if (o.window !== undefined) q.window = o.window;
  if (o.tz !== undefined) q.tz = o.tz;
  if (o.metricDefinitionId !== undefined) q.metric_definition_id = list(o.metricDefinitionId);
  if (o.groupBy !== undefined) q.group_by = list(o.groupBy);
  if (o.groupId !== undefined) q.group_id = o.groupId;
  if (o.userId !== undefined) q.user_id = o.userId;
  if (o.aggregation !== undefined) q.aggregation = o.aggregation;
  if (o.fill !== undefined) q.fill = o.fill;
  return q;
}

export interface FreshnessOptions {
  /** Only installations with nothing pushed for at least this many hours. */
  staleAfterHours?: number;
  pageSize?: number;
}
