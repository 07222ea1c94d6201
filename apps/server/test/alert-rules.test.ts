import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { Fixtures, stage, tokenWith, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const FORBIDDEN = { code: 403, message: 'The authenticated client is not permitted to perform the requested operation.' };
const PRIVATE = { code: 400, message: 'webhook_url must not point to a private or loopback address.' };
// A public address literal: checked without DNS, and creating a rule sends nothing.
const PUBLIC_URL = 'https://93.184.215.14/acc';

describe.each(backends)('alert rules (%s)', (backend) => {
  let s: TestServer;
  let f: Fixtures;
  let admin: string;
  let inst: InstallationFixture;
  let def: string;
  let P: string;
  let prov: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    f = Fixtures.of(s);
    admin = await tokenWith(s, ent('role=admin'));
    ({ inst, def, projectId: P, providerId: prov } = await stage(f));
  });
  afterAll(() => s?.close());

  const capacityRule = (over: Record<string, unknown> = {}) => ({
    name: 'near capacity',
    scope: { installation_id: inst.id },
    kind: 'capacity',
    metric_definition_id: def,
    threshold_percent: 80,
    webhook_url: PUBLIC_URL,
    ...over,
  });
  const create = (body: unknown, token = admin) => s.call('POST', `${API}/alert-rules`, { token, body });

  it('creates a rule: 201, Location, a generated whsec_ secret shown once, state and last_value', async () => {
    const res = await create(capacityRule());
    expect(res.status).toBe(201);
    const rule = res.body;
    expect(res.headers.get('location')).toBe(`http://acc.test${API}/alert-rules/${rule.id}`);
    expect(rule).toMatchObject({
      name: 'near capacity',
      scope: { installation_id: inst.id },
      kind: 'capacity',
      metric_definition_id: def,
      threshold_percent: 80,
      threshold_value: null,
      window: null,
      silence_minutes: null,
      webhook_url: PUBLIC_URL,
      enabled: true,
      state: expect.stringMatching(/^(ok|firing|idle)$/),
      last_value: null,
    });
    expect(rule.webhook_secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(rule.webhook_secret.slice(6), 'base64')).toHaveLength(32);
    const got = await s.call('GET', `${API}/alert-rules/${rule.id}`, { token: admin });
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('webhook_secret');
    expect(got.text).not.toContain(rule.webhook_secret.slice(6));
    const list = await s.call('GET', `${API}/alert-rules`, { token: admin });
    expect(list.text).not.toContain(rule.webhook_secret.slice(6));
    // A given secret is kept as given; two generated ones differ.
    const given = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    expect((await create(capacityRule({ webhook_secret: given }))).body.webhook_secret).toBe(given);
    expect((await create(capacityRule())).body.webhook_secret).not.toBe(rule.webhook_secret);
  });

  it('validates every field with a message naming it', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name may not be empty.'],
      [{ kind: 'weird' }, 'kind must be one of capacity, usage, silence.'],
      [{ scope: {} }, 'scope must be exactly one of {installation_id}, {project_id}, {project_id, provider_id}, {provider_id}.'],
      [
        { scope: { installation_id: inst.id, project_id: P } },
        'scope must be exactly one of {installation_id}, {project_id}, {project_id, provider_id}, {provider_id}.',
      ],
      [{ threshold_percent: 0 }, 'threshold_percent must be between 1 and 1000.'],
      [{ threshold_percent: 1001 }, 'threshold_percent must be between 1 and 1000.'],
      [{ threshold_percent: 'lots' }, 'threshold_percent must be between 1 and 1000.'],
      [{ threshold_percent: undefined }, 'threshold_percent may not be empty.'],
      [{ metric_definition_id: '' }, 'metric_definition_id may not be empty.'],
      [{ silence_minutes: 5 }, 'silence_minutes does not apply to capacity rules.'],
      [{ kind: 'usage', threshold_percent: undefined, threshold_value: 10 }, 'window may not be empty.'],
      [
        { kind: 'usage', threshold_percent: undefined, threshold_value: 10, window: 'fortnight' },
        'window must be one of day, week, month, quarter, year.',
      ],
      [{ kind: 'usage', threshold_percent: undefined, threshold_value: -1, window: 'day' }, 'threshold_value must be a number between 0 and 1e15.'],
      [
        { kind: 'usage', threshold_percent: undefined, threshold_value: 1, window: 'day', tz: 'Mars/Base' },
        'tz must be an IANA time zone such as Europe/Athens.',
      ],
      [
        { kind: 'silence', metric_definition_id: undefined, threshold_percent: undefined, silence_minutes: 0 },
        'silence_minutes must be between 1 and 525600.',
      ],
      [
        { kind: 'silence', metric_definition_id: undefined, threshold_percent: undefined, silence_minutes: 525601 },
        'silence_minutes must be between 1 and 525600.',
      ],
      [{ webhook_url: '' }, 'webhook_url may not be empty.'],
      [{ webhook_url: 'ftp://example.org/x' }, 'webhook_url must be an absolute http(s) URL.'],
      [{ webhook_url: 'http://93.184.215.14/acc' }, 'webhook_url must use https.'],
      [{ webhook_secret: 'secret' }, 'webhook_secret must be whsec_ followed by the base64 of 24 to 64 bytes.'],
      [{ webhook_secret: 'whsec_' + Buffer.alloc(8).toString('base64') }, 'webhook_secret must be whsec_ followed by the base64 of 24 to 64 bytes.'],
    ];
    for (const [over, message] of cases) {
      const res = await create(capacityRule(over));
      expect({ over, status: res.status, body: res.body }).toEqual({ over, status: 400, body: { code: 400, message } });
    }
    expect((await create(capacityRule({ metric_definition_id: 'nope' }))).body).toEqual({
      code: 404,
      message: 'There is no Metric Definition with the following id: nope',
    });
  });

  it('refuses private, loopback, link-local and unique-local targets, by literal and by name', async () => {
    for (const url of [
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://192.168.0.9/x',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[fe80::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://0.0.0.0/x',
      'https://localhost:9/x',
    ]) {
      expect({ url, body: (await create(capacityRule({ webhook_url: url }))).body }).toEqual({ url, body: PRIVATE });
    }
  });

  it('accepts http and private targets only when configured to', async () => {
    const open = await startTestServer(backend, { ACC_WEBHOOK_ALLOW_HTTP: 'true', ACC_WEBHOOK_ALLOW_PRIVATE: 'true' });
    try {
      await stage(Fixtures.of(open));
      const token = await tokenWith(open, ent('role=admin'));
      const [installation] = await open.app.database.dataSource.query('SELECT id FROM installations LIMIT 1');
      const [definition] = await open.app.database.dataSource.query('SELECT id FROM metric_definitions LIMIT 1');
      const res = await open.call('POST', `${API}/alert-rules`, {
        token,
        body: {
          ...capacityRule(),
          scope: { installation_id: installation.id },
          metric_definition_id: definition.id,
          webhook_url: 'http://127.0.0.1:9/x',
        },
      });
      expect(res.status).toBe(201);
    } finally {
      await open.close();
    }
  });

  it('decides access on the scope: 404 for unknown entities, admin changes, viewer reads, system admin all', async () => {
    const insViewer = await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=viewer`));
    const insAdmin = await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=admin`));
    const other = await tokenWith(s, ent(`other:role=admin`));
    expect((await create(capacityRule({ scope: { installation_id: 'ghost' } }))).body).toEqual({
      code: 404,
      message: 'There is no Installation with the following id: ghost',
    });
    expect((await create(capacityRule({ scope: { project_id: 'ghost' } }), other)).body).toEqual({
      code: 404,
      message: 'There is no Project with the following id: ghost',
    });
    expect((await create(capacityRule({ scope: { provider_id: 'ghost' } }))).body).toEqual({
      code: 404,
      message: 'There is no Provider with the following id: ghost',
    });
    expect((await create(capacityRule({ scope: { project_id: P, provider_id: 'ghost' } }))).body).toEqual({
      code: 404,
      message: 'There is no Provider with the following id: ghost',
    });
    expect((await create(capacityRule(), insViewer)).body).toEqual(FORBIDDEN);
    expect((await create(capacityRule(), other)).body).toEqual(FORBIDDEN);
    const mine = await create(capacityRule({ name: 'mine' }), insAdmin);
    expect(mine.status).toBe(201);
    // The viewer reads it but cannot change or delete it; a stranger cannot even read it.
    expect((await s.call('GET', `${API}/alert-rules/${mine.body.id}`, { token: insViewer })).status).toBe(200);
    expect((await s.call('PATCH', `${API}/alert-rules/${mine.body.id}`, { token: insViewer, body: { name: 'x' } })).body).toEqual(FORBIDDEN);
    expect((await s.call('DELETE', `${API}/alert-rules/${mine.body.id}`, { token: insViewer })).body).toEqual(FORBIDDEN);
    expect((await s.call('GET', `${API}/alert-rules/${mine.body.id}`, { token: other })).body).toEqual(FORBIDDEN);
    expect((await s.call('GET', `${API}/alert-rules/ghost`, { token: other })).body).toEqual({
      code: 404,
      message: 'There is no Alert Rule with the following id: ghost',
    });
    // Project, project+provider and provider scopes: their admins; the provider representative for a provider.
    const prjAdmin = await tokenWith(s, ent(`${P}:role=admin`));
    expect((await create(capacityRule({ scope: { project_id: P } }), prjAdmin)).status).toBe(201);
    expect((await create(capacityRule({ scope: { project_id: P, provider_id: prov } }), prjAdmin)).status).toBe(201);
    expect((await create(capacityRule({ scope: { provider_id: prov } }), prjAdmin)).body).toEqual(FORBIDDEN);
    const rep = await tokenWith(s, ent(`roles:provider:${prov}:role=admin`));
    expect((await create(capacityRule({ scope: { provider_id: prov } }), rep)).status).toBe(201);
    // Listing: a page of what the caller may read.
    const viewerList = (await s.call('GET', `${API}/alert-rules?size=100`, { token: insViewer })).body;
    expect(viewerList.content.every((r: { scope: { installation_id?: string } }) => r.scope.installation_id === inst.id)).toBe(true);
    expect(viewerList.content.map((r: { name: string }) => r.name)).toContain('mine');
    expect((await s.call('GET', `${API}/alert-rules`, { token: other })).body).toMatchObject({ total_elements: 0, content: [] });
    const all = (await s.call('GET', `${API}/alert-rules?size=2&page=2`, { token: admin })).body;
    expect(all).toMatchObject({ size_of_page: 2, number_of_page: 2 });
    expect(all.total_elements).toBeGreaterThan(viewerList.total_elements);
    expect((await s.call('GET', `${API}/alert-rules?size=0`, { token: admin })).body).toEqual({
      code: 400,
      message: 'Page size must be between 1 and 100.',
    });
    expect((await s.call('GET', `${API}/alert-rules`, {})).status).toBe(401);
  });

  it('changes name, thresholds, webhook and enabled; refuses fields of another kind; deletes', async () => {
    const rule = (await create(capacityRule())).body;
    const patch = (body: unknown, id = rule.id) => s.call('PATCH', `${API}/alert-rules/${id}`, { token: admin, body });
    const changed = await patch({ name: 'renamed', threshold_percent: 95, enabled: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: rule.id, name: 'renamed', threshold_percent: 95, enabled: false, state: 'idle', last_value: null });
    expect(changed.body).not.toHaveProperty('webhook_secret');
    expect((await patch({ threshold_value: 3 })).body).toEqual({ code: 400, message: 'threshold_value does not apply to capacity rules.' });
    expect((await patch({ threshold_percent: 0 })).body).toEqual({ code: 400, message: 'threshold_percent must be between 1 and 1000.' });
    expect((await patch({ webhook_url: 'https://10.0.0.1/x' })).body).toEqual(PRIVATE);
    expect((await patch({ enabled: 'yes' })).body).toEqual({ code: 400, message: 'enabled must be true or false.' });
    expect((await patch({ name: 'x' }, 'ghost')).body).toEqual({ code: 404, message: 'There is no Alert Rule with the following id: ghost' });
    // A new secret replaces the old one, and is not echoed.
    const secret = 'whsec_' + Buffer.alloc(24, 1).toString('base64');
    expect((await patch({ webhook_secret: secret })).text).not.toContain(secret.slice(6));
    const [row] = await s.app.database.dataSource.query('SELECT webhook_secret FROM alert_rules WHERE id = $1', [rule.id]);
    expect(row.webhook_secret).toBe(secret);
    const usage = (
      await create(capacityRule({ kind: 'usage', threshold_percent: undefined, threshold_value: 10, window: 'month', tz: 'Europe/Athens' }))
    ).body;
    expect(usage).toMatchObject({ kind: 'usage', threshold_value: 10, window: 'month', tz: 'Europe/Athens' });
    expect((await patch({ window: 'year', threshold_value: 20 }, usage.id)).body).toMatchObject({ window: 'year', threshold_value: 20 });
    expect((await patch({ threshold_percent: 20 }, usage.id)).body).toEqual({
      code: 400,
      message: 'threshold_percent does not apply to usage rules.',
    });
    expect((await s.call('DELETE', `${API}/alert-rules/${rule.id}`, { token: admin })).body).toEqual({
      code: 200,
      message: 'Alert Rule has been deleted.',
    });
    expect((await s.call('GET', `${API}/alert-rules/${rule.id}`, { token: admin })).status).toBe(404);
  });

  it('serves the same contracts over tRPC (alerts.*)', async () => {
    const created = await trpc(s, 'mutation', 'alerts.create', capacityRule({ name: 'over trpc' }), admin);
    expect(created.status).toBe(200);
    const rule = created.body.result.data;
    expect(rule.webhook_secret).toMatch(/^whsec_/);
    const got = await trpc(s, 'query', 'alerts.get', { id: rule.id }, admin);
    expect(got.body.result.data).toMatchObject({ id: rule.id, name: 'over trpc' });
    expect(got.body.result.data).not.toHaveProperty('webhook_secret');
    const bad = await trpc(s, 'mutation', 'alerts.create', capacityRule({ threshold_percent: 2000 }), admin);
    expect(bad.body.error.message).toBe('threshold_percent must be between 1 and 1000.');
    expect((await trpc(s, 'mutation', 'alerts.delete', { id: rule.id }, admin)).body.result.data).toEqual({
      code: 200,
      message: 'Alert Rule has been deleted.',
    });
  });
});
