import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An in-memory stand-in for the ARGO REST API, speaking the spec's paths, shapes, pagination and error
 * envelopes. Client and CLI tests use it for endpoints the real server does not serve yet, and for
 * scenarios that need full control (bulk idempotency replays, a server that ignores `size`).
 */

export interface FakeDefinition {
  metric_definition_id: string;
  metric_name: string;
  metric_description: string | null;
  unit_type: string;
  metric_type: string;
  creator_id: string;
}
export interface FakeProject {
  id: string;
  acronym: string;
  title: string;
  start_date: string;
  end_date: string;
  call_identifier: string;
}
export interface FakeProvider {
  id: string;
  name: string;
  website: string | null;
  abbreviation: string | null;
  logo: string | null;
  external_id: string | null;
  creator_id: string;
}
export interface FakeInstallation {
  id: string;
  project: string;
  organisation: string;
  infrastructure: string | null;
  installation: string;
  resource?: string;
  external_id: string | null;
}
export interface FakeMetric {
  id: string;
  installation_id: string;
  metric_definition_id: string;
  time_period_start: string;
  time_period_end: string;
  value: number;
  group_id?: string;
  user_id?: string;
}
export interface FakeCapacity {
  id: string;
  installation_id: string;
  metric_definition_id: string;
  value: number;
  registered_on: string;
}

export interface FakeState {
  projects: FakeProject[];
  providers: FakeProvider[];
  /** (project, provider) associations. */
  associations: [string, string][];
  installations: FakeInstallation[];
  definitions: FakeDefinition[];
  metrics: FakeMetric[];
  capacities: FakeCapacity[];
  version: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeArgo {
  url: string;
  token: string;
  state: FakeState;
  requests: FakeRequest[];
  /** Pushes that created rows (replays excluded), per installation. */
  bulkCalls: { key: string | undefined; count: number; replayed: boolean }[];
  /** Makes the n-th bulk request (1-based, counting all bulk requests) fail with 503 once. */
  failBulkAt?: number;
  close(): Promise<void>;
}

export interface FakeOptions {
  token?: string;
  /** Serve every list with this page size, whatever `size` says (a server that ignores it). */
  forcedPageSize?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: string[],
  ) {
    super(message);
  }
}

let counter = 0;
export const objectId = () => createHash('sha1').update(`fake-${++counter}-${Math.random()}`).digest('hex').slice(0, 24);

export function emptyState(): FakeState {
  return { projects: [], providers: [], associations: [], installations: [], definitions: [], metrics: [], capacities: [], version: '1.8.1' };
}

const ZULU = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function startFakeArgo(seed: Partial<FakeState> = {}, options: FakeOptions = {}): Promise<FakeArgo> {
  const state: FakeState = { ...emptyState(), ...seed };
  const token = options.token ?? 'fake-token';
  const requests: FakeRequest[] = [];
  const idempotency = new Map<string, { body: string; status: number; response: unknown }>();
  const fake: FakeArgo = { url: '', token, state, requests, bulkCalls: [], close: async () => {} };
  let bulkRequests = 0;

  const page = <T>(q: URLSearchParams, items: T[]) => {
    const pageText = q.get('page') ?? '1';
    const sizeText = q.get('size') ?? '10';
    if (!/^\d+$/.test(pageText) || Number(pageText) < 1) throw new HttpError(400, 'Page number must be >= 1.');
    if (!/^\d+$/.test(sizeText) || Number(sizeText) < 1 || Number(sizeText) > 100) throw new HttpError(400, 'Page size must be between 1 and 100.');
    const n = Number(pageText);
    const size = options.forcedPageSize ?? Number(sizeText);
    const content = items.slice((n - 1) * size, n * size);
    const totalPages = Math.max(1, Math.ceil(items.length / size));
    return { size_of_page: content.length, number_of_page: n, total_elements: items.length, total_pages: totalPages, content, links: [] };
  };

  const find = <T extends { id: string }>(list: T[], id: string, label: string) => {
    const hit = list.find((x) => x.id === id);
    if (!hit) throw new HttpError(404, `There is no ${label} with the following id: ${id}`);
    return hit;
  };
  const definition = (id: string) => {
    const d = state.definitions.find((x) => x.metric_definition_id === id);
    if (!d) throw new HttpError(404, `There is no Metric Definition with the following id: ${id}`);
    return d;
  };
  const projectView = (p: FakeProject) => ({
    ...p,
    providers: state.associations
      .filter(([pid]) => pid === p.id)
      .map(([, prov]) => {
        const v = state.providers.find((x) => x.id === prov)!;
        return {
          id: v.id,
          name: v.name,
          external_id: v.external_id,
          website: v.website,
          abbreviation: v.abbreviation,
          logo: v.logo,
          installations: state.installations
            .filter((i) => i.project === p.id && i.organisation === prov)
            .map((i) => ({ id: i.id, infrastructure: i.infrastructure, installation: i.installation, external_id: i.external_id })),
        };
      }),
  });
  const installationView = (i: FakeInstallation) => ({ ...i, capacities: state.capacities.filter((c) => c.installation_id === i.id) });
  const metricView = (m: FakeMetric) => {
    const i = state.installations.find((x) => x.id === m.installation_id)!;
    return {
      id: m.id,
      time_period_start: m.time_period_start,
      time_period_end: m.time_period_end,
      value: m.value,
      project: state.projects.find((p) => p.id === i.project)?.acronym ?? i.project,
      provider: i.organisation,
      installation_id: i.id,
      project_id: i.project,
      ...(m.group_id && { group_id: m.group_id }),
      ...(m.user_id && { user_id: m.user_id }),
      metric_definition: definition(m.metric_definition_id),
    };
  };
  const pushView = (m: FakeMetric) => ({
    metric_id: m.id,
    metric_definition_id: m.metric_definition_id,
    time_period_start: m.time_period_start,
    time_period_end: m.time_period_end,
    value: m.value,
    ...(m.group_id && { group_id: m.group_id }),
    ...(m.user_id && { user_id: m.user_id }),
  });

  const filterMetrics = (q: URLSearchParams, list: FakeMetric[]) => {
    const def = q.get('metric-definition-id');
    if (def) definition(def);
    const start = q.get('start');
    const end = q.get('end');
    for (const d of [start, end]) if (d && !DAY.test(d)) throw new HttpError(400, 'The date format must be as follows YYYY-MM-DD');
    if (start && end && start >= end) throw new HttpError(400, 'start cannot be after end.');
    return list.filter(
      (m) =>
        (!def || m.metric_definition_id === def) &&
        (!start || m.time_period_start >= `${start}T00:00:00Z`) &&
        (!end || m.time_period_end <= `${end}T23:59:59.999Z`),
    );
  };

  const validateMetric = (raw: unknown): Omit<FakeMetric, 'id' | 'installation_id'> => {
    const m = (raw ?? {}) as Record<string, unknown>;
    if (!m.metric_definition_id) throw new HttpError(400, 'metric_definition_id may not be empty.');
    definition(String(m.metric_definition_id));
    for (const f of ['time_period_start', 'time_period_end'] as const) if (!m[f]) throw new HttpError(400, `${f} may not be empty.`);
    for (const f of ['time_period_start', 'time_period_end'] as const)
      if (!ZULU.test(String(m[f]))) throw new HttpError(400, `${f} must be a valid zulu timestamp. found: ${String(m[f])}`);
    if (String(m.time_period_start) === String(m.time_period_end))
      throw new HttpError(400, 'Timestamp of the starting date time cannot be equal to Timestamp of the end date time.');
    if (typeof m.value !== 'number' && m.value !== undefined) throw new HttpError(400, 'value must be a number.');
    return {
      metric_definition_id: String(m.metric_definition_id),
      time_period_start: String(m.time_period_start),
      time_period_end: String(m.time_period_end),
      value: (m.value as number | undefined) ?? 0,
      ...(m.group_id ? { group_id: String(m.group_id) } : {}),
      ...(m.user_id ? { user_id: String(m.user_id) } : {}),
    };
  };

  const installationReport = (i: FakeInstallation, start: string, end: string) => {
    const S = `${start}T00:00:00Z`;
    const E = `${end}T00:00:00Z`;
    const defs = [...new Set(state.metrics.filter((m) => m.installation_id === i.id).map((m) => m.metric_definition_id))];
    return {
      installation_id: i.id,
      project: i.project,
      provider: i.organisation,
      installation: i.installation,
      infrastructure: i.infrastructure,
      resource: i.resource ?? '',
      external_id: i.external_id,
      data: defs.map((id) => {
        const d = definition(id);
        const total = state.metrics
          .filter((m) => m.installation_id === i.id && m.metric_definition_id === id && m.time_period_start >= S && m.time_period_end <= E)
          .reduce((s, m) => s + m.value, 0);
        const cap = state.capacities.filter((c) => c.installation_id === i.id && c.metric_definition_id === id).at(-1);
        return {
          metric_definition_id: id,
          metric_name: d.metric_name,
          metric_description: d.metric_description,
          unit_type: d.unit_type,
          metric_type: d.metric_type,
          periods: [
            {
              from: S,
              to: E,
              total_value: total,
              ...(cap && { capacity_value: cap.value, usage_percentage: Math.round((total / cap.value) * 10000) / 100 }),
            },
          ],
        };
      }),
    };
  };
  const aggregate = (reports: ReturnType<typeof installationReport>[]) => {
    const sums = new Map<string, number>();
    for (const r of reports) for (const d of r.data) sums.set(d.metric_definition_id, (sums.get(d.metric_definition_id) ?? 0) + d.periods.reduce((s, p) => s + p.total_value, 0));
    return [...sums].map(([id, total]) => {
      const { creator_id: _c, ...d } = definition(id);
      return { ...d, total_value: total };
    });
  };
  const providerReport = (projectId: string, providerId: string, start: string, end: string) => {
    const v = find(state.providers, providerId, 'Provider');
    const data = state.installations.filter((i) => i.project === projectId && i.organisation === providerId).map((i) => installationReport(i, start, end));
    return { provider_id: v.id, name: v.name, website: v.website, abbreviation: v.abbreviation, logo: v.logo, external_id: v.external_id, aggregated_metrics: aggregate(data), data };
  };
  const reportRange = (q: URLSearchParams) => {
    const start = q.get('start');
    const end = q.get('end');
    if (!start) throw new HttpError(400, 'start may not be empty.');
    if (!end) throw new HttpError(400, 'end may not be empty.');
    if (!DAY.test(start) || !DAY.test(end)) throw new HttpError(400, 'Valid date format is yyyy-MM-dd.');
    if (start > end) throw new HttpError(400, 'Start date must be before or equal to end date.');
    return [start, end] as const;
  };

  const searchFields: Record<string, [() => Record<string, unknown>[], string[]]> = {
    'metric-definitions': [() => state.definitions as unknown as Record<string, unknown>[], ['metric_name', 'metric_description', 'unit_type', 'metric_type', 'creatorId']],
    providers: [() => state.providers as unknown as Record<string, unknown>[], ['_id', 'name', 'website', 'abbreviation', 'logo']],
    projects: [() => state.projects.map(projectView), ['_id', 'acronym', 'title', 'start_date', 'end_date', 'call_identifier']],
    installations: [() => state.installations.map(installationView), ['_id', 'project', 'organisation', 'infrastructure', 'installation', 'resource', 'unit_of_access', 'external_id']],
    metrics: [() => state.metrics.map(metricView), ['time_period_start', 'time_period_end', 'value', 'metric_definition_id', 'project', 'provider', 'installation', 'installation_id', 'user_id', 'group_id']],
  };
  const matches = (item: Record<string, unknown>, c: Record<string, unknown>, fields: string[]): boolean => {
    const type = String(c.type ?? '').toLowerCase();
    if (type === 'filter') {
      const criteria = c.criteria as Record<string, unknown>[] | undefined;
      if (!criteria?.length) throw new HttpError(400, 'Invalid search query: a filter needs at least one criterion.');
      const results = criteria.map((x) => matches(item, x, fields));
      return String(c.operator).toUpperCase() === 'OR' ? results.some(Boolean) : results.every(Boolean);
    }
    if (type !== 'query') throw new HttpError(400, `Invalid search query: unknown type '${String(c.type)}'. Allowed types: query, filter.`);
    const field = String(c.field);
    if (!fields.includes(field)) throw new HttpError(400, `Invalid search query: unknown field '${field}'. Allowed fields: ${fields.join(', ')}.`);
    const key = field === '_id' ? 'id' : field;
    const v = item[key] ?? (item.metric_definition as Record<string, unknown> | undefined)?.[key];
    return String(v).toLowerCase() === String(c.values).toLowerCase();
  };

  type Handler = (m: RegExpMatchArray, q: URLSearchParams, body: unknown, req: FakeRequest) => [number, unknown];
  const routes: [string, RegExp, Handler][] = [
    ['GET', /^\/admin\/version$/, () => [200, { version: state.version }]],
    ['GET', /^\/projects$/, (_m, q) => [200, page(q, state.projects.map(projectView))]],
    ['GET', /^\/projects\/([^/]+)$/, (m) => [200, projectView(find(state.projects, m[1], 'Project'))]],
    ['GET', /^\/providers$/, (_m, q) => [200, page(q, state.providers)]],
    ['GET', /^\/providers\/([^/]+)\/report$/, (m, q) => {
      const [s, e] = reportRange(q);
      find(state.providers, m[1], 'Provider');
      const projects = [...new Set(state.installations.filter((i) => i.organisation === m[1]).map((i) => i.project))];
      const reports = projects.map((p) => providerReport(p, m[1], s, e));
      return [200, { reports, aggregated_metrics: aggregate(reports.flatMap((r) => r.data)) }];
    }],
    ['GET', /^\/providers\/([^/]+)$/, (m) => [200, find(state.providers, m[1], 'Provider')]],
    ['GET', /^\/installations\/all$/, (_m, q) => [200, page(q, state.installations.map(installationView))]],
    ['GET', /^\/installations\/([^/]+)$/, (m) => [200, installationView(find(state.installations, m[1], 'Installation'))]],
    ['GET', /^\/projects\/([^/]+)\/installations$/, (m, q) => {
      find(state.projects, m[1], 'Project');
      return [200, page(q, state.installations.filter((i) => i.project === m[1]))];
    }],
    ['GET', /^\/projects\/([^/]+)\/providers\/([^/]+)\/installations$/, (m, q) => {
      find(state.projects, m[1], 'Project');
      find(state.providers, m[2], 'Provider');
      return [200, page(q, state.installations.filter((i) => i.project === m[1] && i.organisation === m[2]))];
    }],
    ['GET', /^\/installations\/([^/]+)\/metrics$/, (m, q) => {
      find(state.installations, m[1], 'Installation');
      return [200, page(q, filterMetrics(q, state.metrics.filter((x) => x.installation_id === m[1])).map(metricView))];
    }],
    ['GET', /^\/installations\/([^/]+)\/metrics\/([^/]+)$/, (m) => {
      find(state.installations, m[1], 'Installation');
      const hit = state.metrics.find((x) => x.id === m[2] && x.installation_id === m[1]);
      if (!hit) throw new HttpError(404, `There is no Metric with the following id: ${m[2]}`);
      return [200, pushView(hit)];
    }],
    ['POST', /^\/installations\/([^/]+)\/metrics$/, (m, _q, body) => {
      find(state.installations, m[1], 'Installation');
      const metric: FakeMetric = { id: objectId(), installation_id: m[1], ...validateMetric(body) };
      state.metrics.push(metric);
      return [201, pushView(metric)];
    }],
    ['POST', /^\/installations\/([^/]+)\/metrics\/bulk$/, (m, _q, body, req) => {
      find(state.installations, m[1], 'Installation');
      if (!Array.isArray(body)) throw new HttpError(400, 'The request body must be a JSON array of metrics.');
      if (body.length === 0) throw new HttpError(400, 'The request body is empty.');
      const errors: string[] = [];
      let firstStatus = 0;
      const valid = body.map((x, i) => {
        try {
          return validateMetric(x);
        } catch (err) {
          const e = err as HttpError;
          errors.push(`[${i}] ${e.message}`);
          firstStatus ||= e.status;
          return undefined;
        }
      });
      if (errors.length) throw new HttpError(firstStatus, errors[0], errors);
      const created = valid.map((v) => ({ id: objectId(), installation_id: m[1], ...v! }));
      state.metrics.push(...created);
      fake.bulkCalls.push({ key: req.headers['idempotency-key'] as string | undefined, count: created.length, replayed: false });
      return [201, { code: 201, message: `${created.length} metrics have been registered.`, ids: created.map((c) => c.id) }];
    }],
    ['GET', /^\/projects\/([^/]+)\/metrics$/, (m, q) => {
      find(state.projects, m[1], 'Project');
      const ids = new Set(state.installations.filter((i) => i.project === m[1]).map((i) => i.id));
      return [200, page(q, filterMetrics(q, state.metrics.filter((x) => ids.has(x.installation_id))).map(metricView))];
    }],
    ['GET', /^\/projects\/([^/]+)\/providers\/([^/]+)\/metrics$/, (m, q) => {
      find(state.projects, m[1], 'Project');
      find(state.providers, m[2], 'Provider');
      const ids = new Set(state.installations.filter((i) => i.project === m[1] && i.organisation === m[2]).map((i) => i.id));
      return [200, page(q, filterMetrics(q, state.metrics.filter((x) => ids.has(x.installation_id))).map(metricView))];
    }],
    ['GET', /^\/metric-definitions$/, (_m, q) => [200, page(q, state.definitions)]],
    ['GET', /^\/metric-definitions\/([^/]+)$/, (m) => [200, definition(m[1])]],
    ['POST', /^\/metric-definitions$/, (_m, _q, body) => {
      const b = (body ?? {}) as Record<string, string>;
      for (const f of ['metric_name', 'unit_type', 'metric_type']) if (!b[f]) throw new HttpError(400, `${f} may not be empty.`);
      const dup = state.definitions.find((d) => d.metric_name.toLowerCase() === b.metric_name.toLowerCase() && d.unit_type.toLowerCase() === b.unit_type.toLowerCase());
      if (dup) throw new HttpError(409, `There is a Metric Definition with unit type ${b.unit_type} and name ${b.metric_name}. Its id is ${dup.metric_definition_id}`);
      const d: FakeDefinition = {
        metric_definition_id: objectId(),
        metric_name: b.metric_name,
        metric_description: b.metric_description ?? null,
        unit_type: b.unit_type,
        metric_type: b.metric_type,
        creator_id: 'tester',
      };
      state.definitions.push(d);
      return [201, d];
    }],
    ['GET', /^\/installations\/([^/]+)\/capacities$/, (m, q) => {
      find(state.installations, m[1], 'Installation');
      return [200, page(q, state.capacities.filter((c) => c.installation_id === m[1]))];
    }],
    ['POST', /^\/installations\/([^/]+)\/capacities$/, (m, _q, body) => {
      find(state.installations, m[1], 'Installation');
      const b = (body ?? {}) as Record<string, unknown>;
      if (b.value === undefined || b.value === null || b.value === '') throw new HttpError(400, 'value may not be empty.');
      if (!b.metric_definition_id) throw new HttpError(400, 'metric_definition_id may not be empty.');
      definition(String(b.metric_definition_id));
      const on = b.registered_on ? String(b.registered_on) : new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      if (!DAY.test(on) && !ZULU.test(on)) throw new HttpError(400, 'Valid date format is yyyy-MM-dd.');
      state.capacities.push({ id: objectId(), installation_id: m[1], metric_definition_id: String(b.metric_definition_id), value: Number(b.value), registered_on: DAY.test(on) ? `${on}T00:00:00Z` : on });
      return [200, { code: 200, message: 'Capacity has been successfully registered.' }];
    }],
    ['GET', /^\/installations\/([^/]+)\/report$/, (m, q) => {
      const i = find(state.installations, m[1], 'Installation');
      const [s, e] = reportRange(q);
      return [200, installationReport(i, s, e)];
    }],
    ['GET', /^\/projects\/([^/]+)\/providers\/([^/]+)\/report$/, (m, q) => {
      find(state.projects, m[1], 'Project');
      const [s, e] = reportRange(q);
      return [200, providerReport(m[1], m[2], s, e)];
    }],
    ['GET', /^\/projects\/([^/]+)\/report$/, (m, q) => {
      const p = find(state.projects, m[1], 'Project');
      const [s, e] = reportRange(q);
      const data = state.associations.filter(([pid]) => pid === p.id).map(([, prov]) => providerReport(p.id, prov, s, e));
      return [200, { ...p, aggregated_metrics: aggregate(data.flatMap((d) => d.data)), data }];
    }],
    ['POST', /^\/(metric-definitions|providers|projects|installations|metrics)\/search$/, (m, q, body) => {
      if (body === undefined || body === null) throw new HttpError(400, 'The request body is empty.');
      if (typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'Invalid search query: malformed JSON.');
      const [items, fields] = searchFields[m[1]];
      return [200, page(q, items().filter((x) => matches(x, body as Record<string, unknown>, fields)))];
    }],
  ];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const path = url.pathname.replace(/^\/accounting-system/, '');
      const entry: FakeRequest = { method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(entry);
      const send = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(text);
      };
      try {
        if (!url.pathname.startsWith('/accounting-system/')) throw new HttpError(404, 'Not found');
        if (req.headers.authorization !== `Bearer ${token}`) {
          throw new HttpError(401, req.headers.authorization ? 'The access token is invalid.' : 'Missing bearer token.');
        }
        const route = routes.find(([method, re]) => method === entry.method && re.test(path));
        if (!route) throw new HttpError(404, 'Not found');
        let body: unknown;
        if (entry.method === 'POST') {
          if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpError(415, 'Cannot consume content type.');
          try {
            body = entry.body === '' ? undefined : JSON.parse(entry.body);
          } catch {
            throw new HttpError(400, 'The request body is not valid JSON.');
          }
        }
        if (/\/bulk$/.test(path)) {
          bulkRequests++;
          if (fake.failBulkAt === bulkRequests) throw new HttpError(503, 'Service temporarily unavailable.');
        }
        // §7.2: a successful answer is stored under (method + path, key) and replayed for the same body.
        const key = req.headers['idempotency-key'] as string | undefined;
        const scope = key && `${entry.method} ${path} ${key}`;
        const canonical = JSON.stringify(body ?? null);
        if (scope && idempotency.has(scope)) {
          const stored = idempotency.get(scope)!;
          if (stored.body !== canonical) throw new HttpError(409, 'Idempotency-Key reused with a different request.');
          if (/\/bulk$/.test(path)) fake.bulkCalls.push({ key, count: 0, replayed: true });
          return send(stored.status, stored.response);
        }
        const [status, out] = route[2](path.match(route[1])!, url.searchParams, body, entry);
        if (scope && status < 300) idempotency.set(scope, { body: canonical, status, response: out });
        send(status, out);
      } catch (err) {
        if (err instanceof HttpError) return send(err.status, { code: err.status, message: err.message, ...(err.errors && { errors: err.errors }) });
        send(500, { code: 500, message: String(err) });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return fake;
}

/** A small but complete hierarchy: 2 projects, 2 providers, 3 installations, 2 definitions, some metrics. */
export function sampleState(): FakeState {
  const s = emptyState();
  s.projects = [
    { id: '777536', acronym: 'EOSC-Beyond', title: 'EOSC Beyond', start_date: '2024-01-01', end_date: '2026-12-31', call_identifier: 'HORIZON-INFRA-2023' },
    { id: '101017567', acronym: 'EGI-ACE', title: 'EGI-ACE, a project, "quoted"', start_date: '2021-01-01', end_date: '2023-06-30', call_identifier: 'H2020-INFRAEOSC-2020-2' },
  ];
  s.providers = [
    { id: 'grnet', name: 'GRNET', website: 'https://grnet.gr', abbreviation: 'GRNET', logo: null, external_id: 'ext-grnet', creator_id: '' },
    { id: 'cyfronet', name: 'Cyfronet', website: 'https://cyfronet.pl', abbreviation: 'CYF', logo: null, external_id: 'ext-cyf', creator_id: '' },
  ];
  s.associations = [
    ['777536', 'grnet'],
    ['777536', 'cyfronet'],
    ['101017567', 'grnet'],
  ];
  s.installations = [
    { id: 'aaaaaaaaaaaaaaaaaaaaaaa1', project: '777536', organisation: 'grnet', infrastructure: 'okeanos-knossos', installation: 'GRNET-KNS-1', external_id: 'ext-1' },
    { id: 'aaaaaaaaaaaaaaaaaaaaaaa2', project: '777536', organisation: 'cyfronet', infrastructure: 'cloud', installation: 'CYF-CLOUD', external_id: 'ext-2' },
    { id: 'aaaaaaaaaaaaaaaaaaaaaaa3', project: '101017567', organisation: 'grnet', infrastructure: 'hpc', installation: 'ARIS', external_id: 'ext-3' },
  ];
  s.definitions = [
    { metric_definition_id: 'dddddddddddddddddddddd01', metric_name: 'cpu_hours', metric_description: 'CPU hours', unit_type: 'CPU Time', metric_type: 'aggregated', creator_id: 'tester' },
    { metric_definition_id: 'dddddddddddddddddddddd02', metric_name: 'storage', metric_description: 'Storage used', unit_type: 'TB', metric_type: 'summarised', creator_id: 'tester' },
  ];
  s.metrics = [
    { id: 'mmmmmmmmmmmmmmmmmmmmmm01', installation_id: 'aaaaaaaaaaaaaaaaaaaaaaa1', metric_definition_id: 'dddddddddddddddddddddd01', time_period_start: '2024-01-01T00:00:00Z', time_period_end: '2024-01-31T00:00:00Z', value: 500 },
    { id: 'mmmmmmmmmmmmmmmmmmmmmm02', installation_id: 'aaaaaaaaaaaaaaaaaaaaaaa1', metric_definition_id: 'dddddddddddddddddddddd01', time_period_start: '2024-02-01T00:00:00Z', time_period_end: '2024-02-28T00:00:00Z', value: 250, group_id: 'g1' },
    { id: 'mmmmmmmmmmmmmmmmmmmmmm03', installation_id: 'aaaaaaaaaaaaaaaaaaaaaaa1', metric_definition_id: 'dddddddddddddddddddddd02', time_period_start: '2024-03-01T00:00:00Z', time_period_end: '2024-03-31T00:00:00Z', value: 12.5, user_id: 'u1' },
    { id: 'mmmmmmmmmmmmmmmmmmmmmm04', installation_id: 'aaaaaaaaaaaaaaaaaaaaaaa2', metric_definition_id: 'dddddddddddddddddddddd01', time_period_start: '2024-01-05T00:00:00Z', time_period_end: '2024-01-06T00:00:00Z', value: 7 },
  ];
  s.capacities = [
    { id: 'cccccccccccccccccccccc01', installation_id: 'aaaaaaaaaaaaaaaaaaaaaaa1', metric_definition_id: 'dddddddddddddddddddddd01', value: 1000, registered_on: '2023-01-01T00:00:00Z' },
  ];
  return s;
}
