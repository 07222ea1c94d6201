import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { startTestServer, type TestServer } from './support/server.js';
// After the server: @peculiar/x509 needs the reflect-metadata polyfill that @acc/db loads.
import { createPki, type Pki } from './support/apel.js';
import { Fixtures, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';

/**
 * Replays, byte for byte where it matters, what the seven examples of the ARGO Accounting Library 0.1.0
 * (github.com/ARGOeu/argo-acc-library, `pymod/httprequests.py` and `pymod/restresource.py`) send, over
 * TLS because the library only speaks `https://{host}/accounting-system/…`:
 * - every call is `requests.<method>(url, data=body, params=params, headers={"authorization": "Bearer …"})`,
 *   so python-requests adds only its defaults and, for a `str` body, `Content-Length` and no Content-Type;
 * - lists are walked with `params={"page": n}` from 1 until `total_pages`, reading `content[*].id`;
 * - `collection[id]` first GETs the item and reads its `id`;
 * - `metrics.add(dict)` posts `json.dumps(dict)` and reads the 200/201 body as JSON.
 */
const REQUESTS_DEFAULTS = {
  'User-Agent': 'python-requests/2.32.3',
  'Accept-Encoding': 'gzip, deflate',
  Accept: '*/*',
  Connection: 'keep-alive',
};

/** Python's `json.dumps` of a flat dict: `", "` and `": "` separators, insertion order, ASCII only. */
const pythonJsonDumps = (d: Record<string, string>) =>
  `{${Object.entries(d)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`;

interface Sent {
  method: string;
  target: string;
  headers: Record<string, string>;
}
interface Answer {
  status: number;
  contentType: string | undefined;
  body: any;
}

describe.each(backends)('ARGO Accounting Library 0.1.0, replayed (%s)', (backend) => {
  let s: TestServer;
  let pki: Pki;
  let f: Fixtures;
  let host: string;
  let token: string;
  let sent: Sent[];
  let P: string;
  let inst: InstallationFixture;
  let installations: InstallationFixture[];
  let def: string;
  let providers: string[];

  beforeAll(async () => {
    pki = await createPki();
    s = await startTestServer(backend, { ACC_TLS_CERT: pki.serverCertPath, ACC_TLS_KEY: pki.serverKeyPath });
    host = new URL(s.url).host;
    f = Fixtures.of(s);
    P = await f.project('101057264', { acronym: 'EOSC-Beyond', title: 'EOSC Beyond' });
    const other = await f.project('999999', { title: 'Someone else' });
    providers = [];
    for (let i = 0; i < 12; i++) providers.push(await f.provider(`prov${String(i).padStart(2, '0')}`));
    await f.associate(P, providers[0]);
    await f.associate(P, providers[1]);
    await f.associate(other, providers[2]);
    def = await f.definition({ metricName: 'CPU hours', unitType: 'CPU Time', metricType: 'aggregated' });
    installations = [];
    for (let i = 0; i < 11; i++) installations.push(await f.installation(P, providers[0], { installation: `GRNET-KNS-${i}` }));
    installations.push(await f.installation(P, providers[1], { installation: 'OTHER-PROVIDER' }));
    await f.installation(other, providers[2], { installation: 'NOT-MINE' });
    inst = installations[0];
    for (let d = 1; d <= 11; d++) {
      const day = String(d).padStart(2, '0');
      await f.metric(inst, def, `2024-03-${day}T00:00:00Z`, `2024-03-${day}T12:00:00Z`, d);
    }
    await f.metric(installations[11], def, '2024-04-01T00:00:00Z', '2024-04-02T00:00:00Z', 100);
    // An operator of the project who may read the catalogue: what a library user typically holds.
    // The file the examples read with -f ends in a newline, which the library strips.
    token = `${await s.issuer.token({ sub: 'operator', entitlements: [ent(`${P}:role=admin`), ent('operations:resources:role=viewer')] })}\n`;
  });
  afterAll(async () => {
    await s?.close();
    pki?.cleanup();
  });

  /** `HttpRequests.make_request`: one python-requests call on a fresh connection (each builds its own Session). */
  const makeRequest = (method: 'get' | 'post', url: string, params?: Record<string, number>, body?: string) =>
    new Promise<Answer>((resolve, reject) => {
      const target = new URL(url);
      for (const [k, v] of Object.entries(params ?? {})) target.searchParams.append(k, String(v));
      const headers: Record<string, string> = { ...REQUESTS_DEFAULTS, authorization: `Bearer ${token.trimEnd()}` };
      const payload = body === undefined ? undefined : Buffer.from(body, 'latin1');
      if (payload) headers['Content-Length'] = String(payload.length);
      sent.push({ method: method.toUpperCase(), target: `${target.pathname}${target.search}`, headers });
      const req = https.request(target, { method: method.toUpperCase(), headers, ca: pki.caPem, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          res.socket?.destroy();
          const text = Buffer.concat(chunks).toString('utf8');
          // The library json.loads every 200/201 body; anything else becomes an AccServiceException.
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: text ? JSON.parse(text) : {} });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });

  const ok = (a: Answer) => {
    expect({ status: a.status, type: a.contentType }).toEqual({
      status: a.status === 201 ? 201 : 200,
      type: expect.stringMatching(/^application\/json/),
    });
    return a.body;
  };
  const url = (path: string) => `https://${host}/accounting-system${path}`;

  /** `RestResourceItem(parent, {"__fetch__": id})`: the item GET; the library keys its cache by the answer's `id`. */
  const fetchItem = async (path: string) => {
    const item = ok(await makeRequest('get', url(path)));
    expect(typeof item.id).toBe('string');
    return item;
  };

  /** `RestResourceList.__iter__`: pages 1..total_pages of the server's default size, items keyed by `id`. */
  const iterate = async (path: string) => {
    const items: any[] = [];
    let current = 0;
    let pageCount = 1;
    while (current < pageCount) {
      const page = ok(await makeRequest('get', url(path), { page: current + 1 }));
      pageCount = page.total_pages;
      expect(Number.isInteger(pageCount)).toBe(true);
      for (const item of page.content) {
        expect(typeof item.id).toBe('string');
        items.push(item);
      }
      current += 1;
    }
    return items;
  };

  /** What the metric examples print for each item: `m.value, m.metric_definition.metric_type`. */
  const printed = (metrics: any[]) => metrics.map((m) => `${m.value} ${m.metric_definition.metric_type}`);

  const requestLine = (r: Sent) => `${r.method} ${r.target}`;

  it('sends what python-requests sends: the lowercase authorization header, its defaults, and no Content-Type', async () => {
    sent = [];
    await iterate('/projects');
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0].headers)).toEqual(['User-Agent', 'Accept-Encoding', 'Accept', 'Connection', 'authorization']);
    expect(sent[0].headers.authorization).not.toMatch(/\n/);
  });

  it('get_installations.py: walks /installations/all page by page and prints each installation', async () => {
    sent = [];
    const items = await iterate('/installations/all');
    expect(sent.map(requestLine)).toEqual(['GET /accounting-system/installations/all?page=1', 'GET /accounting-system/installations/all?page=2']);
    expect(items.map((i) => i.id).sort()).toEqual(installations.map((i) => i.id).sort());
    // print(m) json.dumps every attribute, so the items must be plain JSON objects with the declared fields.
    for (const i of items) expect(i).toMatchObject({ project: P, organisation: expect.any(String), installation: expect.any(String) });
  });

  it('get_installation_metrics.py: GETs the installation, then its metrics page by page', async () => {
    sent = [];
    const installation = await fetchItem(`/installations/${inst.id}`);
    const metrics = await iterate(`/installations/${installation.id}/metrics`);
    expect(sent.map(requestLine)).toEqual([
      `GET /accounting-system/installations/${inst.id}`,
      `GET /accounting-system/installations/${inst.id}/metrics?page=1`,
      `GET /accounting-system/installations/${inst.id}/metrics?page=2`,
    ]);
    expect(printed(metrics).sort()).toEqual(Array.from({ length: 11 }, (_, i) => `${i + 1} aggregated`).sort());
  });

  it('add_installation_metric.py: GETs the installation, then posts json.dumps of the argparse strings without a Content-Type', async () => {
    sent = [];
    const installation = await fetchItem(`/installations/${inst.id}`);
    const body = pythonJsonDumps({
      metric_definition_id: def,
      time_period_start: '2024-05-01T00:00:00Z',
      time_period_end: '2024-05-01T06:00:00Z',
      value: '10.8',
      group_id: 'group-a',
      user_id: 'user-b',
    });
    expect(body).toBe(
      `{"metric_definition_id": "${def}", "time_period_start": "2024-05-01T00:00:00Z", "time_period_end": "2024-05-01T06:00:00Z", ` +
        '"value": "10.8", "group_id": "group-a", "user_id": "user-b"}',
    );
    const created = await makeRequest('post', url(`/installations/${installation.id}/metrics`), undefined, body);
    expect(created.status).toBe(201);
    expect(sent.map(requestLine)).toEqual([
      `GET /accounting-system/installations/${inst.id}`,
      `POST /accounting-system/installations/${inst.id}/metrics`,
    ]);
    expect(Object.keys(sent[1].headers).map((h) => h.toLowerCase())).not.toContain('content-type');
    // The library builds an InstallationMetric from the answer.
    expect(ok(created)).toEqual({
      metric_id: expect.stringMatching(/^[0-9a-f]{24}$/),
      metric_definition_id: def,
      time_period_start: '2024-05-01T00:00:00Z',
      time_period_end: '2024-05-01T06:00:00Z',
      value: 10.8,
      group_id: 'group-a',
      user_id: 'user-b',
    });
    const [row] = await s.app.database.dataSource.query('SELECT value, group_id, user_id, creator_id FROM metrics WHERE id = $1', [
      created.body.metric_id,
    ]);
    expect({ ...row, value: Number(row.value) }).toEqual({ value: 10.8, group_id: 'group-a', user_id: 'user-b', creator_id: 'operator' });
  });

  it('get_projects.py: walks /projects and prints each title and id', async () => {
    sent = [];
    const projects = await iterate('/projects');
    expect(sent.map(requestLine)).toEqual(['GET /accounting-system/projects?page=1']);
    expect(projects.map((p) => `${p.title} (ID: ${p.id})`)).toEqual([`EOSC Beyond (ID: ${P})`]);
  });

  it('get_project_metrics.py: GETs the project, then its metrics page by page', async () => {
    sent = [];
    const project = await fetchItem(`/projects/${P}`);
    // The library assigns every answered field; `providers` lands in a property setter.
    expect(Array.isArray(project.providers)).toBe(true);
    const metrics = await iterate(`/projects/${project.id}/metrics`);
    expect(sent.map(requestLine)).toEqual([
      `GET /accounting-system/projects/${P}`,
      `GET /accounting-system/projects/${P}/metrics?page=1`,
      `GET /accounting-system/projects/${P}/metrics?page=2`,
    ]);
    const total = await s.app.database.dataSource.query('SELECT count(*)::int AS n FROM metrics WHERE project_id = $1', [P]);
    expect(metrics).toHaveLength(total[0].n);
    expect(printed(metrics)).toContain('100 aggregated');
  });

  it('get_providers.py: walks /providers and prints each name and id', async () => {
    sent = [];
    const items = await iterate('/providers');
    expect(sent.map(requestLine)).toEqual(['GET /accounting-system/providers?page=1', 'GET /accounting-system/providers?page=2']);
    const mine = items.filter((p) => providers.includes(p.id));
    expect(mine.map((p) => `${p.name} (ID: ${p.id})`)).toEqual(providers.map((id) => `Provider ${id} (ID: ${id})`));
  });

  it('get_provider_metrics.py: GETs the project, then the provider’s metrics within it, page by page', async () => {
    sent = [];
    const project = await fetchItem(`/projects/${P}`);
    // projects[P].providers[prov] is built locally from the id: no request for the provider itself.
    const metrics = await iterate(`/projects/${project.id}/providers/${providers[1]}/metrics`);
    expect(sent.map(requestLine)).toEqual([
      `GET /accounting-system/projects/${P}`,
      `GET /accounting-system/projects/${P}/providers/${providers[1]}/metrics?page=1`,
    ]);
    expect(printed(metrics)).toEqual(['100 aggregated']);
  });
});
