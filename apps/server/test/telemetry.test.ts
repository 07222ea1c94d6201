import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { parseMetrics, valueOf } from './support/metrics.js';
import { startTestServer, type TestServer } from './support/server.js';

const scrape = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
};

describe.each(backends)('metrics on %s', (backend) => {
  let s: TestServer;
  let viewer: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    viewer = await s.issuer.token({ sub: 'viewer', entitlements: [ent('operations:resources:role=viewer')] });
  });
  afterAll(() => s.close());

  it('counts requests by route template, method and status, never by raw URL', async () => {
    expect((await s.call('GET', '/health')).status).toBe(200);
    expect((await s.call('GET', '/accounting-system/unit-types', { token: viewer })).status).toBe(200);
    for (const id of ['aaaaaaaaaaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbbbbbb']) {
      expect((await s.call('GET', `/accounting-system/unit-types/${id}`, { token: viewer })).status).toBe(404);
    }
    expect((await s.call('GET', `/trpc/unitTypes.list?input=${encodeURIComponent('{}')}`, { token: viewer })).status).toBe(200);
    expect((await s.call('GET', '/trpc/noSuch.procedure', { token: viewer })).status).toBe(404);
    // A file the dashboard does not have (extensionless paths are its SPA fallback's).
    expect((await s.call('GET', '/no/such/thing-123.js')).status).toBe(404);
    expect((await s.call('GET', '/accounting-system/no-such-resource/xyz', { token: viewer })).status).toBe(404);
    // A method nobody routes must not become a label value of its own.
    await s.call('PROPFIND', '/health');

    const { status, contentType, text } = await scrape(`${s.url}/metrics`);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseMetrics(text);
    const requests = (route: string, method: string, code: string) => valueOf(m, 'http_requests_total', { route, method, status: code });
    expect(requests('/health', 'GET', '200')).toBe(1);
    expect(requests('/health', 'other', '200')).toBe(1);
    expect(requests('/accounting-system/unit-types', 'GET', '200')).toBe(1);
    expect(requests('/accounting-system/unit-types/{id}', 'GET', '404')).toBe(2);
    expect(requests('/trpc/unitTypes.list', 'GET', '200')).toBe(1);
    expect(requests('unmatched', 'GET', '404')).toBe(3);
    expect(valueOf(m, 'http_request_duration_seconds_count', { route: '/accounting-system/unit-types/{id}', method: 'GET', status: '404' })).toBe(2);
    expect(valueOf(m, 'http_request_duration_seconds_bucket', { route: '/health', method: 'GET', status: '200', le: '+Inf' })).toBe(1);
    expect(text).not.toContain('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(text).not.toContain('thing-123');
    expect(text).not.toContain('PROPFIND');
  });

  it('exposes the ingestion and APEL counters that other modules increment', async () => {
    const before = parseMetrics((await scrape(`${s.url}/metrics`)).text);
    expect(valueOf(before, 'acc_apel_records_total', { result: 'accepted' })).toBe(0);
    expect(valueOf(before, 'acc_apel_records_total', { result: 'rejected' })).toBe(0);
    const ingested = valueOf(before, 'acc_metrics_ingested_total') ?? 0;

    const { telemetry } = s.app.services;
    telemetry.metricsIngested.inc(3);
    telemetry.metricsIngested.inc();
    telemetry.apelRecords.inc({ result: 'accepted' }, 5);
    telemetry.apelRecords.inc({ result: 'rejected' });

    const after = parseMetrics((await scrape(`${s.url}/metrics`)).text);
    expect(valueOf(after, 'acc_metrics_ingested_total')).toBe(ingested + 4);
    expect(valueOf(after, 'acc_apel_records_total', { result: 'accepted' })).toBe(5);
    expect(valueOf(after, 'acc_apel_records_total', { result: 'rejected' })).toBe(1);
    expect(valueOf(after, 'acc_build_info', { version: s.app.services.config.version })).toBe(1);
    expect(valueOf(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('reports the database pool', async () => {
    const m = parseMetrics((await scrape(`${s.url}/metrics`)).text);
    const total = valueOf(m, 'acc_db_pool_clients', { state: 'total' });
    expect(valueOf(m, 'acc_db_pool_clients', { state: 'waiting' })).toBe(0);
    if (backend === 'pglite') {
      expect(total).toBe(1);
    } else {
      // The pool opened at least one connection for the requests above, and none is in use between them.
      expect(total).toBeGreaterThanOrEqual(1);
      expect(valueOf(m, 'acc_db_pool_clients', { state: 'idle' })).toBe(total);
    }
  });
});

describe('metrics isolation and guards', () => {
  let plain: TestServer;
  let guarded: TestServer;
  let separate: TestServer;

  beforeAll(async () => {
    [plain, guarded, separate] = await Promise.all([
      startTestServer('pglite'),
      startTestServer('pglite', { ACC_METRICS_TOKEN: 'scrape-secret' }),
      startTestServer('pglite', { ACC_METRICS_PORT: '0', ACC_METRICS_HOST: '127.0.0.1', ACC_METRICS_TOKEN: 'scrape-secret' }),
    ]);
  });
  afterAll(() => Promise.all([plain, guarded, separate].map((s) => s?.close())));

  const auth = { Authorization: 'Bearer scrape-secret' };

  it('keeps one registry per server', async () => {
    await plain.call('GET', '/health');
    await plain.call('GET', '/health');
    plain.app.services.telemetry.metricsIngested.inc(7);
    const ma = parseMetrics((await scrape(`${plain.url}/metrics`)).text);
    const mb = parseMetrics((await scrape(`${guarded.url}/metrics`, auth)).text);
    expect(valueOf(ma, 'http_requests_total', { route: '/health', method: 'GET', status: '200' })).toBe(2);
    expect(valueOf(mb, 'http_requests_total', { route: '/health', method: 'GET', status: '200' })).toBeUndefined();
    expect(valueOf(ma, 'acc_metrics_ingested_total')).toBe(7);
    expect(valueOf(mb, 'acc_metrics_ingested_total')).toBe(0);
  });

  it('requires ACC_METRICS_TOKEN as a bearer token when it is set', async () => {
    const s = guarded;
    const none = await scrape(`${s.url}/metrics`);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text)).toEqual({ code: 401, message: 'A valid metrics token is required.' });
    expect((await scrape(`${s.url}/metrics`, { Authorization: 'Bearer wrong-secret' })).status).toBe(401);
    expect((await scrape(`${s.url}/metrics`, { Authorization: 'Basic scrape-secret' })).status).toBe(401);
    const ok = await scrape(`${s.url}/metrics`, auth);
    expect(ok.status).toBe(200);
    expect(valueOf(parseMetrics(ok.text), 'http_requests_total', { route: '/metrics', method: 'GET', status: '401' })).toBe(3);
  });

  it('moves /metrics to its own listener when ACC_METRICS_PORT is set, still asking for the token', async () => {
    const s = separate;
    expect(s.app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(s.app.metricsUrl!).port).not.toBe(new URL(s.url).port);
    expect((await s.call('GET', '/metrics', { headers: auth })).status).toBe(404);
    expect((await scrape(s.app.metricsUrl!)).status).toBe(401);
    const res = await scrape(s.app.metricsUrl!, auth);
    expect(res.status).toBe(200);
    // It reports the public listener's traffic, where /metrics was just another unknown path.
    expect(valueOf(parseMetrics(res.text), 'http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
    expect((await scrape(s.app.metricsUrl!.replace(/\/metrics$/, '/health'))).status).toBe(404);
  });
});
