import type { InstallationReport, ProjectReport, ProviderReport, GenericProviderReport } from './entities/report.js';
import type { MetricProjection } from './entities/metric.js';
import { usageGroupField, type UsageGroupKey } from './entities/usage.js';
import type { Page } from './page.js';

/** One answer as a table: the header row's names and the records, cells as plain values (null: empty). */
export interface CsvTable {
  columns: readonly string[];
  rows: Iterable<readonly unknown[]>;
}

/**
 * How a contract answers `Accept: text/csv` (usage-api.md §3): REST renders `table(output, input)` as
 * RFC 4180 with a header row; the OpenAPI document lists `text/csv` beside JSON; client and CLI ask for it
 * by the contract's name. `paged`: the output is one page of a listing, and CSV answers every matching
 * item instead, fetched page by page of `size` and streamed (the header row comes from the first page).
 */
export interface CsvForm<O = unknown, I = unknown> {
  // Method syntax: a form for one output type is usable where the registry holds forms of any.
  table(output: O, input: I): CsvTable;
  paged?: { size: number };
}

export const CSV_MEDIA_TYPE = 'text/csv';

// ---- Reports (argo-accounting-api.md §5): one row per period ----

export const REPORT_CSV_COLUMNS = [
  'installation_id',
  'installation',
  'provider_id',
  'project_id',
  'metric_definition_id',
  'metric_name',
  'unit_type',
  'from',
  'to',
  'total_value',
  'capacity_value',
  'usage_percentage',
] as const;

function* installationRows(r: InstallationReport): Generator<unknown[]> {
  for (const d of r.data)
    for (const p of d.periods)
      yield [
        r.installation_id,
        r.installation,
        r.provider,
        r.project,
        d.metric_definition_id,
        d.metric_name,
        d.unit_type,
        p.from,
        p.to,
        p.total_value,
        p.capacity_value ?? null,
        p.usage_percentage ?? null,
      ];
}
function* providerRows(r: ProviderReport): Generator<unknown[]> {
  for (const i of r.data) yield* installationRows(i);
}

const reportTable = <O>(rows: (o: O) => Iterable<unknown[]>): CsvForm<O> => ({
  table: (output) => ({ columns: REPORT_CSV_COLUMNS, rows: rows(output) }),
});
export const installationReportCsv = reportTable<InstallationReport>(installationRows);
export const providerReportCsv = reportTable<ProviderReport>(providerRows);
export const projectReportCsv = reportTable<ProjectReport>(function* (r) {
  for (const p of r.data) yield* providerRows(p);
});
export const genericProviderReportCsv = reportTable<GenericProviderReport>(function* (r) {
  for (const p of r.reports) yield* providerRows(p);
});

// ---- Metric listings: every field of every item, the definition's flattened ----

const METRIC_FIELDS = [
  'id',
  'time_period_start',
  'time_period_end',
  'value',
  'project',
  'provider',
  'installation_id',
  'project_id',
  'resource',
  'group_id',
  'user_id',
] as const;
const DEFINITION_FIELDS = ['metric_definition_id', 'metric_name', 'metric_description', 'unit_type', 'metric_type', 'creator_id'] as const;

export const METRIC_CSV_COLUMNS = [...METRIC_FIELDS, ...DEFINITION_FIELDS.map((f) => `metric_definition.${f}`)];

const metricRows = (page: Page<MetricProjection>) =>
  page.content.map((m) => [...METRIC_FIELDS.map((f) => m[f] ?? null), ...DEFINITION_FIELDS.map((f) => m.metric_definition[f])]);

export const metricListingCsv = (size: number): CsvForm<Page<MetricProjection>> => ({
  table: (page) => ({ columns: METRIC_CSV_COLUMNS, rows: metricRows(page) }),
  paged: { size },
});

// ---- Usage (usage-api.md §3): one row per point, the group_by keys as columns ----

interface UsageCsvAnswer {
  series: {
    metric_definition_id: string;
    metric_name: string;
    unit_type: string;
    group: Record<string, string | null>;
    points: { start: string; end: string; value: number | null; count: number }[];
  }[];
}

export const usageCsv: CsvForm<UsageCsvAnswer, { group_by?: readonly UsageGroupKey[] }> = {
  table: (answer, input) => {
    const keys = (input.group_by ?? []).map((k) => usageGroupField[k]);
    return {
      columns: ['metric_definition_id', 'metric_name', 'unit_type', ...keys, 'window_start', 'window_end', 'value', 'count'],
      rows: (function* () {
        for (const s of answer.series)
          for (const p of s.points)
            yield [s.metric_definition_id, s.metric_name, s.unit_type, ...keys.map((k) => s.group[k] ?? null), p.start, p.end, p.value, p.count];
      })(),
    };
  },
};
