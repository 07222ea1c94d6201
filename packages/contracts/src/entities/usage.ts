import { z } from 'zod';
import { isBlank, MAX_LENGTH, pathId, requiredText, optionalText, textProblem, wireValue } from '../fields.js';
import { pageOf, pageParams } from '../page.js';
import { parseRegisteredOn } from './capacity.js';
import { isCalendarDate } from './metric.js';

/** usage-api.md §1–§2 messages, character for character. */
export const usageMessages = {
  empty: (field: string) => `${field} may not be empty.`,
  bound: (field: string) => `${field} must be a date (yyyy-MM-dd) or an ISO-8601 instant.`,
  startBeforeEnd: 'start must be before end.',
  window: 'window must be one of hour, day, week, month, quarter, year, total.',
  timeZone: (tz: string) => `Unknown time zone: ${tz}`,
  groupBy: 'group_by must be among installation, provider, project, group_id, user_id.',
  aggregation: 'aggregation must be one of sum, count, avg, min, max.',
  fill: 'fill must be zero or none.',
  tooManyWindows: (n: number) => `Too many windows (${n}); use a larger window or a shorter range.`,
  staleAfterHours: 'stale_after_hours must be a positive integer.',
  noDefinition: (id: string) => `There is no Metric Definition with the following id: ${id}`,
  tooManyDefinitions: (max: number) => `metric_definition_id may be given at most ${max} times.`,
} as const;

export const USAGE_WINDOWS = ['hour', 'day', 'week', 'month', 'quarter', 'year', 'total'] as const;
export type UsageWindow = (typeof USAGE_WINDOWS)[number];
export const USAGE_GROUP_KEYS = ['installation', 'provider', 'project', 'group_id', 'user_id'] as const;
export type UsageGroupKey = (typeof USAGE_GROUP_KEYS)[number];
export const USAGE_AGGREGATIONS = ['sum', 'count', 'avg', 'min', 'max'] as const;
export type UsageAggregation = (typeof USAGE_AGGREGATIONS)[number];
export const USAGE_FILLS = ['zero', 'none'] as const;
export type UsageFill = (typeof USAGE_FILLS)[number];
/** §1: at most this many windows per series. */
export const MAX_USAGE_WINDOWS = 10_000;
/** A bound on the repeatable `metric_definition_id` (every input is bounded; the catalogue is small). */
export const MAX_USAGE_DEFINITIONS = 100;

/** The key each `group_by` value has in a series' `group`. */
export const usageGroupField: Record<UsageGroupKey, string> = {
  installation: 'installation_id',
  provider: 'provider_id',
  project: 'project_id',
  group_id: 'group_id',
  user_id: 'user_id',
};

/**
 * A range bound as the caller wrote it: a calendar day (00:00 in `tz`, which only the server can place)
 * or an instant with a zone designator, normalised to UTC.
 */
export type UsageBound = { date: string } | { instant: string };

const bound = (field: 'start' | 'end') =>
  wireValue<string>()
    .transform((v: unknown, ctx): UsageBound => {
      if (isBlank(v)) {
        ctx.addIssue({ code: 'custom', message: usageMessages.empty(field), input: v });
        return z.NEVER;
      }
      const text = typeof v === 'string' ? v.trim() : '';
      if (isCalendarDate(text)) return { date: text };
      const instant = text.length <= 64 && text.includes('T') ? parseRegisteredOn(text) : undefined;
      if (!instant) {
        ctx.addIssue({ code: 'custom', message: usageMessages.bound(field), input: v });
        return z.NEVER;
      }
      return { instant: instant.toISOString() };
    })
    .meta({ override: { type: 'string', description: '`yyyy-MM-dd` (00:00 in `tz`) or an ISO-8601 instant', example: '2025-01-01' } });

/** One of `values`, `fallback` when absent or blank, else 400 `message`. */
const oneOf = <T extends string>(values: readonly T[], fallback: T, message: string) =>
  wireValue<T>()
    .optional()
    .transform((v: unknown, ctx): T => {
      if (isBlank(v)) return fallback;
      if (typeof v === 'string' && (values as readonly string[]).includes(v.trim())) return v.trim() as T;
      ctx.addIssue({ code: 'custom', message, input: v });
      return z.NEVER;
    })
    .meta({ override: { type: 'string', enum: [...values], default: fallback } });

/** The canonical IANA name (`Intl` resolves aliases and case), or undefined for an unknown zone. */
export function canonicalTimeZone(tz: string): string | undefined {
  if (tz.length > MAX_LENGTH.name || textProblem('tz', tz, MAX_LENGTH.name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const timeZone = wireValue<string>()
  .optional()
  .transform((v: unknown, ctx): string => {
    if (isBlank(v)) return 'UTC';
    const text = typeof v === 'string' ? v.trim() : String(v);
    const tz = canonicalTimeZone(text);
    if (!tz) {
      ctx.addIssue({ code: 'custom', message: usageMessages.timeZone(text.slice(0, MAX_LENGTH.name)), input: v });
      return z.NEVER;
    }
    return tz;
  })
  .meta({ override: { type: 'string', default: 'UTC', example: 'Europe/Athens', description: 'IANA time zone' } });

/** A query value that may be repeated (`?k=a&k=b`): always a list of non-blank strings. */
const listOf = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

const definitionIds = wireValue<string | string[]>()
  .optional()
  .transform((v: unknown, ctx): string[] => {
    const ids = listOf(v).filter((x) => !isBlank(x));
    if (ids.length > MAX_USAGE_DEFINITIONS) {
      ctx.addIssue({ code: 'custom', message: usageMessages.tooManyDefinitions(MAX_USAGE_DEFINITIONS), input: v });
      return z.NEVER;
    }
    for (const id of ids) {
      const problem =
        typeof id === 'string' || typeof id === 'number'
          ? textProblem('metric_definition_id', String(id), MAX_LENGTH.id)
          : 'metric_definition_id must be a string.';
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem, input: v });
        return z.NEVER;
      }
    }
    return [...new Set(ids.map(String))];
  })
  .meta({ override: { type: 'array', items: { type: 'string' }, description: 'repeatable; default every definition with metrics in scope' } });

const groupBy = wireValue<string | string[]>()
  .optional()
  .transform((v: unknown, ctx): UsageGroupKey[] => {
    const out: UsageGroupKey[] = [];
    for (const item of listOf(v)) {
      const parts = typeof item === 'string' ? item.split(',').map((s) => s.trim()) : [item];
      for (const part of parts) {
        if (part === '') continue;
        if (typeof part !== 'string' || !(USAGE_GROUP_KEYS as readonly string[]).includes(part)) {
          ctx.addIssue({ code: 'custom', message: usageMessages.groupBy, input: v });
          return z.NEVER;
        }
        if (!out.includes(part as UsageGroupKey)) out.push(part as UsageGroupKey);
      }
    }
    return out;
  })
  .meta({ override: { type: 'array', items: { type: 'string', enum: [...USAGE_GROUP_KEYS] }, description: 'repeatable or comma-separated' } });

/** The query every usage path shares (§1), in the order its checks run (fail-fast: the first violation wins). */
export const usageQueryFields = {
  start: bound('start'),
  end: bound('end'),
  window: oneOf(USAGE_WINDOWS, 'day', usageMessages.window),
  tz: timeZone,
  metric_definition_id: definitionIds,
  group_by: groupBy,
  group_id: optionalText('group_id', MAX_LENGTH.id),
  user_id: optionalText('user_id', MAX_LENGTH.id),
  aggregation: oneOf(USAGE_AGGREGATIONS, 'sum', usageMessages.aggregation),
  fill: oneOf(USAGE_FILLS, 'zero', usageMessages.fill),
};

export const UsageQuery = z.object(usageQueryFields);
export type UsageQuery = z.infer<typeof UsageQuery>;
export const InstallationUsageQuery = z.object({ installation_id: pathId, ...usageQueryFields });
export const InstallationExternalUsageQuery = z.object({ externalId: requiredText('externalId', MAX_LENGTH.id), ...usageQueryFields });
export const ProjectUsageQuery = z.object({ project_id: pathId, ...usageQueryFields });
export const ProjectProviderUsageQuery = z.object({ project_id: pathId, provider_id: pathId, ...usageQueryFields });
export const ProviderUsageQuery = z.object({ provider_id: pathId, ...usageQueryFields });

export const UsagePoint = z
  .object({ start: z.string(), end: z.string(), value: z.number().nullable(), count: z.number().int() })
  .meta({ id: 'UsagePoint' });
export type UsagePoint = z.infer<typeof UsagePoint>;

export const UsageSeries = z
  .object({
    metric_definition_id: z.string(),
    metric_name: z.string(),
    unit_type: z.string(),
    metric_type: z.string(),
    /** Exactly the `group_by` keys (`installation_id`, …); `{}` without `group_by`. */
    group: z.record(z.string(), z.string().nullable()),
    total: z.number().nullable(),
    count: z.number().int(),
    points: z.array(UsagePoint),
  })
  .meta({ id: 'UsageSeries' });
export type UsageSeries = z.infer<typeof UsageSeries>;

export const UsageAnswer = z
  .object({
    start: z.string(),
    end: z.string(),
    window: z.enum(USAGE_WINDOWS),
    tz: z.string(),
    aggregation: z.enum(USAGE_AGGREGATIONS),
    series: z.array(UsageSeries),
  })
  .meta({ id: 'UsageAnswer' });
export type UsageAnswer = z.infer<typeof UsageAnswer>;

const staleAfterHours = wireValue<string | number>()
  .optional()
  .transform((v: unknown, ctx): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
    const n = /^\+?\d+$/.test(text) ? Number(text) : Number.NaN;
    // Bounded by a century of hours: beyond it every installation is as stale as it can be.
    if (!Number.isSafeInteger(n) || n < 1 || n > 876_600) {
      ctx.addIssue({ code: 'custom', message: usageMessages.staleAfterHours, input: v });
      return z.NEVER;
    }
    return n;
  })
  .meta({ override: { type: 'integer', minimum: 1, maximum: 876_600 } });

export const FreshnessQuery = z.object({ ...pageParams, stale_after_hours: staleAfterHours });
export type FreshnessQuery = z.infer<typeof FreshnessQuery>;

export const FreshnessItem = z
  .object({
    installation_id: z.string(),
    installation: z.string(),
    project: z.string(),
    provider: z.string(),
    last_pushed_at: z.string().nullable(),
    last_period_end: z.string().nullable(),
    metrics_last_24h: z.number().int(),
  })
  .meta({ id: 'FreshnessItem' });
export type FreshnessItem = z.infer<typeof FreshnessItem>;
export const FreshnessPage = pageOf(FreshnessItem, 'FreshnessPage');
