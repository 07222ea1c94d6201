import {
  contracts,
  CSV_MEDIA_TYPE,
  PAGE_SIZE,
  type ContractInput,
  type ContractName,
  type ContractOutput,
  type ProcedureContract,
} from '@acc/contracts';
import { Collection, type CollectionSource, type Page, type PageFetcher } from './collection.js';
import { createDebugLog, type DebugOption } from './debug.js';
import { normaliseEndpoint } from './endpoint.js';
import { AccServiceError, errorFromResponse, fromTransportFailure, TransportFailure } from './errors.js';
import { attach, type Item } from './items.js';
import { appendQuery, toRestCall, type QueryValue } from './rest-call.js';
import { send, type FetchLike, type RawResponse, type TransportOptions } from './transport.js';
import {
  searchContracts,
  type BulkResult,
  type Capacity,
  type GenericProviderReport,
  type InstallationData,
  type InstallationReport,
  type MessageBody,
  type MetricData,
  type MetricDefinition,
  type MetricFilter,
  type MetricInput,
  type MetricTypeData,
  type ProjectData,
  type ProjectReport,
  type ProviderData,
  type ProviderReport,
  type ReportRange,
  type RowOf,
  type SearchCollection,
  type SearchCriterion,
  type UnitTypeData,
  type FreshnessRow,
  type UsageAnswer,
} from './wire.js';
import { toUsageQuery, type FreshnessOptions, type UsageOptions } from './usage.js';
import { AlertRules, ReportSchedules } from './webhooks.js';

export type { QueryValue } from './rest-call.js';

export interface AccountingClientOptions {
  /** A bare host (`api.devel.acc.argo.grnet.gr`) or a full base URL; `url` is an alias. */
  endpoint?: string;
  url?: string;
  /** The JWT; surrounding whitespace and newlines are trimmed. */
  token?: string;
  /** Called before every request, for tokens that rotate; wins over `token`. */
  getToken?: () => string | Promise<string>;
  /** Per-attempt timeout; default 30000. */
  timeoutMs?: number;
  /** Extra attempts after the first; default 2. */
  retries?: number;
  /** Sent as `size` on list requests (1..100); the server defaults to 10. */
  pageSize?: number;
  fetch?: FetchLike;
  /** `true`/`false` force stderr debug logging; a function receives each line; unset follows DEBUG. */
  debug?: DebugOption;
}

/** Per-call extras for `call`: headers (an Idempotency-Key), a signal, query fields the contract leaves open. */
export interface CallOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Sent in the query string besides the contract's fields (a search's `page` and `size`). */
  query?: Record<string, QueryValue | QueryValue[]>;
  /** Sent as the body instead of the input's body fields, as it is (a search criterion typed as JSON text). */
  rawBody?: string;
}

/** A 2xx answer with its status and headers (e.g. `Idempotent-Replayed`). */
export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  params?: Record<string, QueryValue | QueryValue[]>;
  /** Sent as JSON; a string is sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Route name used in error messages; default `<METHOD> <route>`. */
  name?: string;
  signal?: AbortSignal;
}

export interface BulkPushResult extends BulkResult {
  /** The server replayed an earlier response for this Idempotency-Key: these metrics were already stored. */
  replayed: boolean;
}

export interface IdempotencyOptions {
  /** Default: a random key, so the push can be retried safely; `null` sends none (and disables retries). */
  idempotencyKey?: string | null;
}

export type Project = Item<
  ProjectData,
  {
    installations: Collection<Installation, InstallationData>;
    metrics: MetricCollection;
    providers: { get(providerId: string): ProjectProviderScope };
    provider(providerId: string): ProjectProviderScope;
    report(range: ReportRange): Promise<ProjectReport>;
  }
>;
export type Installation = Item<
  InstallationData,
  { metrics: InstallationMetrics; capacities: InstallationCapacities; report(range: ReportRange): Promise<InstallationReport> }
>;
export type Provider = Item<ProviderData, { report(range: ReportRange): Promise<GenericProviderReport> }>;
export type Metric = Item<MetricData & { id: string }, object>;

/** The contracts that answer a §1.4 page: the ones a collection can walk. */
export type ListName = { [N in ContractName]: ContractOutput<N> extends { content: unknown[]; total_pages: number } ? N : never }[ContractName];
/** A list's input without its paging fields: what a collection fixes for every page. */
export type ListScope<N extends ListName> = Omit<ContractInput<N>, 'page' | 'size'>;

const day = (v: string | Date) => (v instanceof Date ? v.toISOString().slice(0, 10) : v);

function checkPageSize(size: number | undefined, max: number): number | undefined {
  if (size === undefined) return undefined;
  if (!Number.isInteger(size) || size < 1 || size > max) throw new RangeError(`pageSize must be an integer between 1 and ${max}.`);
  return size;
}

/**
 * Entry point of the library (§1). Every operation is `call(name, input)` on a contract of
 * `@acc/contracts`: method, path, query and body come from the contract, input and output types from its
 * zod schemas, and the contract's name is the route name errors quote. The spec-named collections
 * (projects, providers, installations, metrics, capacities, reports, metric definitions, admin) are thin
 * views over those calls.
 */
export class AccountingClient {
  readonly endpoint: string;
  readonly projects: Collection<Project, ProjectData>;
  readonly providers: Collection<Provider, ProviderData>;
  readonly installations: Collection<Installation, InstallationData>;
  readonly metricDefinitions: MetricDefinitions;
  readonly unitTypes: TypeCatalogue<UnitTypeData, ContractInput<'unit_type_add'>>;
  readonly metricTypes: TypeCatalogue<MetricTypeData, ContractInput<'metric_type_add'>>;
  /** Resources (`GET /resources`), readable by any caller; creating them is under `admin`. */
  readonly resources: Collection<RowOf<'resource_list'>>;
  readonly admin: AdminApi;
  readonly clients: ClientsApi;
  /** Alert rules the caller may read (alerts.md §1); `create` shows the webhook secret once. */
  readonly alerts: AlertRules;
  /** Report schedules the caller may read (alerts.md §3); `create` shows the webhook secret once. */
  readonly schedules: ReportSchedules;

  readonly #pageSize: number | undefined;
  readonly #token: string | undefined;
  readonly #getToken: (() => string | Promise<string>) | undefined;
  readonly #transport: TransportOptions;

  constructor(options: AccountingClientOptions) {
    const endpoint = options.endpoint ?? options.url;
    if (!endpoint) throw new TypeError('AccountingClient needs an endpoint (or url).');
    this.endpoint = normaliseEndpoint(endpoint);
    this.#token = options.token?.trim() || undefined;
    this.#getToken = options.getToken;
    this.#pageSize = checkPageSize(options.pageSize, PAGE_SIZE.max);
    const retries = options.retries ?? 2;
    if (!Number.isInteger(retries) || retries < 0) throw new RangeError('retries must be a non-negative integer.');
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!(timeoutMs > 0)) throw new RangeError('timeoutMs must be positive.');
    this.#transport = {
      timeoutMs,
      retries,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      log: createDebugLog(options.debug),
    };

    this.projects = this.listOf(
      'project_list',
      {},
      (raw) => this.#project(raw),
      (id) => this.call('project_entry', { id }).then((raw) => this.#project(raw)),
    );
    this.providers = this.listOf(
      'provider_list',
      {},
      (raw) => this.#provider(raw),
      (id) => this.call('provider_entry', { id }).then((raw) => this.#provider(raw)),
    );
    this.installations = this.listOf(
      'installation_list',
      {},
      (raw) => wrapInstallation(this, raw),
      (id) => this.call('installation_entry', { id }).then((raw) => wrapInstallation(this, raw)),
    );
    this.metricDefinitions = new MetricDefinitions(this, this.#pageSize);
    this.unitTypes = new TypeCatalogue(this, 'unit_type', this.#pageSize);
    this.metricTypes = new TypeCatalogue(this, 'metric_type', this.#pageSize);
    this.resources = this.listOf('resource_list', {}, (raw) => attach(raw, {}));
    this.admin = new AdminApi(this, this.#pageSize);
    this.clients = new ClientsApi(this, this.#pageSize);
    this.alerts = new AlertRules(this, this.#pageSize);
    this.schedules = new ReportSchedules(this, this.#pageSize);
  }

  /** The project context for `id`; makes no HTTP call (use `projects.get(id)` to fetch it). */
  project(id: string): ProjectScope {
    return new ProjectScope(this, id, this.#pageSize);
  }

  /** The installation context for `id`; makes no HTTP call. */
  installation(id: string): InstallationScope {
    return new InstallationScope(this, id, this.#pageSize);
  }

  /** The top-level provider context; it has no metrics (they exist only within a project). */
  provider(id: string): ProviderScope {
    return new ProviderScope(this, id);
  }

  /** `POST /<collection>/search` (§6) as a lazily paged collection; `pageSize` may go up to 1000 for metrics. */
  search<T = Record<string, unknown>>(
    collection: SearchCollection,
    criterion: SearchCriterion | string,
    options: { pageSize?: number } = {},
  ): Collection<T> {
    const size = checkPageSize(options.pageSize ?? this.#pageSize, collection === 'metrics' ? PAGE_SIZE.maxSearch : PAGE_SIZE.max);
    const name = searchContracts[collection];
    // Text is sent as it is, so a malformed criterion gets the server's own §6 message.
    const asText = typeof criterion === 'string' ? { rawBody: criterion } : {};
    return new Collection<T, T>({
      pageSize: size,
      wrap: (raw) => raw,
      fetchPage: (page, pageSize) =>
        this.call(name, typeof criterion === 'string' ? {} : criterion, { query: { page, size: pageSize }, ...asText }) as Promise<Page<T>>,
    });
  }

  /** Usage over time of every installation the caller may see (`GET /usage`; empty when it sees none). */
  usage(options: UsageOptions): Promise<UsageAnswer> {
    return this.call('usage', toUsageQuery(options));
  }

  /** The installations the caller may see, stalest first (`GET /usage/freshness`), lazily paged. */
  freshness(options: FreshnessOptions = {}): Collection<FreshnessRow> {
    const stale = options.staleAfterHours === undefined ? {} : { stale_after_hours: options.staleAfterHours };
    return new Collection<FreshnessRow>({
      pageSize: checkPageSize(options.pageSize ?? this.#pageSize, PAGE_SIZE.max),
      wrap: (raw) => raw,
      fetchPage: (page, size) => this.call('usage_freshness', { ...stale, page, size }),
    });
  }

  /** The server's version string (`GET /admin/version`, system admins only). */
  async version(): Promise<string> {
    return (await this.call('admin_version', {})).version;
  }

  operands(): Promise<ContractOutput<'operand_list'>> {
    return this.call('operand_list', {});
  }

  operators(): Promise<ContractOutput<'operator_list'>> {
    return this.call('operator_list', {});
  }

  /**
   * Calls any contract by its name (`acc.call('installation_metrics_add', {installation_id, …})`): the
   * request is built from the contract, the answer typed by its output schema. Failures throw the §3.1
   * errors under the contract's name.
   */
  async call<N extends ContractName>(name: N, input: ContractInput<N>, options: CallOptions = {}): Promise<ContractOutput<N>> {
    return (await this.callWithResponse(name, input, options)).body;
  }

  /**
   * The contract's answer as CSV text (`Accept: text/csv`, usage-api.md §3): one row per report period or
   * usage point, or every matching metric of a listing (all pages; `page`/`size` are ignored). Only
   * contracts with a `csv` form answer CSV; others throw a TypeError before any request. Errors throw as
   * for `call`.
   */
  async csv<N extends ContractName>(name: N, input: ContractInput<N>, options: CallOptions = {}): Promise<string> {
    const contract: ProcedureContract = contracts[name];
    if (!contract.csv) throw new TypeError(`${name} has no CSV form.`);
    const rest = toRestCall(contract, input, options.query);
    const body = rest.body === undefined ? undefined : JSON.stringify(rest.body);
    const headers: Record<string, string> = {
      Accept: CSV_MEDIA_TYPE,
      ...(body !== undefined || rest.jsonWithoutBody ? { 'Content-Type': 'application/json' } : {}),
    };
    const raw = await this.#send(
      name,
      rest.method,
      `${this.endpoint}/accounting-system${rest.path}`,
      rest.query,
      { ...headers, ...options.headers },
      body,
      options.signal,
    );
    if (raw.status < 200 || raw.status >= 300) throw errorFromResponse(name, raw.status, raw.text);
    return raw.text;
  }

  /** `call`, also returning the status and headers of the 2xx answer. */
  async callWithResponse<N extends ContractName>(name: N, input: ContractInput<N>, options: CallOptions = {}): Promise<Answer<ContractOutput<N>>> {
    const contract = contracts[name];
    const rest = toRestCall(contract, input, options.query);
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (rest.body !== undefined) body = JSON.stringify(rest.body);
    if (body !== undefined || rest.jsonWithoutBody) headers['Content-Type'] = 'application/json';
    const raw = await this.#send(
      name,
      rest.method,
      `${this.endpoint}/accounting-system${rest.path}`,
      rest.query,
      { ...headers, ...options.headers },
      body,
      options.signal,
    );
    return this.#answer<ContractOutput<N>>(name, raw);
  }

  /**
   * The low-level call (§1, §3) for what no contract covers: `route` is a path below `/accounting-system`.
   * A 2xx returns the parsed JSON (`{}` when empty); anything else throws an AccError named after `options.name`.
   */
  async request<T = unknown>(method: string, route: string, options: RequestOptions = {}): Promise<T> {
    return (await this.exchange<T>(method, route, options)).body;
  }

  /** `request`, also returning the status and headers of the 2xx answer. */
  async exchange<T = unknown>(method: string, route: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const name = options.name ?? `${method.toUpperCase()} ${route}`;
    const query: [string, string][] = [];
    for (const [key, value] of Object.entries(options.params ?? {})) appendQuery(query, key, value);
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] = 'application/json';
    }
    const path = route.startsWith('/') ? route : `/${route}`;
    const raw = await this.#send(
      name,
      method.toUpperCase(),
      `${this.endpoint}/accounting-system${path}`,
      query,
      { ...headers, ...options.headers },
      body,
      options.signal,
    );
    return this.#answer<T>(name, raw);
  }

  /** @internal A contract's list as a collection; `scope` is sent with every page. */
  listOf<N extends ListName, T>(
    name: N,
    scope: ListScope<N>,
    wrap: (raw: RowOf<N>) => T,
    entry?: (id: string) => Promise<T>,
    pageSize: number | undefined = this.#pageSize,
  ): Collection<T, RowOf<N>> {
    const fetchPage: PageFetcher<RowOf<N>> = (page, size) =>
      this.call(name, { page, size, ...scope } as unknown as ContractInput<N>) as unknown as Promise<Page<RowOf<N>>>;
    const source: CollectionSource<T, RowOf<N>> = { fetchPage, wrap, pageSize, entry };
    return new Collection(source);
  }

  async #send(
    name: string,
    method: string,
    base: string,
    query: [string, string][],
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RawResponse> {
    const qs = new URLSearchParams(query).toString();
    try {
      return await send(
        qs ? `${base}?${qs}` : base,
        { method, headers: { ...(await this.#baseHeaders()), ...headers }, body, signal },
        this.#transport,
      );
    } catch (err) {
      throw err instanceof TransportFailure ? fromTransportFailure(name, err) : err;
    }
  }

  #answer<T>(name: string, raw: RawResponse): Answer<T> {
    if (raw.status < 200 || raw.status >= 300) throw errorFromResponse(name, raw.status, raw.text);
    const answer = (body: T) => ({ status: raw.status, headers: raw.headers, body });
    if (raw.text.trim() === '') return answer({} as T);
    try {
      return answer(JSON.parse(raw.text) as T);
    } catch {
      throw new AccServiceError({
        route: name,
        status: raw.status,
        errorMessage: `Response is not JSON: ${raw.text.trim().slice(0, 500)}`,
        body: raw.text,
      });
    }
  }

  async #baseHeaders(): Promise<Record<string, string>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.#getToken ? (await this.#getToken()).trim() : this.#token;
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  #project(raw: ProjectData): Project {
    const scope = this.project(raw.id);
    const lookup = (p: string) => scope.provider(p);
    const extras = {
      installations: () => scope.installations,
      metrics: () => scope.metrics,
      provider: () => lookup,
      report: () => (range: ReportRange) => scope.report(range),
    };
    if (Array.isArray(raw.providers)) {
      // The server's `providers` array stays data (and in toJSON); `get` only adds the context lookup.
      const providers = [...raw.providers];
      Object.defineProperty(providers, 'get', { value: lookup, enumerable: false });
      return attach({ ...raw, providers }, extras) as unknown as Project;
    }
    return attach(raw, { ...extras, providers: () => ({ get: lookup }) });
  }

  #provider(raw: ProviderData): Provider {
    const scope = this.provider(raw.id);
    return attach(raw, { report: () => (range: ReportRange) => scope.report(range) });
  }
}

/** The spec's name for the entry point. */
export const AccountingService = AccountingClient;
export type AccountingService = AccountingClient;

/** Adds `id` to a metric that came back with `metric_id` (entry GET, push). */
export function toMetric(raw: MetricData): Metric {
  const ids = raw as { id?: string; metric_id?: string };
  return attach({ ...raw, id: ids.id ?? ids.metric_id ?? '' }, {});
}

const metricFilters = (f: MetricFilter) => ({
  'metric-definition-id': f.metricDefinitionId,
  start: f.start === undefined ? undefined : day(f.start),
  end: f.end === undefined ? undefined : day(f.end),
});

type MetricListName = 'installation_metrics_list' | 'project_metrics_list' | 'project_provider_metric_list';
type MetricScope = { installation_id: string } | { project_id: string } | { project_id: string; provider_id: string };

/** A metric list with the §2.3 filters. */
export class MetricCollection extends Collection<Metric, MetricData> {
  constructor(
    protected readonly client: AccountingClient,
    protected readonly name: MetricListName,
    protected readonly scope: MetricScope,
    protected readonly filters: MetricFilter,
    pageSize: number | undefined,
  ) {
    const size = checkPageSize(filters.pageSize ?? pageSize, PAGE_SIZE.max);
    super({
      pageSize: size,
      wrap: toMetric,
      fetchPage: (page, s) => client.call(name, { page, size: s, ...scope, ...metricFilters(filters) }),
    });
  }

  /** A new collection with these filters (merged over the current ones). */
  filter(filters: MetricFilter): MetricCollection {
    return new MetricCollection(this.client, this.name, this.scope, { ...this.filters, ...filters }, this.pageSize);
  }
}

/** `installation.metrics`: the list plus entry lookup and pushes. */
export class InstallationMetrics extends MetricCollection {
  constructor(
    client: AccountingClient,
    readonly installationId: string,
    filters: MetricFilter,
    pageSize: number | undefined,
  ) {
    super(client, 'installation_metrics_list', { installation_id: installationId }, filters, pageSize);
  }

  override filter(filters: MetricFilter): InstallationMetrics {
    return new InstallationMetrics(this.client, this.installationId, { ...this.filters, ...filters }, this.pageSize);
  }

  override async get(id: string): Promise<Metric> {
    return toMetric(await this.client.call('installation_metrics_entry', { installation_id: this.installationId, metric_id: id }));
  }

  /** Pushes one metric (object or JSON string) and returns it with `id`. */
  async add(metric: MetricInput | string, options: IdempotencyOptions = {}): Promise<Metric> {
    const fields = (typeof metric === 'string' ? JSON.parse(metric) : metric) as MetricInput;
    const raw = await this.client.call(
      'installation_metrics_add',
      { ...fields, installation_id: this.installationId },
      { headers: idempotencyHeader(options) },
    );
    return toMetric(raw);
  }

  /** `push` is the CLI's word for `add`. */
  push(metric: MetricInput | string, options: IdempotencyOptions = {}): Promise<Metric> {
    return this.add(metric, options);
  }

  /**
   * Bulk push (§7.1): all-or-nothing, returns the new ids in request order. `replayed` is true when the
   * server answered from an earlier request with the same Idempotency-Key, i.e. stored nothing now.
   */
  async addMany(metrics: MetricInput[], options: IdempotencyOptions = {}): Promise<BulkPushResult> {
    const { headers, body } = await this.client.callWithResponse(
      'installation_metrics_bulk',
      { installation_id: this.installationId, items: metrics },
      { headers: idempotencyHeader(options) },
    );
    return { ...body, replayed: headers.get('idempotent-replayed') === 'true' };
  }

  bulk(metrics: MetricInput[], options: IdempotencyOptions = {}): Promise<BulkPushResult> {
    return this.addMany(metrics, options);
  }

  update(id: string, patch: Partial<MetricInput>): Promise<Metric> {
    return this.client.call('installation_metrics_update', { ...patch, installation_id: this.installationId, metric_id: id }).then(toMetric);
  }

  delete(id: string): Promise<MessageBody> {
    return this.client.call('installation_metrics_delete', { installation_id: this.installationId, metric_id: id });
  }
}

function idempotencyHeader(options: IdempotencyOptions): Record<string, string> {
  if (options.idempotencyKey === null) return {};
  return { 'Idempotency-Key': options.idempotencyKey ?? globalThis.crypto.randomUUID() };
}

export type CapacityInput = Omit<ContractInput<'installation_capacity_add'>, 'installation_id'>;

export class InstallationCapacities extends Collection<Capacity> {
  readonly #client: AccountingClient;
  readonly #installationId: string;

  constructor(client: AccountingClient, installationId: string, pageSize: number | undefined) {
    super({
      pageSize,
      wrap: (raw) => attach(raw, {}),
      fetchPage: (page, size) => client.call('installation_capacity_list', { installation_id: installationId, page, size }),
    });
    this.#client = client;
    this.#installationId = installationId;
  }

  add(capacity: CapacityInput): Promise<ContractOutput<'installation_capacity_add'>> {
    return this.#client.call('installation_capacity_add', { ...capacity, installation_id: this.#installationId });
  }

  update(
    id: string,
    patch: Omit<ContractInput<'installation_capacity_update'>, 'installation_id' | 'capacity_id'>,
  ): Promise<ContractOutput<'installation_capacity_update'>> {
    return this.#client.call('installation_capacity_update', { ...patch, installation_id: this.#installationId, capacity_id: id });
  }
}

const rangeOf = (r: ReportRange) => ({ start: day(r.start), end: day(r.end) });

export class InstallationScope {
  #metrics?: InstallationMetrics;
  #capacities?: InstallationCapacities;

  constructor(
    private readonly client: AccountingClient,
    readonly id: string,
    private readonly pageSize: number | undefined,
  ) {}

  get metrics(): InstallationMetrics {
    return (this.#metrics ??= new InstallationMetrics(this.client, this.id, {}, this.pageSize));
  }

  get capacities(): InstallationCapacities {
    return (this.#capacities ??= new InstallationCapacities(this.client, this.id, this.pageSize));
  }

  fetch(): Promise<Installation> {
    return this.client.installations.get(this.id);
  }

  report(range: ReportRange): Promise<InstallationReport> {
    return this.client.call('installation_report', { installation_id: this.id, ...rangeOf(range) });
  }

  usage(options: UsageOptions): Promise<UsageAnswer> {
    return this.client.call('installation_usage', { installation_id: this.id, ...toUsageQuery(options) });
  }
}

export class ProjectProviderScope {
  #installations?: Collection<Installation, InstallationData>;
  #metrics?: MetricCollection;

  constructor(
    private readonly client: AccountingClient,
    readonly projectId: string,
    readonly id: string,
    private readonly pageSize: number | undefined,
  ) {}

  get installations(): Collection<Installation, InstallationData> {
    return (this.#installations ??= this.client.listOf(
      'project_provider_installations_list',
      { project_id: this.projectId, provider_id: this.id },
      (raw) => wrapInstallation(this.client, raw),
      (id) => this.client.installations.get(id),
      this.pageSize,
    ));
  }

  get metrics(): MetricCollection {
    return (this.#metrics ??= new MetricCollection(
      this.client,
      'project_provider_metric_list',
      { project_id: this.projectId, provider_id: this.id },
      {},
      this.pageSize,
    ));
  }

  report(range: ReportRange): Promise<ProviderReport> {
    return this.client.call('project_provider_report', { project_id: this.projectId, provider_id: this.id, ...rangeOf(range) });
  }

  usage(options: UsageOptions): Promise<UsageAnswer> {
    return this.client.call('project_provider_usage', { project_id: this.projectId, provider_id: this.id, ...toUsageQuery(options) });
  }
}

function wrapInstallation(client: AccountingClient, raw: InstallationData): Installation {
  const scope = client.installation(raw.id);
  return attach(raw, {
    metrics: () => scope.metrics,
    capacities: () => scope.capacities,
    report: () => (range: ReportRange) => scope.report(range),
  });
}

export class ProjectScope {
  #installations?: Collection<Installation, InstallationData>;
  #metrics?: MetricCollection;

  constructor(
    private readonly client: AccountingClient,
    readonly id: string,
    private readonly pageSize: number | undefined,
  ) {}

  get installations(): Collection<Installation, InstallationData> {
    return (this.#installations ??= this.client.listOf(
      'project_installations_list',
      { project_id: this.id },
      (raw) => wrapInstallation(this.client, raw),
      (id) => this.client.installations.get(id),
      this.pageSize,
    ));
  }

  get metrics(): MetricCollection {
    return (this.#metrics ??= new MetricCollection(this.client, 'project_metrics_list', { project_id: this.id }, {}, this.pageSize));
  }

  /** `project.providers.get(prov)` builds the (project, provider) context without an HTTP call. */
  get providers(): { get(providerId: string): ProjectProviderScope } {
    return { get: (providerId) => this.provider(providerId) };
  }

  provider(providerId: string): ProjectProviderScope {
    return new ProjectProviderScope(this.client, this.id, providerId, this.pageSize);
  }

  fetch(): Promise<Project> {
    return this.client.projects.get(this.id);
  }

  report(range: ReportRange): Promise<ProjectReport> {
    return this.client.call('project_report', { project_id: this.id, ...rangeOf(range) });
  }

  /** Usage over time of every installation of the project (`GET /projects/{id}/usage`). */
  usage(options: UsageOptions): Promise<UsageAnswer> {
    return this.client.call('project_usage', { project_id: this.id, ...toUsageQuery(options) });
  }
}

export class ProviderScope {
  constructor(
    private readonly client: AccountingClient,
    readonly id: string,
  ) {}

  fetch(): Promise<Provider> {
    return this.client.providers.get(this.id);
  }

  /** The provider across every project it has installations in (provider representatives only). */
  report(range: ReportRange): Promise<GenericProviderReport> {
    return this.client.call('provider_report', { provider_id: this.id, ...rangeOf(range) });
  }

  /** Usage of the provider's installations in every project (provider representatives only). */
  usage(options: UsageOptions): Promise<UsageAnswer> {
    return this.client.call('provider_usage', { provider_id: this.id, ...toUsageQuery(options) });
  }
}

export type MetricDefinitionInput = ContractInput<'metric_definition_add'>;

export class MetricDefinitions extends Collection<MetricDefinition> {
  readonly #client: AccountingClient;

  constructor(client: AccountingClient, pageSize: number | undefined) {
    super({
      pageSize,
      wrap: (raw) => attach(raw, {}),
      fetchPage: (page, size) => client.call('metric_definition_list', { page, size }),
      entry: (id) => client.call('metric_definition_entry', { id }).then((raw) => attach(raw, {})),
    });
    this.#client = client;
  }

  create(input: MetricDefinitionInput): Promise<MetricDefinition> {
    return this.#client.call('metric_definition_add', input);
  }

  update(id: string, patch: Omit<ContractInput<'metric_definition_update'>, 'id'>): Promise<MetricDefinition> {
    return this.#client.call('metric_definition_update', { ...patch, id });
  }

  delete(id: string): Promise<MessageBody> {
    return this.#client.call('metric_definition_delete', { id });
  }

  search(criterion: SearchCriterion | string, options: { pageSize?: number } = {}): Collection<MetricDefinition> {
    return this.#client.search<MetricDefinition>('metric-definitions', criterion, options);
  }
}

type CataloguePrefix = 'unit_type' | 'metric_type';

/** Unit types and metric types: the same five contracts under two prefixes. */
export class TypeCatalogue<T extends object, C> extends Collection<T> {
  readonly #client: AccountingClient;

  constructor(
    client: AccountingClient,
    readonly field: CataloguePrefix,
    pageSize: number | undefined,
  ) {
    super({
      pageSize,
      wrap: (raw) => attach(raw, {}),
      fetchPage: (page, size) => client.call(`${field}_list`, { page, size }) as Promise<Page<T>>,
      entry: (id) => client.call(`${field}_entry`, { id }).then((raw) => attach(raw as T, {})),
    });
    this.#client = client;
  }

  create(input: C): Promise<T> {
    return this.#client.call(`${this.field}_add`, input as unknown as ContractInput<`${CataloguePrefix}_add`>) as Promise<T>;
  }

  update(id: string, patch: Partial<C>): Promise<T> {
    return this.#client.call(`${this.field}_update`, { ...patch, id }) as Promise<T>;
  }

  delete(id: string): Promise<MessageBody> {
    return this.#client.call(`${this.field}_delete`, { id });
  }
}

export type AdminProjectInput = ContractInput<'admin_project_add'>;
type Row<N extends ListName> = RowOf<N>;

/** System-admin endpoints (§4.5 registration, §4.9, §4.11, §4.12). */
export class AdminApi {
  readonly projects: Collection<Row<'admin_project_list'>>;
  readonly actors: Collection<Row<'admin_actor_list'>>;
  readonly actorEntitlements: Collection<Row<'admin_actor_entitlement_list'>>;
  readonly entitlements: Collection<Row<'admin_entitlement_list'>>;
  readonly oidcTenants: Collection<Row<'admin_oidc_tenant_list'>>;
  readonly settings: Collection<Row<'admin_setting_list'>>;

  constructor(
    private readonly client: AccountingClient,
    pageSize: number | undefined,
  ) {
    const plain = <T extends object>(raw: T) => attach(raw, {});
    this.projects = client.listOf('admin_project_list', {}, plain, undefined, pageSize);
    this.actors = client.listOf('admin_actor_list', {}, plain, undefined, pageSize);
    this.actorEntitlements = client.listOf('admin_actor_entitlement_list', {}, plain, undefined, pageSize);
    this.entitlements = client.listOf('admin_entitlement_list', {}, plain, (id) => client.call('admin_entitlement_entry', { id }), pageSize);
    this.oidcTenants = client.listOf('admin_oidc_tenant_list', {}, plain, (id) => client.call('admin_oidc_tenant_entry', { id }), pageSize);
    this.settings = client.listOf('admin_setting_list', {}, plain, undefined, pageSize);
  }

  version(): Promise<string> {
    return this.client.version();
  }

  registerProjects(ids: string[]): Promise<ContractOutput<'admin_project_register'>> {
    return this.client.call('admin_project_register', { projects: ids });
  }

  createProject(input: AdminProjectInput): Promise<ProjectData> {
    return this.client.call('admin_project_add', input);
  }

  updateProject(id: string, patch: Omit<ContractInput<'admin_project_update'>, 'id'>): Promise<ProjectData> {
    return this.client.call('admin_project_update', { ...patch, id });
  }

  deleteProject(id: string): Promise<MessageBody> {
    return this.client.call('admin_project_delete', { id });
  }

  createResource(input: ContractInput<'admin_resource_add'>): Promise<ContractOutput<'admin_resource_add'>> {
    return this.client.call('admin_resource_add', input);
  }

  deleteResource(id: string): Promise<MessageBody> {
    return this.client.call('admin_resource_delete', { id });
  }

  actorEntitlementsOf(actorId: string): Collection<Row<'admin_actor_entitlements'>> {
    return this.client.listOf('admin_actor_entitlements', { actor_id: actorId }, (raw) => raw);
  }

  createEntitlement(name: string): Promise<ContractOutput<'admin_entitlement_add'>> {
    return this.client.call('admin_entitlement_add', { name });
  }

  updateEntitlement(id: string, name: string): Promise<ContractOutput<'admin_entitlement_update'>> {
    return this.client.call('admin_entitlement_update', { id, name });
  }

  deleteEntitlement(id: string): Promise<MessageBody> {
    return this.client.call('admin_entitlement_delete', { id });
  }

  assignEntitlement(entitlementId: string, actorId: string): Promise<MessageBody> {
    return this.client.call('admin_entitlement_assign', { id: entitlementId, actor_id: actorId });
  }

  dissociateEntitlement(entitlementId: string, actorId: string): Promise<MessageBody> {
    return this.client.call('admin_entitlement_dissociate', { id: entitlementId, actor_id: actorId });
  }

  createOidcTenant(input: ContractInput<'admin_oidc_tenant_add'>): Promise<ContractOutput<'admin_oidc_tenant_add'>> {
    return this.client.call('admin_oidc_tenant_add', input);
  }

  updateOidcTenant(id: string, patch: Omit<ContractInput<'admin_oidc_tenant_update'>, 'id'>): Promise<ContractOutput<'admin_oidc_tenant_update'>> {
    return this.client.call('admin_oidc_tenant_update', { ...patch, id });
  }

  deleteOidcTenant(id: string): Promise<MessageBody> {
    return this.client.call('admin_oidc_tenant_delete', { id });
  }

  setSetting(key: string, value: string): Promise<ContractOutput<'admin_setting_update'>> {
    return this.client.call('admin_setting_update', { key, value });
  }

  counts(range: { startDate: string | Date; endDate: string | Date }): Promise<ContractOutput<'admin_counts'>> {
    return this.client.call('admin_counts', { startDate: day(range.startDate), endDate: day(range.endDate) });
  }

  /** Compares the usage rollups with the raw metrics. */
  checkRollups(): Promise<ContractOutput<'admin_rollups_check'>> {
    return this.client.call('admin_rollups_check', {});
  }

  /** Rebuilds the usage rollups from the raw metrics. */
  rebuildRollups(): Promise<ContractOutput<'admin_rollups_rebuild'>> {
    return this.client.call('admin_rollups_rebuild', {});
  }
}

/** The caller's own registration and permissions (§4.1). */
export class ClientsApi {
  readonly me: Collection<Row<'client_me'>>;

  constructor(
    private readonly client: AccountingClient,
    pageSize: number | undefined,
  ) {
    this.me = client.listOf('client_me', {}, (raw) => raw, undefined, pageSize);
  }

  /** `POST /clients` has no body but, per the API, still needs the JSON content type (the contract says so). */
  register(): Promise<MessageBody> {
    return this.client.call('client_register', {});
  }

  generalPermissions(): Promise<ContractOutput<'client_general_permissions'>> {
    return this.client.call('client_general_permissions', {});
  }
}
