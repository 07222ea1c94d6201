/**
 * Wire shapes of the ARGO Accounting API, as the client reads them. They are deliberately open
 * (`[key: string]: unknown`): items hold every field the server returned, including ones added later.
 */

export interface MetricDefinition {
  metric_definition_id: string;
  metric_name: string;
  metric_description: string | null;
  unit_type: string;
  metric_type: string;
  creator_id?: string;
  [key: string]: unknown;
}

export interface ProjectInstallationSummary {
  id: string;
  infrastructure: string | null;
  installation: string;
  external_id?: string | null;
  resource?: string;
  unit_of_access?: string;
  [key: string]: unknown;
}

export interface ProjectProvider {
  id: string;
  name: string;
  external_id?: string | null;
  website: string | null;
  abbreviation: string | null;
  logo: string | null;
  installations: ProjectInstallationSummary[];
  [key: string]: unknown;
}

export interface ProjectData {
  id: string;
  acronym: string;
  title: string;
  start_date: string;
  end_date: string;
  call_identifier: string;
  providers?: ProjectProvider[];
  [key: string]: unknown;
}

export interface ProviderData {
  id: string;
  name: string;
  website: string | null;
  abbreviation: string | null;
  logo: string | null;
  external_id?: string | null;
  creator_id?: string;
  [key: string]: unknown;
}

export interface Capacity {
  id: string;
  installation_id: string;
  metric_definition_id: string;
  value: number;
  registered_on: string;
  [key: string]: unknown;
}

export interface InstallationData {
  id: string;
  project: string;
  organisation: string;
  infrastructure: string | null;
  installation: string;
  resource?: string;
  external_id: string | null;
  unit_of_access?: MetricDefinition;
  capacities?: Capacity[];
  [key: string]: unknown;
}

/** A metric as listed (MetricProjection). */
export interface MetricData {
  id: string;
  time_period_start: string;
  time_period_end: string;
  value: number;
  project?: string;
  provider?: string;
  installation_id?: string;
  project_id?: string;
  resource?: string;
  group_id?: string;
  user_id?: string;
  metric_definition?: MetricDefinition;
  /** Present on metrics fetched by id or just pushed. */
  metric_id?: string;
  metric_definition_id?: string;
  [key: string]: unknown;
}

export interface MetricInput {
  metric_definition_id: string;
  time_period_start: string;
  time_period_end: string;
  value: number;
  group_id?: string;
  user_id?: string;
}

export interface MetricFilter {
  metricDefinitionId?: string;
  /** `yyyy-MM-dd`, or a Date (its UTC day is sent). */
  start?: string | Date;
  end?: string | Date;
  pageSize?: number;
}

export interface UnitTypeData {
  id: string;
  unit_type: string;
  description: string;
  creator_id: string;
  [key: string]: unknown;
}

export interface MetricTypeData {
  id: string;
  metric_type: string;
  description: string;
  creator_id: string;
  [key: string]: unknown;
}

export interface MessageBody {
  code: number;
  message: string;
  errors?: string[];
  [key: string]: unknown;
}

export interface BulkResult extends MessageBody {
  ids: string[];
}

export interface ReportPeriod {
  from: string;
  to: string;
  total_value: number;
  capacity_value?: number;
  usage_percentage?: number;
}

export interface InstallationReport {
  installation_id: string;
  project: string;
  provider: string;
  installation: string;
  infrastructure: string | null;
  resource: string;
  external_id: string | null;
  data: {
    metric_definition_id: string;
    metric_name: string;
    metric_description: string | null;
    unit_type: string;
    metric_type: string;
    periods: ReportPeriod[];
  }[];
  [key: string]: unknown;
}

export interface AggregatedMetric {
  metric_definition_id: string;
  metric_name: string;
  metric_description: string | null;
  unit_type: string;
  metric_type: string;
  total_value: number;
}

export interface ProviderReport {
  provider_id: string;
  name: string;
  website: string | null;
  abbreviation: string | null;
  logo: string | null;
  external_id: string | null;
  aggregated_metrics: AggregatedMetric[];
  data: InstallationReport[];
  [key: string]: unknown;
}

export interface ProjectReport {
  id: string;
  acronym: string;
  title: string;
  start_date: string;
  end_date: string;
  call_identifier: string;
  aggregated_metrics: AggregatedMetric[];
  data: ProviderReport[];
  [key: string]: unknown;
}

export interface GenericProviderReport {
  reports: ProviderReport[];
  aggregated_metrics: AggregatedMetric[];
}

export interface ReportRange {
  start: string | Date;
  end: string | Date;
}

/** The search DSL (§6). */
export type SearchCriterion =
  | { type: 'query'; field: string; values: string | number; operand?: 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' }
  | { type: 'filter'; operator: 'AND' | 'OR'; criteria: SearchCriterion[] };

export type SearchCollection = 'metric-definitions' | 'providers' | 'projects' | 'installations' | 'metrics';
