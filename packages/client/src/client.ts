import { Collection, type CollectionSource, type Page, type PageFetcher } from './collection.js';
import { createDebugLog, type DebugOption } from './debug.js';
import { normaliseEndpoint } from './endpoint.js';
import { AccServiceError, errorFromResponse, fromTransportFailure, TransportFailure } from './errors.js';
import { attach, type Item } from './items.js';
import { callProcedure, createProcedureClient, type ProcedureClient } from './procedures.js';
import { send, type FetchLike, type TransportOptions } from './transport.js';
import type {
  BulkResult,
  Capacity,
  GenericProviderReport,
  InstallationData,
  InstallationReport,
  MessageBody,
  MetricData,
  MetricDefinition,
  MetricFilter,
  MetricInput,
  MetricTypeData,
  ProjectData,
  ProjectReport,
  ProviderData,
  ProviderReport,
  ReportRange,
  SearchCollection,
  SearchCriterion,
  UnitTypeData,
} from './types.js';

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

export type QueryValue = string | number | boolean | Date | null | undefined;

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

const day = (v: string | Date) => (v instanceof Date ? v.toISOString().slice(0, 10) : v);
const seg = encodeURIComponent;

function checkPageSize(size: number | undefined, max: number): number | undefined {
  if (size === undefined) return undefined;
  if (!Number.isInteger(size) || size < 1 || size > max) throw new RangeError(`pageSize must be an integer between 1 and ${max}.`);
  return size;
}

/**
 * Entry point of the library (§1). Spec-named collections (projects, providers, installations, metrics,
 * capacities, reports, metric definitions, admin) go over REST through `request`, so their route names
 * and error bodies are exactly the ARGO ones; unit types, metric types and the version go over tRPC with
 * types inferred from the server's router.
 */
export class AccountingClient {
  readonly endpoint: string;
  readonly projects: Collection<Project, ProjectData>;
  readonly providers: Collection<Provider, ProviderData>;
  readonly installations: Collection<Installation, InstallationData>;
  readonly metricDefinitions: MetricDefinitions;
  readonly unitTypes: TypeCatalogue<UnitTypeData, { unit_type: string; description: string }>;
  readonly metricTypes: TypeCatalogue<MetricTypeData, { metric_type: string; description: string }>;
  /** Resources (`GET /resources`), readable by any caller; creating them is under `admin`. */
  readonly resources: Collection<{ id: string; name: string }>;
  readonly admin: AdminApi;
  readonly clients: ClientsApi;

  readonly #pageSize: number | undefined;
  readonly #token: string | undefined;
  readonly #getToken: (() => string | Promise<string>) | undefined;
  readonly #transport: TransportOptions;
  readonly #trpc: ProcedureClient;

  constructor(options: AccountingClientOptions) {
    const endpoint = options.endpoint ?? options.url;
    if (!endpoint) throw new TypeError('AccountingClient needs an endpoint (or url).');
    this.endpoint = normaliseEndpoint(endpoint);
    this.#token = options.token?.trim() || undefined;
    this.#getToken = options.getToken;
    this.#pageSize = checkPageSize(options.pageSize, 100);
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
    this.#trpc = createProcedureClient({ endpoint: this.endpoint, headers: () => this.#baseHeaders(), transport: this.#transport });

    this.projects = this.listOf('project_list', '/projects', {}, (raw: ProjectData) => this.#project(raw), (id) =>
      this.request<ProjectData>('GET', `/projects/${seg(id)}`, { name: 'project_entry' }).then((raw) => this.#project(raw)),
    );
    this.providers = this.listOf('provider_list', '/providers', {}, (raw: ProviderData) => this.#provider(raw), (id) =>
      this.request<ProviderData>('GET', `/providers/${seg(id)}`, { name: 'provider_entry' }).then((raw) => this.#provider(raw)),
    );
    this.installations = this.listOf('installation_list', '/installations/all', {}, (raw: InstallationData) => this.#installation(raw), (id) =>
      this.request<InstallationData>('GET', `/installations/${seg(id)}`, { name: 'installation_entry' }).then((raw) => this.#installation(raw)),
    );
    this.metricDefinitions = new MetricDefinitions(this, this.#pageSize);
    this.unitTypes = new TypeCatalogue('unit_type', this.#pageSize, {
      list: (page, size) => callProcedure('unit_type_list', () => this.#trpc.unitTypes.list.query({ page, size })),
      get: (id) => callProcedure('unit_type_entry', () => this.#trpc.unitTypes.get.query({ id })),
      create: (input) => callProcedure('unit_type_add', () => this.#trpc.unitTypes.create.mutate(input)),
      update: (id, patch) => callProcedure('unit_type_update', () => this.#trpc.unitTypes.update.mutate({ id, unit_type: patch.unit_type, description: patch.description })),
      delete: (id) => callProcedure('unit_type_delete', () => this.#trpc.unitTypes.delete.mutate({ id })),
    });
    this.metricTypes = new TypeCatalogue('metric_type', this.#pageSize, {
      list: (page, size) => callProcedure('metric_type_list', () => this.#trpc.metricTypes.list.query({ page, size })),
      get: (id) => callProcedure('metric_type_entry', () => this.#trpc.metricTypes.get.query({ id })),
      create: (input) => callProcedure('metric_type_add', () => this.#trpc.metricTypes.create.mutate(input)),
      update: (id, patch) => callProcedure('metric_type_update', () => this.#trpc.metricTypes.update.mutate({ id, metric_type: patch.metric_type, description: patch.description })),
      delete: (id) => callProcedure('metric_type_delete', () => this.#trpc.metricTypes.delete.mutate({ id })),
    });
    this.resources = this.listOf('resource_list', '/resources', {}, (raw: { id: string; name: string }) => attach(raw, {}));
    this.admin = new AdminApi(this, this.#pageSize);
    this.clients = new ClientsApi(this, this.#pageSize);
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
  search<T = Record<string, unknown>>(collection: SearchCollection, criterion: SearchCriterion | string, options: { pageSize?: number } = {}): Collection<T> {
    const size = checkPageSize(options.pageSize ?? this.#pageSize, collection === 'metrics' ? 1000 : 100);
    const route = `${collection.replace(/-/g, '_').replace(/s$/, '')}_search`;
    return new Collection<T, T>({
      pageSize: size,
      wrap: (raw) => raw,
      fetchPage: (page, pageSize) => this.request<Page<T>>('POST', `/${collection}/search`, { name: route, params: { page, size: pageSize }, body: criterion }),
    });
  }

  /** The server's version string (`GET /admin/version`, system admins only). */
  async version(): Promise<string> {
    return (await callProcedure('admin_version', () => this.#trpc.system.version.query({}))).version;
  }

  operands(): Promise<{ label: string; display_value: string }[]> {
    return this.request('GET', '/operands', { name: 'operand_list' });
  }

  operators(): Promise<{ label: string; display_value: string }[]> {
    return this.request('GET', '/operators', { name: 'operator_list' });
  }

  /**
   * The low-level call (§1, §3): `route` is a path below `/accounting-system`. A 2xx returns the parsed
   * JSON (`{}` when empty); anything else throws an AccError named after `options.name`.
   */
  async request<T = unknown>(method: string, route: string, options: RequestOptions = {}): Promise<T> {
    return (await this.exchange<T>(method, route, options)).body;
  }

  /** `request`, also returning the status and headers of the 2xx answer (e.g. `Idempotent-Replayed`). */
  async exchange<T = unknown>(method: string, route: string, options: RequestOptions = {}): Promise<{ status: number; headers: Headers; body: T }> {
    const name = options.name ?? `${method.toUpperCase()} ${route}`;
    const url = this.#url(route, options.params);
    const headers: Record<string, string> = { ...(await this.#baseHeaders()) };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] = 'application/json';
    }
    Object.assign(headers, options.headers);
    let raw;
    try {
      raw = await send(url, { method: method.toUpperCase(), headers, body, signal: options.signal }, this.#transport);
    } catch (err) {
      throw err instanceof TransportFailure ? fromTransportFailure(name, err) : err;
    }
    if (raw.status < 200 || raw.status >= 300) throw errorFromResponse(name, raw.status, raw.text);
    const answer = (body: T) => ({ status: raw.status, headers: raw.headers, body });
    if (raw.text.trim() === '') return answer({} as T);
    try {
      return answer(JSON.parse(raw.text) as T);
    } catch {
      throw new AccServiceError({ route: name, status: raw.status, errorMessage: `Response is not JSON: ${raw.text.trim().slice(0, 500)}`, body: raw.text });
    }
  }

  /** @internal A REST list as a collection; `params` are sent with every page. */
  listOf<T, R>(
    name: string,
    route: string,
    params: Record<string, QueryValue>,
    wrap: (raw: R) => T,
    entry?: (id: string) => Promise<T>,
    pageSize: number | undefined = this.#pageSize,
  ): Collection<T, R> {
    const fetchPage: PageFetcher<R> = (page, size) => this.request<Page<R>>('GET', route, { name, params: { page, size, ...params } });
    const source: CollectionSource<T, R> = { fetchPage, wrap, pageSize, entry };
    return new Collection(source);
  }

  async #baseHeaders(): Promise<Record<string, string>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.#getToken ? (await this.#getToken()).trim() : this.#token;
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  #url(route: string, params: RequestOptions['params']): string {
    const path = route.startsWith('/') ? route : `/${route}`;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v === undefined || v === null) continue;
        query.append(key, v instanceof Date ? v.toISOString() : String(v));
      }
    }
    const qs = query.toString();
    return `${this.endpoint}/accounting-system${path}${qs ? `?${qs}` : ''}`;
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
    return attach(raw, { ...extras, providers: () => ({ get: lookup }) }) as unknown as Project;
  }

  #provider(raw: ProviderData): Provider {
    const scope = this.provider(raw.id);
    return attach(raw, { report: () => (range: ReportRange) => scope.report(range) });
  }

  #installation(raw: InstallationData): Installation {
    return wrapInstallation(this, raw);
  }
}

/** The spec's name for the entry point. */
export const AccountingService = AccountingClient;
export type AccountingService = AccountingClient;

/** Adds `id` to a metric that came back with `metric_id` (entry GET, push). */
export function toMetric(raw: MetricData): Metric {
  return attach({ ...raw, id: raw.id ?? raw.metric_id ?? '' }, {});
}

const metricParams = (f: MetricFilter): Record<string, QueryValue> => ({
  'metric-definition-id': f.metricDefinitionId,
  start: f.start === undefined ? undefined : day(f.start),
  end: f.end === undefined ? undefined : day(f.end),
});

/** A metric list with the §2.3 filters. */
export class MetricCollection extends Collection<Metric, MetricData> {
  constructor(
    protected readonly client: AccountingClient,
    protected readonly name: string,
    protected readonly route: string,
    protected readonly filters: MetricFilter,
    pageSize: number | undefined,
  ) {
    const size = checkPageSize(filters.pageSize ?? pageSize, 100);
    super({
      pageSize: size,
      wrap: toMetric,
      fetchPage: (page, s) => client.request<Page<MetricData>>('GET', route, { name, params: { page, size: s, ...metricParams(filters) } }),
    });
  }

  /** A new collection with these filters (merged over the current ones). */
  filter(filters: MetricFilter): MetricCollection {
    return new MetricCollection(this.client, this.name, this.route, { ...this.filters, ...filters }, this.pageSize);
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
    super(client, 'installation_metrics_list', `/installations/${seg(installationId)}/metrics`, filters, pageSize);
  }

  override filter(filters: MetricFilter): InstallationMetrics {
    return new InstallationMetrics(this.client, this.installationId, { ...this.filters, ...filters }, this.pageSize);
  }

  override async get(id: string): Promise<Metric> {
    const raw = await this.client.request<MetricData>('GET', `${this.route}/${seg(id)}`, { name: 'installation_metrics_entry' });
    return toMetric(raw);
  }

  /** Pushes one metric (object or JSON string) and returns it with `id`. */
  async add(metric: MetricInput | string, options: IdempotencyOptions = {}): Promise<Metric> {
    const body: unknown = typeof metric === 'string' ? JSON.parse(metric) : metric;
    const raw = await this.client.request<MetricData>('POST', this.route, { name: 'installation_metrics_add', body, headers: idempotencyHeader(options) });
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
    const { headers, body } = await this.client.exchange<BulkResult>('POST', `${this.route}/bulk`, {
      name: 'installation_metrics_bulk',
      body: metrics,
      headers: idempotencyHeader(options),
    });
    return { ...body, replayed: headers.get('idempotent-replayed') === 'true' };
  }

  bulk(metrics: MetricInput[], options: IdempotencyOptions = {}): Promise<BulkPushResult> {
    return this.addMany(metrics, options);
  }

  update(id: string, patch: Partial<MetricInput>): Promise<Metric> {
    return this.client
      .request<MetricData>('PATCH', `${this.route}/${seg(id)}`, { name: 'installation_metrics_update', body: patch })
      .then(toMetric);
  }

  delete(id: string): Promise<MessageBody> {
    return this.client.request('DELETE', `${this.route}/${seg(id)}`, { name: 'installation_metrics_delete' });
  }
}

function idempotencyHeader(options: IdempotencyOptions): Record<string, string> {
  if (options.idempotencyKey === null) return {};
  return { 'Idempotency-Key': options.idempotencyKey ?? globalThis.crypto.randomUUID() };
}

export interface CapacityInput {
  metric_definition_id: string;
  value: number;
  /** `yyyy-MM-dd` or an ISO-8601 instant; default now. */
  registered_on?: string;
}

export class InstallationCapacities extends Collection<Capacity> {
  readonly #client: AccountingClient;
  readonly #route: string;

  constructor(client: AccountingClient, installationId: string, pageSize: number | undefined) {
    const route = `/installations/${seg(installationId)}/capacities`;
    super({
      pageSize,
      wrap: (raw) => attach(raw, {}),
      fetchPage: (page, size) => client.request<Page<Capacity>>('GET', route, { name: 'installation_capacity_list', params: { page, size } }),
    });
    this.#client = client;
    this.#route = route;
  }

  add(capacity: CapacityInput): Promise<MessageBody> {
    return this.#client.request('POST', this.#route, { name: 'installation_capacity_add', body: capacity });
  }

  update(id: string, patch: { value?: number; registered_on?: string }): Promise<Capacity> {
    return this.#client.request('PATCH', `${this.#route}/${seg(id)}`, { name: 'installation_capacity_update', body: patch });
  }
}

const rangeParams = (r: ReportRange) => ({ start: day(r.start), end: day(r.end) });

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
    return this.client.request('GET', `/installations/${seg(this.id)}/report`, { name: 'installation_report', params: rangeParams(range) });
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
      `/projects/${seg(this.projectId)}/providers/${seg(this.id)}/installations`,
      {},
      (raw: InstallationData) => wrapInstallation(this.client, raw),
      (id) => this.client.installations.get(id),
      this.pageSize,
    ));
  }

  get metrics(): MetricCollection {
    return (this.#metrics ??= new MetricCollection(
      this.client,
      'project_provider_metric_list',
      `/projects/${seg(this.projectId)}/providers/${seg(this.id)}/metrics`,
      {},
      this.pageSize,
    ));
  }

  report(range: ReportRange): Promise<ProviderReport> {
    return this.client.request('GET', `/projects/${seg(this.projectId)}/providers/${seg(this.id)}/report`, {
      name: 'project_provider_report',
      params: rangeParams(range),
    });
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
      `/projects/${seg(this.id)}/installations`,
      {},
      (raw: InstallationData) => wrapInstallation(this.client, raw),
      (id) => this.client.installations.get(id),
      this.pageSize,
    ));
  }

  get metrics(): MetricCollection {
    return (this.#metrics ??= new MetricCollection(this.client, 'project_metrics_list', `/projects/${seg(this.id)}/metrics`, {}, this.pageSize));
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
    return this.client.request('GET', `/projects/${seg(this.id)}/report`, { name: 'project_report', params: rangeParams(range) });
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
    return this.client.request('GET', `/providers/${seg(this.id)}/report`, { name: 'provider_report', params: rangeParams(range) });
  }
}

export interface MetricDefinitionInput {
  metric_name: string;
  metric_description?: string;
  unit_type: string;
  metric_type: string;
}

export class MetricDefinitions extends Collection<MetricDefinition> {
  readonly #client: AccountingClient;

  constructor(client: AccountingClient, pageSize: number | undefined) {
    super({
      pageSize,
      wrap: (raw) => attach(raw, {}),
      fetchPage: (page, size) => client.request<Page<MetricDefinition>>('GET', '/metric-definitions', { name: 'metric_definition_list', params: { page, size } }),
      entry: (id) => client.request<MetricDefinition>('GET', `/metric-definitions/${seg(id)}`, { name: 'metric_definition_entry' }).then((raw) => attach(raw, {})),
    });
    this.#client = client;
  }

  create(input: MetricDefinitionInput): Promise<MetricDefinition> {
    return this.#client.request('POST', '/metric-definitions', { name: 'metric_definition_add', body: input });
  }

  update(id: string, patch: Partial<MetricDefinitionInput>): Promise<MetricDefinition> {
    return this.#client.request('PATCH', `/metric-definitions/${seg(id)}`, { name: 'metric_definition_update', body: patch });
  }

  delete(id: string): Promise<MessageBody> {
    return this.#client.request('DELETE', `/metric-definitions/${seg(id)}`, { name: 'metric_definition_delete' });
  }

  search(criterion: SearchCriterion | string, options: { pageSize?: number } = {}): Collection<MetricDefinition> {
    return this.#client.search<MetricDefinition>('metric-definitions', criterion, options);
  }
}

interface CatalogueCalls<T, C> {
  list: (page: number, size: number | undefined) => Promise<Page<T>>;
  get: (id: string) => Promise<T>;
  create: (input: C) => Promise<T>;
  update: (id: string, patch: Partial<C>) => Promise<T>;
  delete: (id: string) => Promise<{ code: number; message: string }>;
}

/** Unit types and metric types, typed end to end through tRPC. */
export class TypeCatalogue<T extends object, C> extends Collection<T> {
  readonly #calls: CatalogueCalls<T, C>;

  constructor(
    readonly field: 'unit_type' | 'metric_type',
    pageSize: number | undefined,
    calls: CatalogueCalls<T, C>,
  ) {
    super({ pageSize, wrap: (raw) => attach(raw, {}), fetchPage: calls.list, entry: (id) => calls.get(id).then((raw) => attach(raw, {})) });
    this.#calls = calls;
  }

  create(input: C): Promise<T> {
    return this.#calls.create(input);
  }

  update(id: string, patch: Partial<C>): Promise<T> {
    return this.#calls.update(id, patch);
  }

  delete(id: string): Promise<{ code: number; message: string }> {
    return this.#calls.delete(id);
  }
}

export interface AdminProjectInput {
  id: string;
  acronym: string;
  title: string;
  start_date: string;
  end_date: string;
  call_identifier: string;
}

/** System-admin endpoints (§4.5 registration, §4.9, §4.11, §4.12). */
export class AdminApi {
  readonly projects: Collection<ProjectData>;
  readonly actors: Collection<Record<string, unknown>>;
  readonly actorEntitlements: Collection<Record<string, unknown>>;
  readonly entitlements: Collection<{ id: string; name: string; registered_on: string }>;
  readonly oidcTenants: Collection<Record<string, unknown>>;
  readonly settings: Collection<{ key: string; current_value: string; default_value: string; allowed_values: string[] }>;

  constructor(
    private readonly client: AccountingClient,
    pageSize: number | undefined,
  ) {
    const plain = <T extends object>(raw: T) => attach(raw, {});
    this.projects = client.listOf('admin_project_list', '/admin/projects', {}, plain, undefined, pageSize);
    this.actors = client.listOf('admin_actor_list', '/admin/actors', {}, plain, undefined, pageSize);
    this.actorEntitlements = client.listOf('admin_actor_entitlement_list', '/admin/actors/entitlements', {}, plain, undefined, pageSize);
    this.entitlements = client.listOf(
      'admin_entitlement_list',
      '/admin/entitlements',
      {},
      plain,
      (id) => client.request('GET', `/admin/entitlements/${seg(id)}`, { name: 'admin_entitlement_entry' }),
      pageSize,
    );
    this.oidcTenants = client.listOf(
      'admin_oidc_tenant_list',
      '/admin/oidc-tenants',
      {},
      plain,
      (id) => client.request('GET', `/admin/oidc-tenants/${seg(id)}`, { name: 'admin_oidc_tenant_entry' }),
      pageSize,
    );
    this.settings = client.listOf('admin_setting_list', '/admin/settings/metadata', {}, plain, undefined, pageSize);
  }

  version(): Promise<string> {
    return this.client.version();
  }

  registerProjects(ids: string[]): Promise<MessageBody & { errors: string[] }> {
    return this.client.request('POST', '/admin/register-projects', { name: 'admin_project_register', body: { projects: ids } });
  }

  createProject(input: AdminProjectInput): Promise<ProjectData> {
    return this.client.request('POST', '/admin/projects', { name: 'admin_project_add', body: input });
  }

  updateProject(id: string, patch: Partial<Omit<AdminProjectInput, 'id'>>): Promise<ProjectData> {
    return this.client.request('PATCH', `/admin/projects/${seg(id)}`, { name: 'admin_project_update', body: patch });
  }

  deleteProject(id: string): Promise<MessageBody> {
    return this.client.request('DELETE', `/admin/projects/${seg(id)}`, { name: 'admin_project_delete' });
  }

  createResource(input: { id: string; name: string }): Promise<{ id: string; name: string }> {
    return this.client.request('POST', '/admin/resources', { name: 'admin_resource_add', body: input });
  }

  deleteResource(id: string): Promise<MessageBody> {
    return this.client.request('DELETE', `/admin/resources/${seg(id)}`, { name: 'admin_resource_delete' });
  }

  actorEntitlementsOf(actorId: string): Collection<{ id: string; name: string; registered_on: string }> {
    return this.client.listOf('admin_actor_entitlements', `/admin/actors/${seg(actorId)}/entitlements`, {}, (raw: { id: string; name: string; registered_on: string }) => raw);
  }

  createEntitlement(name: string): Promise<{ id: string; name: string; registered_on: string }> {
    return this.client.request('POST', '/admin/entitlements', { name: 'admin_entitlement_add', body: { name } });
  }

  updateEntitlement(id: string, name: string): Promise<{ id: string; name: string; registered_on: string }> {
    return this.client.request('PATCH', `/admin/entitlements/${seg(id)}`, { name: 'admin_entitlement_update', body: { name } });
  }

  deleteEntitlement(id: string): Promise<MessageBody> {
    return this.client.request('DELETE', `/admin/entitlements/${seg(id)}`, { name: 'admin_entitlement_delete' });
  }

  assignEntitlement(entitlementId: string, actorId: string): Promise<MessageBody> {
    return this.client.request('POST', `/admin/entitlements/${seg(entitlementId)}/assign/${seg(actorId)}`, { name: 'admin_entitlement_assign' });
  }

  dissociateEntitlement(entitlementId: string, actorId: string): Promise<MessageBody> {
    return this.client.request('POST', `/admin/entitlements/${seg(entitlementId)}/dissociate/${seg(actorId)}`, { name: 'admin_entitlement_dissociate' });
  }

  createOidcTenant(input: Record<string, string>): Promise<Record<string, unknown>> {
    return this.client.request('POST', '/admin/oidc-tenants', { name: 'admin_oidc_tenant_add', body: input });
  }

  updateOidcTenant(id: string, patch: Record<string, string>): Promise<Record<string, unknown>> {
    return this.client.request('PATCH', `/admin/oidc-tenants/${seg(id)}`, { name: 'admin_oidc_tenant_update', body: patch });
  }

  deleteOidcTenant(id: string): Promise<MessageBody> {
    return this.client.request('DELETE', `/admin/oidc-tenants/${seg(id)}`, { name: 'admin_oidc_tenant_delete' });
  }

  setSetting(key: string, value: string): Promise<MessageBody> {
    return this.client.request('PUT', `/admin/settings/${seg(key)}`, { name: 'admin_setting_update', body: { value } });
  }

  counts(range: { startDate: string | Date; endDate: string | Date }): Promise<{ metric_definition_count: number; metric_count: number; actor_count: number }> {
    return this.client.request('GET', '/admin/metrics', { name: 'admin_counts', params: { startDate: day(range.startDate), endDate: day(range.endDate) } });
  }
}

/** The caller's own registration and permissions (§4.1). */
export class ClientsApi {
  readonly me: Collection<Record<string, unknown>>;

  constructor(
    private readonly client: AccountingClient,
    pageSize: number | undefined,
  ) {
    this.me = client.listOf('client_me', '/clients/me', {}, (raw: Record<string, unknown>) => raw, undefined, pageSize);
  }

  /** `POST /clients` has no body but, per the API, still needs the JSON content type. */
  register(): Promise<MessageBody> {
    return this.client.request('POST', '/clients', { name: 'client_register', headers: { 'Content-Type': 'application/json' } });
  }

  generalPermissions(): Promise<{ collection: string; access_permissions: { operation: string; access_type: string }[] }[]> {
    return this.client.request('GET', '/clients/general-permissions', { name: 'client_general_permissions' });
  }
}
