import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ent } from '../../../apps/server/test/support/issuer.js';
import { startTestServer, type TestServer } from '../../../apps/server/test/support/server.js';
import {
  AccConnectionError,
  AccError,
  AccountingClient,
  AccountingService,
  AccServiceError,
  AccTimeoutError,
  debugEnabledByEnv,
  normaliseEndpoint,
  retryAfterMs,
} from '../src/index.js';
import { json, refusedPort, startScriptedServer, type Reply, type ScriptedServer } from './support/http.js';

const caught = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
};

describe('against the real server', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer('pglite');
    token = await server.issuer.token({ entitlements: [ent('role=admin')] });
  });
  afterAll(() => server?.close());

  it('formats a 404 with the contract name and the server message', async () => {
    const acc = new AccountingClient({ endpoint: server.url, token });
    const err = await caught(acc.unitTypes.get('nope'));
    expect(err).toBeInstanceOf(AccServiceError);
    const e = err as AccServiceError;
    expect(e.message).toBe('While trying the [unit_type_entry]: There is no Unit Type with the following id: nope');
    expect(e).toMatchObject({ route: 'unit_type_entry', status: 404, code: 404, errorMessage: 'There is no Unit Type with the following id: nope' });
    expect(JSON.parse(e.body)).toEqual({ code: 404, message: 'There is no Unit Type with the following id: nope' });
    expect(await acc.unitTypes.find('nope')).toBeUndefined();
  });

  it('formats a 404 from a low-level request identically', async () => {
    const acc = new AccountingClient({ endpoint: server.url, token });
    const err = (await caught(acc.request('GET', '/unit-types/nope', { name: 'unit_type_entry' }))) as AccServiceError;
    expect(err.message).toBe('While trying the [unit_type_entry]: There is no Unit Type with the following id: nope');
    expect(JSON.parse(err.body)).toEqual({ code: 404, message: 'There is no Unit Type with the following id: nope' });
  });

  it('reports the 401 reason the server gives', async () => {
    const acc = new AccountingService({ endpoint: server.url });
    const err = (await caught(acc.unitTypes.toArray())) as AccServiceError;
    expect(err).toBeInstanceOf(AccServiceError);
    expect(err.status).toBe(401);
    expect(err.message).toBe('While trying the [unit_type_list]: Missing bearer token.');
  });

  it('sends Content-Type with bodies, so creates are not answered with 415', async () => {
    const acc = new AccountingClient({ endpoint: server.url, token: `${token}\n` });
    const created = await acc.request<{ id: string }>('POST', '/unit-types', { body: { unit_type: 'from-rest', description: 'd' } });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    const conflict = (await caught(acc.unitTypes.create({ unit_type: 'FROM-REST', description: 'd' }))) as AccServiceError;
    expect(conflict.status).toBe(409);
    expect(conflict.message).toBe(
      `While trying the [unit_type_add]: This Unit Type already exists in the Accounting Service database. Its id is ${created.id}`,
    );
  });

  it('returns the version', async () => {
    expect(await new AccountingClient({ endpoint: server.url, token }).version()).toBe('1.8.1');
  });
});

describe('against a misbehaving server', () => {
  let srv: ScriptedServer | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });
  const start = async (reply: Reply) => (srv = await startScriptedServer(reply));
  const client = (opts: Partial<ConstructorParameters<typeof AccountingClient>[0]> = {}) =>
    new AccountingClient({ endpoint: srv!.url, token: 'secret-token', ...opts });

  it.each([401, 403])('an empty %i body gives "Auth failure" for requests and contract calls', async (status) => {
    await start((_req, res) => res.writeHead(status).end());
    const rest = (await caught(client().request('GET', '/projects', { name: 'project_list' }))) as AccServiceError;
    expect(rest.message).toBe('While trying the [project_list]: Auth failure');
    expect(rest).toMatchObject({ status, code: status, body: '' });
    const named = (await caught(client().unitTypes.toArray())) as AccServiceError;
    expect(named).toBeInstanceOf(AccServiceError);
    expect(named.message).toBe('While trying the [unit_type_list]: Auth failure');
    expect(named.status).toBe(status);
  });

  it('a non-JSON error body becomes the message, cut to 500 characters', async () => {
    const html = `<html>${'x'.repeat(1000)}</html>`;
    await start((_req, res) => res.writeHead(500, { 'Content-Type': 'text/html' }).end(html));
    const err = (await caught(client().projects.toArray())) as AccServiceError;
    expect(err.errorMessage).toBe(html.slice(0, 500));
    expect(err.message).toBe(`While trying the [project_list]: ${html.slice(0, 500)}`);
    expect(err.body).toBe(html);
    expect(srv!.seen).toHaveLength(1);
  });

  it('a 2xx with an empty body is {}, a 2xx with a non-JSON body is an error', async () => {
    await start((req, res) => (req.url.includes('empty') ? res.writeHead(200).end() : res.writeHead(200).end('not json')));
    expect(await client().request('GET', '/empty')).toEqual({});
    const err = (await caught(client().request('GET', '/text', { name: 'text' }))) as AccServiceError;
    expect(err).toBeInstanceOf(AccServiceError);
    expect(err.status).toBe(200);
    expect(err.message).toBe('While trying the [text]: Response is not JSON: not json');
  });

  it('retries 502 and 503, then succeeds, counting the attempts', async () => {
    await start((_req, res, n) => (n === 1 ? res.writeHead(502).end() : n === 2 ? res.writeHead(503).end('busy') : json(res, 200, { ok: n })));
    expect(await client().request('GET', '/x')).toEqual({ ok: 3 });
    expect(srv!.seen).toHaveLength(3);
  });

  it('retries contract calls the same way, at the path the contract gives', async () => {
    const page = {
      size_of_page: 1,
      number_of_page: 1,
      total_elements: 1,
      total_pages: 1,
      content: [{ id: 'u', unit_type: 'TB', description: 'd', creator_id: '' }],
      links: [],
    };
    await start((_req, res, n) => (n === 1 ? res.writeHead(504).end() : json(res, 200, page)));
    expect((await client().unitTypes.toArray()).map((u) => u.unit_type)).toEqual(['TB']);
    expect(srv!.seen).toHaveLength(2);
    expect(srv!.seen.map((s) => s.url)).toEqual(['/accounting-system/unit-types?page=1', '/accounting-system/unit-types?page=1']);
  });

  it('backs off 500 ms then 1 s, each scaled by a random 1 to 2', async () => {
    const lines: string[] = [];
    await start((_req, res, n) => (n < 3 ? res.writeHead(503).end() : json(res, 200, { ok: n })));
    expect(await client({ debug: (l) => lines.push(l) }).request('GET', '/x')).toEqual({ ok: 3 });
    const waits = lines
      .map((l) => /retrying GET .* in (\d+) ms/.exec(l)?.[1])
      .filter((w) => w !== undefined)
      .map(Number);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(500);
    expect(waits[0]).toBeLessThanOrEqual(1000);
    expect(waits[1]).toBeGreaterThanOrEqual(1000);
    expect(waits[1]).toBeLessThanOrEqual(2000);
  });

  it('gives up after retries + 1 attempts and throws the last error', async () => {
    await start((_req, res, n) => json(res, 503, { code: 503, message: `down ${n}` }));
    const err = (await caught(client({ retries: 1 }).request('GET', '/x', { name: 'x' }))) as AccServiceError;
    expect(err.message).toBe('While trying the [x]: down 2');
    expect(srv!.seen).toHaveLength(2);
  });

  it('never retries other statuses, 4xx included', async () => {
    await start((_req, res) => json(res, 500, { code: 500, message: 'boom' }));
    await caught(client().request('GET', '/x'));
    expect(srv!.seen).toHaveLength(1);
  });

  it('a 408 is an AccTimeoutError and is not retried', async () => {
    await start((_req, res) => json(res, 408, { code: 408, message: 'Request timeout' }));
    const err = (await caught(client().request('GET', '/x', { name: 'x' }))) as AccTimeoutError;
    expect(err).toBeInstanceOf(AccTimeoutError);
    expect(err.status).toBe(408);
    expect(srv!.seen).toHaveLength(1);
  });

  it('honours Retry-After instead of the backoff', async () => {
    const lines: string[] = [];
    await start((_req, res, n) => (n === 1 ? json(res, 503, { code: 503, message: 'later' }, { 'Retry-After': '1' }) : json(res, 200, { ok: true })));
    expect(await client({ debug: (l) => lines.push(l) }).request('GET', '/x')).toEqual({ ok: true });
    expect(lines.some((l) => l.endsWith(`retrying GET ${srv!.url}/accounting-system/x in 1000 ms: HTTP 503`))).toBe(true);
  });

  it('aborts an attempt after timeoutMs and reports AccTimeoutError with status 0', async () => {
    await start(() => {
      /* never answers */
    });
    const err = (await caught(client({ timeoutMs: 150, retries: 1 }).request('GET', '/slow', { name: 'slow_entry' }))) as AccTimeoutError;
    expect(err).toBeInstanceOf(AccTimeoutError);
    expect(err).toBeInstanceOf(AccServiceError);
    expect(err.status).toBe(0);
    expect(err.message).toBe('While trying the [slow_entry]: timed out after 150 ms');
    expect(srv!.seen).toHaveLength(2);
  });

  it('times out contract calls too', async () => {
    await start(() => {
      /* never answers */
    });
    const err = (await caught(client({ timeoutMs: 100, retries: 0 }).version())) as AccTimeoutError;
    expect(err).toBeInstanceOf(AccTimeoutError);
    expect(err.message).toBe('While trying the [admin_version]: timed out after 100 ms');
  });

  it('does not retry a POST without an Idempotency-Key', async () => {
    await start((_req, res) => res.writeHead(503).end());
    const err = (await caught(client().request('POST', '/installations/i/metrics', { body: {} }))) as AccServiceError;
    expect(err.status).toBe(503);
    expect(srv!.seen).toHaveLength(1);
  });

  it('retries a POST that carries an Idempotency-Key, with the same key and body', async () => {
    await start((_req, res, n) => (n < 3 ? res.writeHead(503).end() : json(res, 201, { metric_id: 'm1', value: 1 })));
    const acc = client();
    const metric = await acc
      .installation('i')
      .metrics.add(
        { metric_definition_id: 'd', time_period_start: '2024-01-01T00:00:00Z', time_period_end: '2024-01-02T00:00:00Z', value: 1 },
        { idempotencyKey: 'k-1' },
      );
    expect(metric.id).toBe('m1');
    expect(srv!.seen).toHaveLength(3);
    expect(new Set(srv!.seen.map((s) => s.headers['idempotency-key']))).toEqual(new Set(['k-1']));
    expect(new Set(srv!.seen.map((s) => s.body)).size).toBe(1);
  });

  it('generates an Idempotency-Key for pushes unless told not to', async () => {
    await start((_req, res, n) => (n === 1 ? res.writeHead(502).end() : json(res, 201, { metric_id: `m${n}` })));
    const m = { metric_definition_id: 'd', time_period_start: '2024-01-01T00:00:00Z', time_period_end: '2024-01-02T00:00:00Z', value: 1 };
    await client().installation('i').metrics.add(m);
    expect(srv!.seen).toHaveLength(2);
    expect(srv!.seen[0].headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(srv!.seen[1].headers['idempotency-key']).toBe(srv!.seen[0].headers['idempotency-key']);
    srv!.seen.length = 0;
    await caught(client().installation('i').metrics.add(m, { idempotencyKey: null }));
    expect(srv!.seen).toHaveLength(1);
    expect(srv!.seen[0].headers['idempotency-key']).toBeUndefined();
  });

  it('sends the documented headers and query parameters', async () => {
    await start((_req, res) => json(res, 200, { size_of_page: 0, number_of_page: 1, total_elements: 0, total_pages: 1, content: [], links: [] }));
    const acc = client({ pageSize: 25 });
    await acc
      .installation('i 1')
      .metrics.filter({ metricDefinitionId: 'd1', start: '2024-01-01', end: new Date('2024-02-01T10:00:00Z') })
      .toArray();
    const [req] = srv!.seen;
    expect(req.url).toBe('/accounting-system/installations/i%201/metrics?page=1&size=25&metric-definition-id=d1&start=2024-01-01&end=2024-02-01');
    expect(req.headers.authorization).toBe('Bearer secret-token');
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['content-type']).toBeUndefined();
    await acc.request('POST', '/x', { body: { a: 1 } });
    expect(srv!.seen[1].headers['content-type']).toBe('application/json');
  });

  it('calls getToken for every request', async () => {
    await start((_req, res) => json(res, 200, {}));
    let n = 0;
    const acc = new AccountingClient({ url: srv!.url, getToken: () => `tok-${++n}  ` });
    await acc.request('GET', '/a');
    await acc.request('GET', '/b');
    expect(srv!.seen.map((s) => s.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('logs requests, statuses and retries without the token', async () => {
    const lines: string[] = [];
    await start((_req, res, n) => (n === 1 ? res.writeHead(503).end() : json(res, 200, {})));
    await client({ debug: (l) => lines.push(l) }).request('GET', '/x', { params: { q: 1 } });
    expect(lines.every((l) => /^\d{4}-\d{2}-\d{2}T[\d:.]+Z - argo_acc_library - DEBUG - /.test(l))).toBe(true);
    const text = lines.join('\n');
    expect(text).toContain(`GET ${srv!.url}/accounting-system/x?q=1 (attempt 1/3)`);
    expect(text).toContain('-> 503 in ');
    expect(text).toMatch(/retrying GET .* in \d+ ms: HTTP 503/);
    expect(text).toContain('Bearer ***');
    expect(text).not.toContain('secret-token');
  });
});

describe('connection failures', () => {
  it('a refused connection is AccConnectionError with the cause kept, after retries', async () => {
    const port = await refusedPort();
    const lines: string[] = [];
    const acc = new AccountingClient({ endpoint: `http://127.0.0.1:${port}`, token: 't', retries: 1, debug: (l) => lines.push(l) });
    const err = (await caught(acc.projects.toArray())) as AccConnectionError;
    expect(err).toBeInstanceOf(AccConnectionError);
    expect(err).toBeInstanceOf(AccError);
    expect(err).not.toBeInstanceOf(AccServiceError);
    expect(err.message).toMatch(/^While trying the \[project_list\]: .*ECONNREFUSED/);
    expect(err.cause).toBeInstanceOf(Error);
    expect(lines.filter((l) => l.includes('(attempt '))).toHaveLength(2);
  });

  it('for a contract call without a list as well', async () => {
    const port = await refusedPort();
    const err = (await caught(new AccountingClient({ endpoint: `http://127.0.0.1:${port}`, retries: 0 }).version())) as AccConnectionError;
    expect(err).toBeInstanceOf(AccConnectionError);
    expect(err.message).toMatch(/^While trying the \[admin_version\]: .*ECONNREFUSED/);
  });
});

describe('an injected fetch', () => {
  it('carries every call', async () => {
    const urls: string[] = [];
    const page = { size_of_page: 1, number_of_page: 1, total_elements: 1, total_pages: 1, content: [{ id: 'p1', title: 'T' }], links: [] };
    const acc = new AccountingClient({
      endpoint: 'acc.example.org',
      token: 't',
      fetch: async (input) => {
        const url = input instanceof Request ? input.url : input.toString();
        urls.push(url);
        return new Response(JSON.stringify(url.includes('/admin/version') ? { version: '9.9' } : page), { status: 200 });
      },
    });
    expect((await acc.projects.toArray()).map((p) => p.title)).toEqual(['T']);
    expect(await acc.version()).toBe('9.9');
    expect(urls[0]).toBe('https://acc.example.org/accounting-system/projects?page=1');
    expect(urls[1]).toBe('https://acc.example.org/accounting-system/admin/version');
  });
});

describe('pure rules', () => {
  it('normalises endpoints', () => {
    expect(normaliseEndpoint('api.devel.acc.argo.grnet.gr')).toBe('https://api.devel.acc.argo.grnet.gr');
    expect(normaliseEndpoint('api.devel.acc.argo.grnet.gr/')).toBe('https://api.devel.acc.argo.grnet.gr');
    expect(normaliseEndpoint('https://host:8443/base/')).toBe('https://host:8443/base');
    expect(normaliseEndpoint('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(normaliseEndpoint('localhost:8080')).toBe('https://localhost:8080');
    expect(new AccountingClient({ endpoint: 'host.example/' }).endpoint).toBe('https://host.example');
  });

  it('reads Retry-After as seconds or a date, capped at 30 s', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('120')).toBe(30_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(new Date(10_000).toUTCString(), 5_000)).toBe(5000);
  });

  it('enables DEBUG only for the documented values', () => {
    for (const v of ['1', 't', 'TRUE', 'y', 'Yes']) expect(debugEnabledByEnv(v)).toBe(true);
    for (const v of [undefined, '', '0', 'no', 'false', 'on']) expect(debugEnabledByEnv(v)).toBe(false);
  });
});
