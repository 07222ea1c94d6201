import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { Fixtures, tokenWith, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';
const YEAR = 'start=2024-01-01&end=2024-12-31';
const S = '2024-01-01T00:00:00Z';
const E = '2024-12-31T00:00:00Z';
const JULY = '2024-07-01T00:00:00Z';

/**
 * Hand-computed stage (window 2024-01-01 .. 2024-12-31, both 00:00Z):
 * - i1 (PR, pv1), definition A: capacity 1000 from 2023-06-01, then 0 from 2024-07-01. Metrics: 1234.56 in
 *   February (group g1), 500 straddling 2024-07-01 (counted nowhere), 750 in August, 99 in 2023 (outside).
 *   Definition B: one metric in 2023 only (no metrics in the window).
 * - i2 (PR, pv2), definition A: capacity 1000 from 2024-01-01. Metrics 750 (group g1, user u1) and 250 (group g2).
 * - i3 (PR2, pv1), definition A: 5 in May.
 * - pv3 is associated with PR without installations; pv1 is also associated with PR3 without installations.
 */
describe.each(backends)('reports (%s)', (backend) => {
  let s: TestServer;
  let f: Fixtures;
  let admin: string;
  let i1: InstallationFixture;
  let i2: InstallationFixture;
  let i3: InstallationFixture;
  let A: Record<string, unknown>;
  let B: Record<string, unknown>;

  beforeAll(async () => {
    s = await startTestServer(backend);
    f = Fixtures.of(s);
    admin = await tokenWith(s, ent('role=admin'));
    await f.project('PR', { acronym: 'PRA', title: 'Project R', startDate: '2024-01-01', endDate: '2025-12-31', callIdentifier: 'H2020' });
    await f.project('PR2');
    await f.project('PR3');
    await f.provider('pv1', { name: 'Provider One', website: 'https://one', abbreviation: 'P1', logo: 'logo.png', externalId: 'ext-pv1' });
    await f.provider('pv2');
    await f.provider('pv3');
    for (const [p, pv] of [
      ['PR', 'pv1'],
      ['PR', 'pv2'],
      ['PR', 'pv3'],
      ['PR2', 'pv1'],
      ['PR3', 'pv1'],
    ])
      await f.associate(p, pv);
    await f.resource('res-1');
    i1 = await f.installation('PR', 'pv1', { installation: 'I-ONE', infrastructure: 'infra', resourceId: 'res-1', externalId: 'ext-i1' });
    i2 = await f.installation('PR', 'pv2', { installation: 'I-TWO', infrastructure: null });
    i3 = await f.installation('PR2', 'pv1', { installation: 'I-THREE' });
    const a = await f.definition({ metricName: 'storage', metricDescription: 'stored bytes', unitType: 'TB', metricType: 'aggregated' });
    const b = await f.definition({ metricName: 'cpu', metricDescription: null, unitType: 'CPU Time', metricType: 'count' });
    await f.definition({ metricName: 'unused' });
    A = { metric_definition_id: a, metric_name: 'storage', metric_description: 'stored bytes', unit_type: 'TB', metric_type: 'aggregated' };
    B = { metric_definition_id: b, metric_name: 'cpu', metric_description: null, unit_type: 'CPU Time', metric_type: 'count' };

    await f.capacity(i1.id, a, '1000', '2023-06-01T00:00:00Z');
    await f.capacity(i1.id, a, '0', JULY);
    await f.capacity(i2.id, a, '1000', S);
    await f.metric(i1, a, '2024-02-01T00:00:00Z', '2024-02-02T00:00:00Z', 1234.56, { groupId: 'g1' });
    await f.metric(i1, a, '2024-06-30T12:00:00Z', '2024-07-01T12:00:00Z', 500);
    await f.metric(i1, a, '2024-08-01T00:00:00Z', '2024-08-02T00:00:00Z', 750);
    await f.metric(i1, a, '2023-03-01T00:00:00Z', '2023-03-02T00:00:00Z', 99);
    await f.metric(i1, b, '2023-05-01T00:00:00Z', '2023-05-02T00:00:00Z', 5);
    await f.metric(i2, a, '2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z', 750, { groupId: 'g1', userId: 'u1' });
    await f.metric(i2, a, '2024-04-01T00:00:00Z', '2024-04-02T00:00:00Z', 250, { groupId: 'g2' });
    await f.metric(i3, a, '2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z', 5);
  });
  afterAll(() => s?.close());

  const get = async (path: string, token = admin) => s.call('GET', `${API}${path}`, { token });

  const i1Head = () => ({
    installation_id: i1.id,
    project: 'PR',
    provider: 'pv1',
    installation: 'I-ONE',
    infrastructure: 'infra',
    resource: 'res-1',
    external_id: 'ext-i1',
  });
  const i1Year = () => ({
    ...i1Head(),
    data: [
      {
        ...A,
        periods: [
          { from: S, to: JULY, total_value: 1234.56, capacity_value: 1000, usage_percentage: 123.46 },
          { from: JULY, to: E, total_value: 750, capacity_value: 0 },
        ],
      },
      { ...B, periods: [{ from: S, to: E, total_value: 0 }] },
    ],
  });
  const i2Year = (total: number, usage: number) => ({
    installation_id: i2.id,
    project: 'PR',
    provider: 'pv2',
    installation: 'I-TWO',
    infrastructure: null,
    resource: '',
    external_id: i2.externalId,
    data: [{ ...A, periods: [{ from: S, to: E, total_value: total, capacity_value: 1000, usage_percentage: usage }] }],
  });
  const pv1Head = { provider_id: 'pv1', name: 'Provider One', website: 'https://one', abbreviation: 'P1', logo: 'logo.png', external_id: 'ext-pv1' };
  const byDefinition = (aggregated: { metric_definition_id: string; total_value: number }[]) =>
    Object.fromEntries(aggregated.map((m) => [m.metric_definition_id, m.total_value]));

  describe('installation report', () => {
    it('splits by capacity, skips straddling metrics, keeps unused-in-window definitions, rounds half-up', async () => {
      const r = await get(`/installations/${i1.id}/report?${YEAR}`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual(i1Year());
      expect((await get(`/installations/${i2.id}/report?${YEAR}`)).body).toEqual(i2Year(1000, 100));
    });

    it('allows equal dates: zero-length periods are kept', async () => {
      const r = await get(`/installations/${i1.id}/report?start=2024-03-01&end=2024-03-01`);
      const at = '2024-03-01T00:00:00Z';
      expect(r.body.data).toEqual([
        { ...A, periods: [{ from: at, to: at, total_value: 0, capacity_value: 1000, usage_percentage: 0 }] },
        { ...B, periods: [{ from: at, to: at, total_value: 0 }] },
      ]);
      // i2's only capacity predates the day, so §5 yields no period at all.
      expect((await get(`/installations/${i2.id}/report?start=2024-03-01&end=2024-03-01`)).body.data).toEqual([{ ...A, periods: [] }]);
    });

    it('reports an installation without metrics with empty data', async () => {
      // A stage of its own, so the provider and project reports below stay as computed.
      await f.project('PR4');
      await f.provider('pv4');
      await f.associate('PR4', 'pv4');
      const empty = await f.installation('PR4', 'pv4');
      expect((await get(`/installations/${empty.id}/report?${YEAR}`)).body.data).toEqual([]);
    });

    it('rounds half-up in exact decimal, where binary floating point would round down', async () => {
      // 1.00185 is 1.00184999… in binary: Math.round(x * 1e4) / 1e4 gives 1.0018, exact half-up 1.0019.
      await f.project('PR5');
      await f.provider('pv5');
      await f.associate('PR5', 'pv5');
      const inst = await f.installation('PR5', 'pv5');
      const def = await f.definition();
      await f.capacity(inst.id, def, '1', '2023-01-01T00:00:00Z');
      await f.metric(inst, def, '2024-02-01T00:00:00Z', '2024-02-02T00:00:00Z', 1.00185);
      const [period] = (await get(`/installations/${inst.id}/report?${YEAR}`)).body.data[0].periods;
      expect(period).toEqual({ from: S, to: E, total_value: 1.00185, capacity_value: 1, usage_percentage: 100.19 });
    });

    it('finds the installation by external id', async () => {
      expect((await get(`/installations/external/report?externalId=ext-i1&${YEAR}`)).body).toEqual(i1Year());
      expect((await get(`/installations/external/report?${YEAR}`)).body).toEqual({ code: 400, message: 'externalId may not be empty.' });
      expect((await get(`/installations/external/report?externalId=nope&${YEAR}`)).body).toEqual({
        code: 404,
        message: 'There is no Installation with external id: nope',
      });
    });

    it('is INS[admin,viewer]', async () => {
      const viewer = await tokenWith(s, ent(`PR:pv1:${i1.id}:role=viewer`));
      expect((await get(`/installations/${i1.id}/report?${YEAR}`, viewer)).status).toBe(200);
      expect((await get(`/installations/${i2.id}/report?${YEAR}`, viewer)).body).toEqual({ code: 403, message: FORBIDDEN });
      expect((await get(`/installations/ghost/report?${YEAR}`, viewer)).body).toEqual({
        code: 404,
        message: 'There is no Installation with the following id: ghost',
      });
    });
  });

  describe('query validation (§5)', () => {
    const paths = () => [
      `/installations/${i1.id}/report`,
      '/installations/external/report?externalId=ext-i1',
      '/projects/PR/providers/pv1/report',
      '/projects/PR/providers/external/report?externalProviderId=ext-pv1',
      '/projects/PR/report',
      '/providers/pv1/report',
      '/providers/report/external?externalId=ext-pv1',
      '/projects/projects/PR/groups/g1/report',
      '/projects/PR/groups/g1/report',
      '/projects/projects/PR/users/u1/report',
      '/projects/PR/users/u1/report',
    ];
    const withQuery = (path: string, q: string) => `${path}${path.includes('?') ? '&' : '?'}${q}`;

    it('needs start and end as yyyy-MM-dd on every report', async () => {
      for (const path of paths()) {
        expect((await get(withQuery(path, 'end=2024-12-31'))).body, path).toEqual({ code: 400, message: 'start may not be empty.' });
        expect((await get(withQuery(path, 'start=&end=2024-12-31'))).body, path).toEqual({ code: 400, message: 'start may not be empty.' });
        expect((await get(withQuery(path, 'start=2024-01-01'))).body, path).toEqual({ code: 400, message: 'end may not be empty.' });
        expect((await get(withQuery(path, 'start=2024-1-1&end=2024-12-31'))).body, path).toEqual({
          code: 400,
          message: 'Valid date format is yyyy-MM-dd.',
        });
        expect((await get(withQuery(path, 'start=2024-01-01&end=2024-02-30'))).body, path).toEqual({
          code: 400,
          message: 'Valid date format is yyyy-MM-dd.',
        });
      }
    });

    it('refuses start after end only on the ✓ endpoints', async () => {
      for (const path of paths()) {
        const r = await get(withQuery(path, 'start=2024-12-31&end=2024-01-01'));
        if (path.includes('/groups/') || path.includes('/users/')) expect(r.status, path).toBe(200);
        else expect(r.body, path).toEqual({ code: 400, message: 'Start date must be before or equal to end date.' });
      }
    });

    it('validates the query before looking anything up', async () => {
      expect((await get('/installations/ghost/report?start=x&end=2024-01-01')).body.code).toBe(400);
      expect((await get('/projects/nope/report?end=2024-01-01')).body.message).toBe('start may not be empty.');
    });
  });

  describe('provider report within a project', () => {
    it('covers the provider installations in the project and aggregates every period', async () => {
      const r = await get(`/projects/PR/providers/pv1/report?${YEAR}`);
      expect(r.body).toMatchObject({ ...pv1Head, data: [i1Year()] });
      expect(r.body.aggregated_metrics).toHaveLength(2);
      expect(r.body.aggregated_metrics).toContainEqual({ ...B, total_value: 0 });
      expect(byDefinition(r.body.aggregated_metrics)[A.metric_definition_id as string]).toBeCloseTo(1984.56, 9);
      expect(
        r.body.aggregated_metrics.find((m: { metric_definition_id: string }) => m.metric_definition_id === A.metric_definition_id),
      ).toMatchObject(A);
    });

    it('finds the provider by external id among the project providers', async () => {
      const r = await get(`/projects/PR/providers/external/report?externalProviderId=ext-pv2&${YEAR}`);
      expect(r.body).toEqual({
        provider_id: 'pv2',
        name: 'Provider pv2',
        website: null,
        abbreviation: null,
        logo: null,
        external_id: 'ext-pv2',
        aggregated_metrics: [{ ...A, total_value: 1000 }],
        data: [i2Year(1000, 100)],
      });
      expect((await get(`/projects/PR/providers/external/report?${YEAR}`)).body).toEqual({
        code: 400,
        message: 'externalProviderId may not be empty.',
      });
      expect((await get(`/projects/PR2/providers/external/report?externalProviderId=ext-pv2&${YEAR}`)).body).toEqual({
        code: 404,
        message: 'There is no Provider with external id: ext-pv2',
      });
    });

    it('is PRV[admin,viewer], 404s first', async () => {
      const provViewer = await tokenWith(s, ent('PR:pv1:role=viewer'));
      expect((await get(`/projects/PR/providers/pv1/report?${YEAR}`, provViewer)).status).toBe(200);
      expect((await get(`/projects/PR/providers/pv2/report?${YEAR}`, provViewer)).body).toEqual({ code: 403, message: FORBIDDEN });
      const insViewer = await tokenWith(s, ent(`PR:pv1:${i1.id}:role=viewer`));
      expect((await get(`/projects/PR/providers/pv1/report?${YEAR}`, insViewer)).status).toBe(403);
      expect((await get(`/projects/nope/providers/pv1/report?${YEAR}`, insViewer)).body).toEqual({
        code: 404,
        message: 'There is no Project with the following id: nope',
      });
      expect((await get(`/projects/PR/providers/nope/report?${YEAR}`, insViewer)).body).toEqual({
        code: 404,
        message: 'There is no Provider with the following id: nope',
      });
    });
  });

  describe('project report', () => {
    it('has one provider report per associated provider and sums their aggregates', async () => {
      const r = await get(`/projects/PR/report?${YEAR}`);
      expect(r.body).toMatchObject({
        id: 'PR',
        acronym: 'PRA',
        title: 'Project R',
        start_date: '2024-01-01',
        end_date: '2025-12-31',
        call_identifier: 'H2020',
      });
      expect(r.body.data.map((p: { provider_id: string }) => p.provider_id)).toEqual(['pv1', 'pv2', 'pv3']);
      expect(r.body.data[0].data).toEqual([i1Year()]);
      expect(r.body.data[1].data).toEqual([i2Year(1000, 100)]);
      expect(r.body.data[2]).toMatchObject({ provider_id: 'pv3', aggregated_metrics: [], data: [] });
      const totals = byDefinition(r.body.aggregated_metrics);
      expect(Object.keys(totals)).toHaveLength(2);
      expect(totals[A.metric_definition_id as string]).toBeCloseTo(2984.56, 9);
      expect(totals[B.metric_definition_id as string]).toBe(0);
    });

    it('narrows every sum to a group or a user, under both path forms', async () => {
      for (const prefix of ['/projects/projects/PR', '/projects/PR']) {
        const group = (await get(`${prefix}/groups/g1/report?${YEAR}`)).body;
        expect(group.data[0].data[0].data[0].periods).toEqual([
          { from: S, to: JULY, total_value: 1234.56, capacity_value: 1000, usage_percentage: 123.46 },
          { from: JULY, to: E, total_value: 0, capacity_value: 0 },
        ]);
        // The definitions still come from all of the installation's metrics.
        expect(group.data[0].data[0].data[1]).toEqual({ ...B, periods: [{ from: S, to: E, total_value: 0 }] });
        expect(group.data[1].data).toEqual([i2Year(750, 75)]);
        expect(byDefinition(group.aggregated_metrics)[A.metric_definition_id as string]).toBeCloseTo(1984.56, 9);

        const user = (await get(`${prefix}/users/u1/report?${YEAR}`)).body;
        expect(user.data[0].data[0].data[0].periods[0]).toEqual({ from: S, to: JULY, total_value: 0, capacity_value: 1000, usage_percentage: 0 });
        expect(user.data[1].data).toEqual([i2Year(750, 75)]);
        expect(byDefinition(user.aggregated_metrics)).toEqual({ [A.metric_definition_id as string]: 750, [B.metric_definition_id as string]: 0 });
      }
    });

    it('is PRJ[admin,viewer], 404 first', async () => {
      const projectViewer = await tokenWith(s, ent('PR:role=viewer'));
      expect((await get(`/projects/PR/report?${YEAR}`, projectViewer)).status).toBe(200);
      expect((await get(`/projects/PR/users/u1/report?${YEAR}`, projectViewer)).status).toBe(200);
      const provAdmin = await tokenWith(s, ent('PR:pv1:role=admin'));
      expect((await get(`/projects/PR/report?${YEAR}`, provAdmin)).body).toEqual({ code: 403, message: FORBIDDEN });
      expect((await get(`/projects/projects/PR/groups/g1/report?${YEAR}`, provAdmin)).status).toBe(403);
      expect((await get(`/projects/nope/report?${YEAR}`, provAdmin)).body).toEqual({
        code: 404,
        message: 'There is no Project with the following id: nope',
      });
    });
  });

  describe('provider-wide report', () => {
    it('has one report per project where the provider has installations', async () => {
      const r = await get(`/providers/pv1/report?${YEAR}`);
      expect(r.status).toBe(200);
      expect(r.body.reports.map((p: { data: { project: string }[] }) => p.data.map((d) => d.project))).toEqual([['PR'], ['PR2']]);
      expect(r.body.reports[0]).toMatchObject({ ...pv1Head, data: [i1Year()] });
      expect(r.body.reports[1].data[0]).toMatchObject({ installation_id: i3.id, data: [{ ...A, periods: [{ from: S, to: E, total_value: 5 }] }] });
      expect(r.body.reports[1].aggregated_metrics).toEqual([{ ...A, total_value: 5 }]);
      const totals = byDefinition(r.body.aggregated_metrics);
      expect(totals[A.metric_definition_id as string]).toBeCloseTo(1989.56, 9);
      expect(totals[B.metric_definition_id as string]).toBe(0);
      expect((await get(`/providers/pv3/report?${YEAR}`)).body).toEqual({ reports: [], aggregated_metrics: [] });
    });

    it('finds the provider by external id, with its own 404 text', async () => {
      const r = await get(`/providers/report/external?externalId=ext-pv1&${YEAR}`);
      expect(r.body.reports).toHaveLength(2);
      expect((await get(`/providers/report/external?externalId=nope&${YEAR}`)).body).toEqual({
        code: 404,
        message: 'There is no Provider with external id : nope',
      });
      expect((await get(`/providers/report/external?${YEAR}`)).body).toEqual({ code: 400, message: 'externalId may not be empty.' });
    });

    it('is PREP: provider representatives (admin) only', async () => {
      const representative = await tokenWith(s, ent('roles:provider:pv1:role=admin'));
      expect((await get(`/providers/pv1/report?${YEAR}`, representative)).status).toBe(200);
      expect((await get(`/providers/report/external?externalId=ext-pv1&${YEAR}`, representative)).status).toBe(200);
      const denied = { code: 403, message: 'You have no access to execute this operation.' };
      expect((await get(`/providers/pv2/report?${YEAR}`, representative)).body).toEqual(denied);
      expect((await get(`/providers/pv1/report?${YEAR}`, await tokenWith(s, ent('roles:provider:pv1:role=viewer')))).body).toEqual(denied);
      expect((await get(`/providers/pv1/report?${YEAR}`, await tokenWith(s, ent('PR:role=admin')))).body).toEqual(denied);
      expect((await get(`/providers/nope/report?${YEAR}`, representative)).body).toEqual({
        code: 404,
        message: 'There is no Provider with the following id: nope',
      });
    });
  });

  it('sums in exact decimal at every level: ten times 0.1 is 1, not 0.9999999999999999', async () => {
    await f.project('PRX');
    await f.provider('pvx1');
    await f.provider('pvx2');
    await f.associate('PRX', 'pvx1');
    await f.associate('PRX', 'pvx2');
    const x1 = await f.installation('PRX', 'pvx1');
    const x2 = await f.installation('PRX', 'pvx1');
    const x3 = await f.installation('PRX', 'pvx2');
    const def = await f.definition();
    for (let d = 1; d <= 10; d++)
      await f.metric(x1, def, `2024-03-${String(d).padStart(2, '0')}T00:00:00Z`, `2024-03-${String(d).padStart(2, '0')}T01:00:00Z`, 0.1, {
        groupId: 'gx',
      });
    // Two periods of x2 (capacity from June) add up to 0.3 in the provider aggregate, where 0.1 + 0.2 drifts.
    await f.capacity(x2.id, def, '1', '2024-06-01T00:00:00Z');
    await f.metric(x2, def, '2024-02-01T00:00:00Z', '2024-02-02T00:00:00Z', 0.1);
    await f.metric(x2, def, '2024-07-01T00:00:00Z', '2024-07-02T00:00:00Z', 0.2);
    await f.metric(x3, def, '2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z', 50000.2);
    await f.metric(x3, def, '2024-05-03T00:00:00Z', '2024-05-04T00:00:00Z', 10308.2);
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(50000.2 + 10308.2).not.toBe(60308.4);

    const totalOf = (report: { aggregated_metrics: { total_value: number }[] }) => report.aggregated_metrics.map((m) => m.total_value);
    const installation = (await get(`/installations/${x1.id}/report?${YEAR}`)).body;
    expect(installation.data[0].periods.map((p: { total_value: number }) => p.total_value)).toEqual([1]);
    const x3Report = (await get(`/installations/${x3.id}/report?${YEAR}`)).body;
    expect(x3Report.data[0].periods[0].total_value).toBe(60308.4);
    expect(totalOf((await get(`/projects/PRX/providers/pvx1/report?${YEAR}`)).body)).toEqual([1.3]);
    const project = (await get(`/projects/PRX/report?${YEAR}`)).body;
    expect(project.data.map(totalOf)).toEqual([[1.3], [60308.4]]);
    expect(totalOf(project)).toEqual([60309.7]);
    expect(totalOf((await get(`/projects/PRX/groups/gx/report?${YEAR}`)).body)).toEqual([1]);
    const x2Periods = (await get(`/installations/${x2.id}/report?${YEAR}`)).body.data[0].periods;
    expect(x2Periods.map((p: { total_value: number }) => p.total_value)).toEqual([0.1, 0.2]);

    const viaTrpc = await trpc(s, 'query', 'reports.project', { project_id: 'PRX', start: '2024-01-01', end: '2024-12-31' }, admin);
    expect(totalOf(viaTrpc.body.result.data)).toEqual([60309.7]);
    expect(viaTrpc.body.result.data.data[0].data[0].data[0].periods[0].total_value).toBe(1);
  });

  it('serves reports over tRPC', async () => {
    const r = await trpc(s, 'query', 'reports.installation', { installation_id: i1.id, start: '2024-01-01', end: '2024-12-31' }, admin);
    expect(r.body.result.data).toEqual(i1Year());
    const bad = await trpc(s, 'query', 'reports.project', { project_id: 'PR', start: '2024-12-31', end: '2024-01-01' }, admin);
    expect(bad.body.error.data.httpStatus).toBe(400);
    expect(bad.body.error.message).toBe('Start date must be before or equal to end date.');
  });
});
