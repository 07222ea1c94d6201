export {
  AccountingClient,
  AccountingService,
  AdminApi,
  ClientsApi,
  InstallationCapacities,
  InstallationMetrics,
  InstallationScope,
  MetricCollection,
  MetricDefinitions,
  ProjectProviderScope,
  ProjectScope,
  ProviderScope,
  TypeCatalogue,
  type AccountingClientOptions,
  type AdminProjectInput,
  type Answer,
  type BulkPushResult,
  type CallOptions,
  type CapacityInput,
  type IdempotencyOptions,
  type Installation,
  type ListName,
  type Metric,
  type MetricDefinitionInput,
  type Project,
  type Provider,
  type QueryValue,
  type RequestOptions,
} from './client.js';
export { Collection, type Page, type PageFetcher } from './collection.js';
export { debugEnabledByEnv, type DebugSink } from './debug.js';
export { DEFAULT_HOST, normaliseEndpoint } from './endpoint.js';
export { AccConnectionError, AccError, AccServiceError, AccTimeoutError } from './errors.js';
export type { Item } from './items.js';
export { retryAfterMs, type FetchLike } from './transport.js';
export { searchContracts } from './wire.js';
export {
  AlertRules,
  ReportSchedules,
  type AlertRule,
  type AlertRuleCreated,
  type AlertRuleData,
  type AlertRuleInput,
  type ReportSchedule,
  type ReportScheduleCreated,
  type ReportScheduleData,
  type ReportScheduleInput,
  type WebhookDeliveryData,
  type WebhookDeliveryViews,
  type WebhookQueuedData,
} from './webhooks.js';
export { toUsageQuery, type FreshnessOptions, type UsageOptions } from './usage.js';
export type * from './wire.js';
export {
  ALERT_KINDS,
  ALERT_WINDOWS,
  SCHEDULE_PERIODS,
  contracts,
  PAGE_SIZE,
  type ContractInput,
  type ContractName,
  type ContractOutput,
} from '@acc/contracts';
