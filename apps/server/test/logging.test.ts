import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase, type Database } from '@acc/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../src/auth/token-verifier.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { createHttpApp } from '../src/http/fastify-app.js';
import { appRouter } from '../src/router.js';
import { createServices } from '../src/services.js';
import { createTelemetry } from '../src/telemetry/index.js';
import { createLogger, type Logger } from '../src/telemetry/logger.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

type Line = Record<string, unknown> & { msg: string; level: string; reqId?: string };

/** A pino destination that keeps every line, raw and parsed. */
function capture() {
  const raw: string[] = [];
  return {
    raw,
    get lines(): Line[] {
      return raw.map((l) => JSON.parse(l) as Line);
    },
    stream: { write: (chunk: string) => void raw.push(...chunk.split('\n').filter(Boolean)) },
  };
}

/** A raw request, so headers fetch would refuse or rewrite (tabs, duplicates) can be sent. */
function rawGet(url: string, headers: http.OutgoingHttpHeaders) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res));
      })
      .on('error', reject);
  });
}

describe('request logging', () => {
  const log = capture();
  let s: TestServer;
  let token: string;

  beforeAll(async () => {
    const logger = await createLogger({ level: 'info', format: 'json', destination: log.stream });
    s = await startTestServer('pglite', {}, { logger });
    token = await s.issuer.token({ sub: 'viewer', entitlements: [ent('operations:resources:role=viewer')] });
  });
  afterAll(() => s.close());
  beforeEach(() => void log.raw.splice(0));

  it('writes one JSON line per request with the request id, method, route, status and duration', async () => {
    const r = await s.call('GET', '/accounting-system/unit-types/0123456789abcdef01234567', { token, headers: { 'X-Request-Id': 'trace-42/abc' } });
    expect(r.status).toBe(404);
    expect(r.headers.get('x-request-id')).toBe('trace-42/abc');
    const lines = log.lines.filter((l) => l.reqId === 'trace-42/abc');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request completed',
      service: 'acc',
      method: 'GET',
      route: '/accounting-system/unit-types/{id}',
      path: '/accounting-system/unit-types/0123456789abcdef01234567',
      status: 404,
      durationMs: expect.any(Number),
    });
    expect(typeof lines[0].time).toBe('string');
  });

  it('generates a request id when none is given, and replaces one that is too long or not printable', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const plain = await s.call('GET', '/health');
    expect(plain.headers.get('x-request-id')).toMatch(uuid);
    const tooLong = await s.call('GET', '/health', { headers: { 'X-Request-Id': 'x'.repeat(129) } });
    expect(tooLong.headers.get('x-request-id')).toMatch(uuid);
    const longest = await s.call('GET', '/health', { headers: { 'X-Request-Id': 'y'.repeat(128) } });
    expect(longest.headers.get('x-request-id')).toBe('y'.repeat(128));
    const tab = await rawGet(`${s.url}/health`, { 'X-Request-Id': 'a\tb' });
    expect(tab.headers['x-request-id']).toMatch(uuid);
    const latin1 = await rawGet(`${s.url}/health`, { 'X-Request-Id': Buffer.from('caf\u00e9', 'latin1').toString('latin1') });
    expect(latin1.headers['x-request-id']).toMatch(uuid);
  });

  it('keeps probes out of the info log', async () => {
    await s.call('GET', '/health');
    await s.call('GET', '/ready');
    expect(log.lines.filter((l) => l.msg === 'request completed')).toEqual([]);
  });

  it('never writes bearer tokens or Authorization headers', async () => {
    await s.call('GET', '/accounting-system/unit-types', { token });
    await s.call('GET', '/accounting-system/unit-types', { token: `${token}x` });
    await s.call('GET', '/trpc/unitTypes.list', { token });
    await s.call('POST', '/accounting-system/unit-types', { token, body: { unit_type: 'x', description: token } });
    expect(log.lines.length).toBeGreaterThanOrEqual(4);
    const all = log.raw.join('\n');
    expect(all).not.toContain(token.split('.')[1]);
    expect(all).not.toMatch(/bearer/i);
    expect(all).not.toMatch(/authorization/i);
  });
});

describe('error logging', () => {
  const log = capture();
  let database: Database;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    const logger = await createLogger({ level: 'info', format: 'json', destination: log.stream });
    const config = loadConfig({ ACC_OIDC_ISSUER: 'http://issuer.test' });
    const services = createServices(
      config,
      database.dataSource,
      new TokenVerifier(undefined),
      createTelemetry({ logger, version: config.version, defaultMetrics: false }),
    );
    const httpApp = createHttpApp(appRouter, services, {
      raw: {
        // Stands in for any handler whose failure drags request data into the error object.
        '/boom': (req) => {
          throw Object.assign(new Error('boom'), { headers: req.headers, tls: { key: '-----BEGIN PRIVATE KEY-----' } });
        },
      },
    });
    await httpApp.ready();
    server = httpApp.server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await database.close();
  });

  it('logs an unexpected failure with its request id and stack, redacting what it carries', async () => {
    const res = await fetch(`${url}/boom`, { headers: { Authorization: 'Bearer very-secret-token', 'X-Request-Id': 'req-boom' } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ code: 500, message: 'An unexpected error occurred.' });
    const lines = log.lines.filter((l) => l.reqId === 'req-boom');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'request failed'],
      ['error', 'request completed'],
    ]);
    const err = lines[0].err as { message: string; stack: string; headers: Record<string, string>; tls: { key: string } };
    expect(err.message).toBe('boom');
    expect(err.stack).toContain('Error: boom');
    expect(err.headers.authorization).toBe('[Redacted]');
    expect(err.tls.key).toBe('[Redacted]');
    expect(lines[1]).toMatchObject({ route: '/boom', status: 500 });
    expect(log.raw.join('\n')).not.toContain('very-secret-token');
    expect(log.raw.join('\n')).not.toContain('PRIVATE KEY');
  });
});

describe('logger', () => {
  it('redacts credentials wherever a caller puts them', async () => {
    const log = capture();
    const logger: Logger = await createLogger({ level: 'info', format: 'json', destination: log.stream });
    logger.info(
      {
        authorization: 'Bearer a1',
        headers: { authorization: 'Bearer a2', cookie: 'session=a3' },
        req: { headers: { authorization: 'Bearer a4' } },
        token: 'a5',
        caller: { token: 'a6', accessToken: 'a7' },
        config: { tls: { key: '/etc/acc/a8.key', cert: '/etc/acc/cert.pem' }, metrics: { token: 'a9' } },
        privateKey: 'a10',
      },
      'secrets',
    );
    const text = log.raw.join('\n');
    for (let i = 1; i <= 10; i++) expect(text).not.toMatch(new RegExp(`\\ba${i}\\b`));
    expect(text).toContain('/etc/acc/cert.pem');
  });

  it('honours the level, and writes nothing when silent', async () => {
    const log = capture();
    const warn = await createLogger({ level: 'warn', format: 'json', destination: log.stream });
    warn.info('hidden');
    warn.warn('shown');
    const silent = await createLogger({ level: 'silent', format: 'json', destination: log.stream });
    silent.fatal('hidden');
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([['warn', 'shown']]);
  });

  it('reads ACC_LOG_LEVEL and ACC_LOG_FORMAT, pretty by default only in dev mode', () => {
    const base = { ACC_OIDC_ISSUER: 'http://issuer.test' };
    expect(loadConfig(base).log).toEqual({ level: 'info', format: 'json' });
    expect(loadConfig({}, { dev: true }).log).toEqual({ level: 'info', format: 'pretty' });
    expect(loadConfig({ ACC_LOG_FORMAT: 'json' }, { dev: true }).log.format).toBe('json');
    expect(loadConfig({ ...base, ACC_LOG_LEVEL: 'debug' }).log.level).toBe('debug');
    expect(() => loadConfig({ ...base, ACC_LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });
});
