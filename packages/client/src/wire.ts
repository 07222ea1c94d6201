import type { ContractInput, ContractName, ContractOutput } from '@acc/contracts';

/**
 * The wire shapes the views hand out, named after the ARGO library's words. Each is the output (or
 * input) type the contract's zod schema infers: nothing here restates a field.
 */
export type RowOf<N extends ContractName> = ContractOutput<N> extends { content: (infer R)[] } ? R : never;

export type ProjectData = ContractOutput<'project_entry'>;
export type ProviderData = ContractOutput<'provider_entry'>;
export type InstallationData = ContractOutput<'installation_entry'>;
export type MetricDefinition = ContractOutput<'metric_definition_entry'>;
export type Capacity = RowOf<'installation_capacity_list'>;
/** A metric as the lists return it (`id`), or as a push or entry GET returns it (`metric_id`). */
export type MetricData = Partial<RowOf<'installation_metrics_list'>> &
  Partial<ContractOutput<'installation_metrics_entry'>> &
  Pick<ContractOutput<'installation_metrics_entry'>, 'time_period_start' | 'time_period_end' | 'value'>;
export type MetricInput = Omit<ContractInput<'installation_metrics_add'>, 'installation_id'>;
export type UnitTypeData = ContractOutput<'unit_type_entry'>;
export type MetricTypeData = ContractOutput<'metric_type_entry'>;
export type MessageBody = ContractOutput<'installation_metrics_delete'>;
export type BulkResult = ContractOutput<'installation_metrics_bulk'>;
export type InstallationReport = ContractOutput<'installation_report'>;
export type ProviderReport = ContractOutput<'project_provider_report'>;
export type ProjectReport = ContractOutput<'project_report'>;
export type GenericProviderReport = ContractOutput<'provider_report'>;
export type AggregatedMetric = ProjectReport['aggregated_metrics'][number];
export type ReportPeriod = InstallationReport['data'][number]['periods'][number];
export type UsageAnswer = ContractOutput<'usage'>;
export type UsageSeries = UsageAnswer['series'][number];
export type UsagePoint = UsageSeries['points'][number];
export type FreshnessRow = RowOf<'usage_freshness'>;

/** Client-side options, not wire types. */
export interface MetricFilter {
  metricDefinitionId?: string;
  start?: string | Date;
  end?: string | Date;
  pageSize?: number;
}

export interface ReportRange {
  start: string | Date;
  end: string | Date;
}

/**
 * A §6 criterion. The search contracts take it as a loose object (the server's parser owns its
 * messages), so this is the one shape the contracts leave to the caller's side.
 */
export type SearchCriterion =
  | { type: 'query'; field: string; values: string | number; operand?: 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' }
  | { type: 'filter'; operator: 'AND' | 'OR'; criteria: SearchCriterion[] };

/** The searchable collections, by the path segment users know them by, and their contracts. */
export const searchContracts = {
  'metric-definitions': 'metric_definition_search',
  providers: 'provider_search',
  projects: 'project_search',
  installations: 'installation_search',
  metrics: 'metric_search',
} as const satisfies Record<string, ContractName>;
export type SearchCollection = keyof typeof searchContracts;
