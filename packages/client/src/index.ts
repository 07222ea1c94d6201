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
  type BulkPushResult,
  type CapacityInput,
  type IdempotencyOptions,
  type Installation,
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
export { createRestClient, type paths, type RestClient, type RestClientOptions } from './rest-client.js';
export { backoffMs, retryAfterMs, type FetchLike } from './transport.js';
export type * from './types.js';
