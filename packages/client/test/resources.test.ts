import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ent } from '../../../apps/server/test/support/issuer.js';
import { startTestServer, type TestServer } from '../../../apps/server/test/support/server.js';
import { AccountingClient, type AccServiceError } from '../src/index.js';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy.js';
import { seedWorld, type World } from './support/world.js';

const caught = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('ARGO collections, as the client sends them', () => {
  let w: World;
  let proxy: RecordingProxy;
  let acc: AccountingClient;
  beforeAll(async () => {
    w = await seedWorld();
    proxy = await startRecordingProxy(w.server.url);
    acc = new AccountingClient({ endpoint: proxy.url, token: w.token, pageSize: 2 });
  });
  afterAll(async () => {
    await proxy?.close();
    await w?.close();
  });

  it('lists projects, providers and installations on their spec routes', async () => {
    expect((await acc.projects.toArray()).map((p) => p.id).sort()).toEqual(['101017567', '777536']);
    expect((await acc.providers.toArray()).map((p) => p.name).sort()).toEqual(['Cyfronet', 'GRNET']);
    expect((await acc.installations.toArray()).map((i) => i.installation).sort()).toEqual(['CYF-CLOUD', 'GRNET-KNS-1']);
    const paths = proxy.requests.map((r) => `${r.method} ${r.path}?${r.query}`);
    expect(paths).toEqual(
      expect.arrayContaining(['GET /projects?page=1&size=2', 'GET /providers?page=1&size=2', 'GET /installations/all?page=1&size=2']),
    );
  });

  it('items are the server JSON plus non-enumerable navigation', async () => {
    const project = await acc.projects.get('777536');
    expect(Object.keys(project)).toEqual(['id', 'acronym', 'title', 'start_date', 'end_date', 'call_identifier', 'providers']);
    expect(
      JSON.parse(JSON.stringify(project))
        .providers.map((p: { id: string }) => p.id)
        .sort(),
    ).toEqual([w.grnet, w.cyfronet].sort());
    expect(JSON.parse(String(project))).toEqual(project.toJSON());
    expect((await project.installations.toArray()).map((i) => i.id)).toHaveLength(2);
    const before = proxy.requests.length;
    const scoped = project.providers.get(w.grnet);
    expect(proxy.requests.length).toBe(before);
    expect((await scoped.installations.toArray()).map((i) => i.installation)).toEqual(['GRNET-KNS-1']);
    expect(proxy.requests.at(-1)!.path).toBe(`/projects/777536/providers/${w.grnet}/installations`);
    expect((await scoped.metrics.toArray()).map((m) => m.value).sort()).toEqual([12.5, 250, 500]);
    expect((await project.metrics.toArray()).map((m) => m.value).sort()).toEqual([12.5, 250, 500, 7]);
  });

  it('navigates without fetching: project(id).provider(id), installation(id)', async () => {
    const metrics = acc.project('777536').provider(w.cyfronet).metrics;
    expect((await metrics.toArray()).map((m) => m.value)).toEqual([7]);
    const filtered = await acc.installation(w.kns).metrics.filter({ metricDefinitionId: w.cpu, start: '2024-01-01', end: '2024-01-31' }).toArray();
    expect(proxy.requests.at(-1)!.query.toString()).toBe(`page=1&size=2&metric-definition-id=${w.cpu}&start=2024-01-01&end=2024-01-31`);
    expect(filtered.map((m) => m.value)).toEqual([500]);
    expect(filtered[0].metric_definition?.metric_name).toBe('cpu_hours');
  });

  it('gets, finds, pushes and bulk-pushes installation metrics', async () => {
    const metrics = acc.installation(w.cyf).metrics;
    const pushed = await metrics.add(
      JSON.stringify({
        metric_definition_id: w.storage,
        time_period_start: '2024-05-01T00:00:00Z',
        time_period_end: '2024-05-02T00:00:00Z',
        value: 3.5,
        group_id: 'g',
      }),
    );
    expect(pushed).toMatchObject({ id: pushed.metric_id, value: 3.5, group_id: 'g' });
    const push = proxy.requests.at(-1)!;
    expect([push.method, push.path, push.headers['content-type']]).toEqual(['POST', `/installations/${w.cyf}/metrics`, 'application/json']);
    expect(JSON.parse(push.body)).not.toHaveProperty('installation_id');
    const again = await metrics.get(pushed.id);
    expect(again.id).toBe(pushed.id);
    expect(await metrics.find('ffffffffffffffffffffffff')).toBeUndefined();
    const err = (await caught(metrics.get('ffffffffffffffffffffffff'))) as AccServiceError;
    expect(err.message).toBe('While trying the [installation_metrics_entry]: There is no Metric with the following id: ffffffffffffffffffffffff');
    const bulk = await metrics.addMany([
      { metric_definition_id: w.storage, time_period_start: '2024-06-01T00:00:00Z', time_period_end: '2024-06-02T00:00:00Z', value: 1 },
      { metric_definition_id: w.storage, time_period_start: '2024-06-02T00:00:00Z', time_period_end: '2024-06-03T00:00:00Z', value: 2 },
    ]);
    // The bulk body is the JSON array itself, as the spec has it.
    expect(JSON.parse(proxy.requests.at(-1)!.body)).toHaveLength(2);
    expect(bulk.ids).toHaveLength(2);
    expect(await metrics.refresh().count()).toBe(4);
  });

  it('reports the bulk errors list', async () => {
    const err = (await caught(
      acc.installation(w.cyf).metrics.addMany([
        { metric_definition_id: w.storage, time_period_start: '2024-06-01T00:00:00Z', time_period_end: '2024-06-02T00:00:00Z', value: 1 },
        { metric_definition_id: '', time_period_start: '', time_period_end: '', value: 1 },
      ]),
    )) as AccServiceError;
    expect(err.route).toBe('installation_metrics_bulk');
    expect(err.status).toBe(400);
    expect(JSON.parse(err.body).errors[0]).toMatch(/^\[1\] /);
  });

  it('404s name the entry route', async () => {
    const err = (await caught(acc.installations.get('ffffffffffffffffffffffff'))) as AccServiceError;
    expect(err.message).toBe('While trying the [installation_entry]: There is no Installation with the following id: ffffffffffffffffffffffff');
    expect(await acc.projects.find('nope')).toBeUndefined();
  });

  it('capacities, reports and search', async () => {
    const inst = acc.installation(w.cyf);
    await inst.capacities.add({ metric_definition_id: w.cpu, value: 10, registered_on: '2023-01-01' });
    expect((await inst.capacities.toArray()).map((c) => c.value)).toEqual([10]);
    const report = await inst.report({ start: '2024-01-01', end: new Date('2024-01-31T00:00:00Z') });
    expect(proxy.requests.at(-1)!.query.toString()).toBe('start=2024-01-01&end=2024-01-31');
    expect(report.data[0].periods[0]).toMatchObject({ total_value: 7, capacity_value: 10 });
    expect((await acc.project('777536').report({ start: '2024-01-01', end: '2024-12-31' })).data).toHaveLength(2);
    expect((await acc.project('777536').provider(w.grnet).report({ start: '2024-01-01', end: '2024-12-31' })).provider_id).toBe(w.grnet);
    const hits = await acc.search<{ installation: string }>('installations', { type: 'query', field: 'installation', values: 'CYF-CLOUD' }).toArray();
    expect(hits.map((h) => h.installation)).toEqual(['CYF-CLOUD']);
    const search = proxy.requests.at(-1)!;
    expect([search.method, search.path, search.query.toString()]).toEqual(['POST', '/installations/search', 'page=1&size=2']);
  });
});

describe('REST collections on the real server', () => {
  let server: TestServer;
  let acc: AccountingClient;
  beforeAll(async () => {
    server = await startTestServer('pglite');
    acc = new AccountingClient({ endpoint: server.url, token: await server.issuer.token({ entitlements: [ent('role=admin')] }) });
  });
  afterAll(() => server?.close());

  it('creates, gets and pages metric definitions', async () => {
    for (let i = 0; i < 4; i++) await acc.metricDefinitions.create({ metric_name: `m${i}`, unit_type: 'TB', metric_type: 'aggregated' });
    const all = await acc.metricDefinitions.toArray();
    expect(all.map((d) => d.metric_name)).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect((await acc.metricDefinitions.get(all[2].metric_definition_id)).metric_name).toBe('m2');
    const err = (await caught(acc.metricDefinitions.get('507f1f77bcf86cd799439011'))) as AccServiceError;
    expect(err.message).toBe(
      'While trying the [metric_definition_entry]: There is no Metric Definition with the following id: 507f1f77bcf86cd799439011',
    );
    const found = await acc.metricDefinitions.search({ type: 'query', field: 'metric_name', values: 'M1' }).toArray();
    expect(found.map((d) => d.metric_name)).toEqual(['m1']);
  });
});

describe('ARGO collections on the real server', () => {
  let w: World;
  let acc: AccountingClient;
  beforeAll(async () => {
    w = await seedWorld();
    acc = new AccountingClient({ endpoint: w.server.url, token: w.token, pageSize: 1 });
  });
  afterAll(() => w?.close());

  it('walks projects, providers and installations one item per page', async () => {
    expect((await acc.projects.toArray()).map((p) => p.id)).toEqual(['777536', '101017567']);
    expect((await acc.providers.toArray()).map((p) => p.name)).toEqual(['GRNET', 'Cyfronet']);
    expect((await acc.installations.toArray()).map((i) => i.installation)).toEqual(['GRNET-KNS-1', 'CYF-CLOUD']);
  });

  it('navigates project -> provider -> installations and metrics', async () => {
    const project = await acc.projects.get('777536');
    expect(project.providers.map((p) => p.id)).toEqual([w.grnet, w.cyfronet]);
    expect(JSON.parse(JSON.stringify(project))).toEqual(project.toJSON());
    expect((await project.installations.toArray()).map((i) => i.id)).toEqual([w.kns, w.cyf]);
    const grnet = project.providers.get(w.grnet);
    expect((await grnet.installations.toArray()).map((i) => i.installation)).toEqual(['GRNET-KNS-1']);
    expect((await grnet.metrics.toArray()).map((m) => m.value)).toEqual([500, 250, 12.5]);
    expect((await project.metrics.filter({ metricDefinitionId: w.cpu }).toArray()).map((m) => m.value)).toEqual([500, 250, 7]);
    const inst = (await grnet.installations.first())!;
    expect((await inst.metrics.filter({ start: '2024-02-01' }).toArray()).map((m) => m.value)).toEqual([250, 12.5]);
    expect((await inst.capacities.toArray()).map((c) => c.value)).toEqual([1000]);
  });

  it('names spec routes in 404s', async () => {
    const err = (await caught(acc.installations.get('nope'))) as AccServiceError;
    expect(err.message).toBe('While trying the [installation_entry]: There is no Installation with the following id: nope');
    expect(((await caught(acc.projects.get('nope'))) as AccServiceError).message).toBe(
      'While trying the [project_entry]: There is no Project with the following id: nope',
    );
    expect(await acc.providers.find('nope')).toBeUndefined();
    const listErr = (await caught(acc.project('nope').installations.toArray())) as AccServiceError;
    expect(listErr.message).toBe('While trying the [project_installations_list]: There is no Project with the following id: nope');
  });

  it('pushes one metric, then many, idempotently', async () => {
    const metrics = acc.installation(w.cyf).metrics;
    const m = { metric_definition_id: w.storage, time_period_start: '2022-01-01T00:00:00Z', time_period_end: '2022-01-02T00:00:00Z', value: 2 };
    const first = await metrics.add(m, { idempotencyKey: 'client-once' });
    const replay = await metrics.add(m, { idempotencyKey: 'client-once' });
    expect(replay.id).toBe(first.id);
    expect((await metrics.get(first.id)).value).toBe(2);
    const bulk = await metrics.addMany(
      [
        { ...m, value: 3 },
        { ...m, value: 4 },
      ],
      { idempotencyKey: 'client-bulk' },
    );
    expect(bulk.ids).toHaveLength(2);
    expect(bulk.replayed).toBe(false);
    const bulkAgain = await metrics.addMany(
      [
        { ...m, value: 3 },
        { ...m, value: 4 },
      ],
      { idempotencyKey: 'client-bulk' },
    );
    expect(bulkAgain).toEqual({ ...bulk, replayed: true });
    expect((await metrics.filter({ metricDefinitionId: w.storage }).toArray()).map((x) => x.value)).toEqual([2, 3, 4]);
    const missing = (await caught(metrics.get('ffffffffffffffffffffffff'))) as AccServiceError;
    expect(missing.message).toBe('While trying the [installation_metrics_entry]: There is no Metric with the following id: ffffffffffffffffffffffff');
  });

  it('reports usage against capacity', async () => {
    const report = await acc.installation(w.kns).report({ start: '2024-01-01', end: '2024-12-31' });
    const cpu = report.data.find((d) => d.metric_definition_id === w.cpu)!;
    expect(cpu.periods).toEqual([expect.objectContaining({ total_value: 750, capacity_value: 1000, usage_percentage: 75 })]);
    expect((await acc.project('777536').report({ start: '2024-01-01', end: '2024-12-31' })).data).toHaveLength(2);
  });
});
