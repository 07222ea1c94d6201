import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { Fixtures, stage, tokenWith, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const UNSUPPORTED = { code: 415, message: 'Cannot consume content type.' };
const FORBIDDEN = { code: 403, message: 'The authenticated client is not permitted to perform the requested operation.' };

/** node:http sends exactly the headers given; fetch would add `text/plain` to every string body. */
const request = (url: string, opts: { method: string; headers: Record<string, string>; body?: string }) =>
  new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = http.request(url, { method: opts.method, headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });

/**
 * §1.1: a JSON endpoint reads a body sent without any Content-Type as JSON (the ARGO Accounting Library
 * 0.1.0 sends none); no type and no body, or a wrong type, stays 415; §1.3 keeps 401 → 415 → 403 → 400.
 */
describe.each(backends)('Content-Type leniency (%s)', (backend) => {
  let s: TestServer;
  let f: Fixtures;
  let admin: string;
  let resAdmin: string;
  let nobody: string;
  let inst: InstallationFixture;
  let def: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    f = Fixtures.of(s);
    admin = await tokenWith(s, ent('role=admin'));
    resAdmin = await tokenWith(s, ent('operations:resources:role=admin'));
    nobody = await tokenWith(s);
    ({ inst, def } = await stage(f));
  });
  afterAll(() => s?.close());

  const send = (method: string, path: string, opts: { token?: string; body?: string; type?: string } = {}) =>
    request(`${s.url}${path}`, {
      method,
      body: opts.body,
      headers: {
        ...(opts.token && { Authorization: `Bearer ${opts.token}` }),
        ...(opts.type && { 'Content-Type': opts.type }),
        ...(opts.body !== undefined && { 'Content-Length': String(Buffer.byteLength(opts.body)) }),
      },
    });
  /** What Python's json.dumps writes: `", "` and `": "` separators. */
  const pythonJson = (v: unknown) => JSON.stringify(v).replaceAll('","', '", "').replaceAll('":', '": ');
  const metric = { metric_definition_id: '', time_period_start: '2024-01-01T00:00:00Z', time_period_end: '2024-01-02T00:00:00Z', value: '10.8' };

  describe('REST', () => {
    it('pushes a metric whose JSON body comes without a Content-Type', async () => {
      const res = await send('POST', `${API}/installations/${inst.id}/metrics`, {
        token: admin,
        body: pythonJson({ ...metric, metric_definition_id: def }),
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ metric_definition_id: def, value: 10.8, time_period_start: '2024-01-01T00:00:00Z' });
      const [row] = await s.app.database.dataSource.query('SELECT value FROM metrics WHERE id = $1', [res.body.metric_id]);
      expect(Number(row.value)).toBe(10.8);

      const patched = await send('PATCH', `${API}/installations/${inst.id}/metrics/${res.body.metric_id}`, { token: admin, body: '{"value": 3}' });
      expect(patched.status).toBe(200);
      expect(patched.body.value).toBe(3);
    });

    it('reads untyped bodies on endpoints whose JSON body declares no fields, and on POST /clients', async () => {
      const search = await send('POST', `${API}/metrics/search`, {
        token: admin,
        body: `{"type": "query", "field": "metric_definition_id", "values": "${def}"}`,
      });
      expect(search.status).toBe(200);
      expect(search.body.total_elements).toBeGreaterThan(0);
      expect((await send('POST', `${API}/clients`, { token: admin, body: '{}' })).status).toBe(200);
      expect((await send('POST', `${API}/clients`, { token: admin })).body).toEqual(UNSUPPORTED);
    });

    it('415 for no Content-Type and no (or a blank) body, and for a declared non-JSON type', async () => {
      const path = `${API}/installations/${inst.id}/metrics`;
      expect((await send('POST', path, { token: admin })).body).toEqual(UNSUPPORTED);
      expect((await send('POST', path, { token: admin, body: '' })).body).toEqual(UNSUPPORTED);
      expect((await send('POST', path, { token: admin, body: '  \n' })).body).toEqual(UNSUPPORTED);
      const typed = pythonJson({ ...metric, metric_definition_id: def });
      expect((await send('POST', path, { token: admin, body: typed, type: 'text/plain' })).body).toEqual(UNSUPPORTED);
      expect((await send('POST', path, { token: admin, body: typed, type: 'application/x-www-form-urlencoded' })).body).toEqual(UNSUPPORTED);
    });

    it('keeps the order 401 → 415 → 403 → 400', async () => {
      const path = `${API}/metric-definitions`;
      const valid = '{"metric_name": "untyped", "unit_type": "TB", "metric_type": "aggregated"}';
      expect((await send('POST', path, {})).status).toBe(401);
      expect((await send('POST', path, { token: nobody })).body).toEqual(UNSUPPORTED);
      expect((await send('POST', path, { token: nobody, body: valid, type: 'text/plain' })).body).toEqual(UNSUPPORTED);
      expect((await send('POST', path, { token: nobody, body: valid })).body).toEqual(FORBIDDEN);
      expect((await send('POST', path, { token: nobody, body: '{not json' })).body).toEqual(FORBIDDEN);
      const malformed = await send('POST', path, { token: resAdmin, body: '{not json' });
      expect(malformed.status).toBe(400);
      expect((await send('POST', path, { token: resAdmin, body: 'null' })).body).toEqual({ code: 400, message: 'The request body is empty.' });
      expect((await send('POST', path, { token: resAdmin, body: valid })).status).toBe(201);
    });
  });

  describe('tRPC', () => {
    const trpcPath = (procedure: string) => `/trpc/${procedure}`;

    it('runs a mutation whose JSON body comes without a Content-Type', async () => {
      const res = await send('POST', trpcPath('metrics.push'), {
        token: admin,
        body: pythonJson({ installation_id: inst.id, ...metric, metric_definition_id: def }),
      });
      expect(res.status).toBe(200);
      expect(res.body.result.data).toMatchObject({ metric_definition_id: def, value: 10.8 });
    });

    it('415 for no Content-Type and no body, and for a declared non-JSON type, after authentication', async () => {
      const empty = await send('POST', trpcPath('clients.register'), { token: admin });
      expect(empty.status).toBe(415);
      expect(empty.body.error.message).toBe(UNSUPPORTED.message);
      const body = pythonJson({ installation_id: inst.id, ...metric, metric_definition_id: def });
      const plain = await send('POST', trpcPath('metrics.push'), { token: admin, body, type: 'text/plain' });
      expect(plain.status).toBe(415);
      expect(plain.body.error.message).toBe(UNSUPPORTED.message);
      expect((await send('POST', trpcPath('metrics.push'), { body, type: 'text/plain' })).status).toBe(401);
      expect((await send('POST', trpcPath('metrics.push'), { body, type: 'multipart/form-data; boundary=x' })).status).toBe(401);
      expect((await send('POST', trpcPath('metrics.push'), { token: admin, body, type: 'multipart/form-data; boundary=x' })).status).toBe(415);
    });

    it('keeps the order 401 → 415 → 403 → 400', async () => {
      const path = trpcPath('metricDefinitions.create');
      const valid = '{"metric_name": "untyped-trpc", "unit_type": "TB", "metric_type": "aggregated"}';
      expect((await send('POST', path, { body: valid })).status).toBe(401);
      expect((await send('POST', path, { token: nobody })).status).toBe(415);
      const refused = await send('POST', path, { token: nobody, body: valid });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(FORBIDDEN.message);
      expect((await send('POST', path, { token: nobody, body: '{not json' })).status).toBe(403);
      expect((await send('POST', path, { token: resAdmin, body: '{not json' })).status).toBe(400);
      const created = await send('POST', path, { token: resAdmin, body: valid });
      expect(created.status).toBe(200);
      expect(created.body.result.data).toMatchObject({ metric_name: 'untyped-trpc' });
    });
  });
});
