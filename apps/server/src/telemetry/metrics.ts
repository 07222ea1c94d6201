import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

export interface Metrics {
  /** Per app instance, so several servers in one process (tests) keep separate counts. */
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  /** Usage records stored, whichever way they arrived: `metricsIngested.inc(n)`. */
  metricsIngested: Counter<string>;
  /** APEL summary records: `apelRecords.inc({ result: 'accepted' }, n)`. */
  apelRecords: Counter<'result'>;
  /** Counts one finished HTTP exchange. */
  observeRequest(labels: { route: string; method: string; status: number | string }, seconds: number): void;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Raw methods are client-chosen; an unbounded label would let any client grow the registry. */
export const methodLabel = (method: string | undefined) => (method && METHODS.has(method) ? method : 'other');

interface PoolLike {
  totalCount?: number;
  idleCount?: number;
  waitingCount?: number;
}

export function createMetrics(opts: { dataSource?: DataSource; version: string; defaultMetrics?: boolean }): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route template, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request arrival to the last byte of the response.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const metricsIngested = new Counter({
    name: 'acc_metrics_ingested_total',
    help: 'Accounting metric records stored.',
    registers: [registry],
  });
  const apelRecords = new Counter({
    name: 'acc_apel_records_total',
    help: 'APEL records received, by outcome.',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // Zero-valued series exist from the start, so rate() and alerts see the series before the first record.
  apelRecords.inc({ result: 'accepted' }, 0);
  apelRecords.inc({ result: 'rejected' }, 0);

  new Gauge({
    name: 'acc_build_info',
    help: 'Always 1; the version is in the label.',
    labelNames: ['version'] as const,
    registers: [registry],
  }).set({ version: opts.version }, 1);

  const dataSource = opts.dataSource;
  if (dataSource) {
    new Gauge({
      name: 'acc_db_pool_clients',
      help: 'Database pool clients: total open, idle, and callers waiting for one (PGlite is a single session).',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        // TypeORM's PostgreSQL driver keeps its pool as `master` (typed `any`); PGlite's pool is pg-shaped too.
        const { driver } = dataSource;
        const pool = 'master' in driver ? (driver.master as PoolLike | undefined) : undefined;
        if (!pool) return;
        if (typeof pool.totalCount === 'number') {
          this.set({ state: 'total' }, pool.totalCount);
          this.set({ state: 'idle' }, pool.idleCount ?? 0);
        } else {
          this.set({ state: 'total' }, 1);
        }
        this.set({ state: 'waiting' }, pool.waitingCount ?? 0);
      },
    });
  }

  return {
    registry,
    httpRequests,
    httpDuration,
    metricsIngested,
    apelRecords,
    observeRequest({ route, method, status }, seconds) {
      const labels = { route, method: methodLabel(method), status: String(status) };
      httpRequests.inc(labels);
      httpDuration.observe(labels, seconds);
    },
  };
}

/** Request body bytes held in memory now (http/body-budget.ts), beside the limit they may reach. */
export function registerBodyBudgetGauges(registry: Registry, budget: { heldBytes: number; maxBytes: number }): void {
  new Gauge({
    name: 'acc_http_body_bytes_held',
    help: 'Request body bytes held in memory by requests in progress.',
    registers: [registry],
    collect() {
      this.set(budget.heldBytes);
    },
  });
  new Gauge({
    name: 'acc_http_body_bytes_limit',
    help: 'ACC_MAX_BODY_BYTES_IN_FLIGHT: past it, new request bodies are refused with 503.',
    registers: [registry],
  }).set(budget.maxBytes);
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The scrape endpoint; with a token configured, only `Authorization: Bearer <token>` may read it. */
export function metricsHandler(metrics: Metrics, token: string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ code: 405, message: 'Method not allowed' }));
    }
    if (token) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (!match || !sameSecret(match[1], token)) {
        res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer realm="metrics"' });
        return void res.end(JSON.stringify({ code: 401, message: 'A valid metrics token is required.' }));
      }
    }
    const text = await metrics.registry.metrics();
    res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
}
