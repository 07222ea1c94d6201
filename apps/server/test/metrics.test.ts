import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { Fixtures, stage, tokenWith, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';

const body = (over: Record<string, unknown> = {}) => ({
  metric_definition_id: DEF,
  time_period_start: '2024-01-01T00:00:00Z',
  time_period_end: '2024-01-02T00:00:00Z',
  value: 10.8,
  ...over,
});
let DEF = '';

describe.each(backends)('metrics (%s)', (backend) => {
  let s: TestServer;
  let f: Fixtures;
  let admin: string;
  let inst: InstallationFixture;
  let P: string;
  let prov: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    f = Fixtures.of(s);
    admin = await tokenWith(s, ent('role=admin'));
    const staged = await stage(f, 'P1', 'prov1');
    ({ inst, projectId: P, providerId: prov } = staged);
    DEF = staged.def;
  });
  afterAll(() => s?.close());

  const push = (installationId: string, payload: unknown, token = admin, headers: Record<string, string> = {}) =>
    s.call('POST', `${API}/installations/${installationId}/metrics`, { token, body: payload, headers });

  describe('POST /installations/{id}/metrics', () => {
    it('stores the metric with its denormalised fields and answers 201 with Location', async () => {
      await f.resource('res-1');
      const withResource = await f.installation(P, prov, { installation: 'GRNET-KNS-1', infrastructure: 'okeanos', resourceId: 'res-1' });
      const r = await push(
        withResource.id,
        body({ group_id: 'g1', user_id: 'u1' }),
        await s.issuer.token({ sub: 'pusher', entitlements: [ent('role=admin')] }),
      );
      expect(r.status).toBe(201);
      expect(r.body).toEqual({
        metric_id: expect.stringMatching(/^[0-9a-f]{24}$/),
        metric_definition_id: DEF,
        time_period_start: '2024-01-01T00:00:00Z',
        time_period_end: '2024-01-02T00:00:00Z',
        value: 10.8,
        group_id: 'g1',
        user_id: 'u1',
      });
      expect(r.headers.get('location')).toBe(`http://acc.test${API}/installations/${withResource.id}/metrics/${r.body.metric_id}`);
      const [row] = await s.app.database.dataSource.query('SELECT * FROM metrics WHERE id = $1', [r.body.metric_id]);
      expect(row).toMatchObject({
        installation_id: withResource.id,
        project_id: P,
        provider_id: prov,
        project_acronym: `ACR-${P}`,
        installation_name: 'GRNET-KNS-1',
        infrastructure: 'okeanos',
        resource: 'res-1',
        resource_id: `${P}.${prov}.${withResource.id}`,
        creator_id: 'pusher',
      });
    });

    it('coerces a numeric string value, defaults an absent value to 0 and omits absent ids', async () => {
      const coerced = await push(inst.id, body({ value: '10.8' }));
      expect(coerced.body.value).toBe(10.8);
      const { value: _v, ...noValue } = body();
      const r = await push(inst.id, noValue);
      expect(r.status).toBe(201);
      expect(r.body.value).toBe(0);
      expect(r.body).not.toHaveProperty('group_id');
      expect(r.body).not.toHaveProperty('user_id');
      expect((await push(inst.id, body({ value: -2.5, time_period_start: '2024-01-01T00:00:00.250Z' }))).body).toMatchObject({
        value: -2.5,
        time_period_start: '2024-01-01T00:00:00.250Z',
      });
    });

    it('applies the seven rules in order with their messages', async () => {
      const cases: [Record<string, unknown>, number, string][] = [
        [{ metric_definition_id: '', time_period_start: 'bad' }, 400, 'metric_definition_id may not be empty.'],
        [{ metric_definition_id: 'nope', time_period_start: '' }, 404, 'There is no Metric Definition with the following id: nope'],
        [{ time_period_start: null, time_period_end: 'bad' }, 400, 'time_period_start may not be empty.'],
        [{ time_period_start: 'bad', time_period_end: '' }, 400, 'time_period_end may not be empty.'],
        [
          { time_period_start: '2024-01-01T00:00:00', time_period_end: 'bad' },
          400,
          'time_period_start must be a valid zulu timestamp. found: 2024-01-01T00:00:00',
        ],
        [{ time_period_end: '2024-02-30T00:00:00Z' }, 400, 'time_period_end must be a valid zulu timestamp. found: 2024-02-30T00:00:00Z'],
        [
          { time_period_end: '2999-01-01T00:00:00Z', time_period_start: '2024-01-02T00:00:00Z' },
          400,
          'Timestamp cannot be after the current date-time.',
        ],
        [{ time_period_end: '2024-01-01T00:00:00Z' }, 400, 'Timestamp of the starting date time cannot be equal to Timestamp of the end date time.'],
        [
          { time_period_start: '2024-01-03T00:00:00Z' },
          400,
          'Timestamp of the starting date time cannot be after of Timestamp of the end date time.',
        ],
        [{ value: 'ten' }, 400, 'value must be a number.'],
      ];
      for (const [over, status, message] of cases) {
        const r = await push(inst.id, body(over));
        expect({ over, status: r.status, body: r.body }).toEqual({ over, status, body: { code: status, message } });
      }
    });

    it('checks token, Content-Type and body before anything else', async () => {
      expect((await s.call('POST', `${API}/installations/${inst.id}/metrics`, { body: body() })).status).toBe(401);
      const noType = await s.call('POST', `${API}/installations/${inst.id}/metrics`, {
        token: admin,
        body: JSON.stringify(body()),
        headers: { 'Content-Type': 'text/plain' },
      });
      expect(noType.body).toEqual({ code: 415, message: 'Cannot consume content type.' });
      expect(
        (await s.call('POST', `${API}/installations/${inst.id}/metrics`, { token: admin, body: '', headers: { 'Content-Type': 'application/json' } }))
          .body,
      ).toEqual({
        code: 400,
        message: 'The request body is empty.',
      });
      expect((await push(inst.id, 'null')).body).toEqual({ code: 400, message: 'The request body is empty.' });
    });

    it('validates the body before the installation (404) and the installation before access (403)', async () => {
      expect((await push('ghost', body({ metric_definition_id: '' }))).body.message).toBe('metric_definition_id may not be empty.');
      expect((await push('ghost', body())).body).toEqual({ code: 404, message: 'There is no Installation with the following id: ghost' });
      const stranger = await tokenWith(s, ent('other:role=admin'));
      expect((await push('ghost', body(), stranger)).status).toBe(404);
      expect((await push(inst.id, body(), stranger)).body).toEqual({ code: 403, message: FORBIDDEN });
    });

    it('is INS[admin]: installation and provider-role admins push, viewers do not', async () => {
      const viewer = await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=viewer`));
      expect((await push(inst.id, body(), viewer)).status).toBe(403);
      expect((await push(inst.id, body(), await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=admin`)))).status).toBe(201);
      expect((await push(inst.id, body(), await tokenWith(s, ent(`roles:provider:${prov}:role=admin`)))).status).toBe(201);
      expect((await push(inst.id, body(), await tokenWith(s, ent(`${P}:role=admin`)))).status).toBe(201);
    });

    it('works over tRPC', async () => {
      const ok = await trpc(s, 'mutation', 'metrics.push', { installation_id: inst.id, ...body() }, admin);
      expect(ok.body.result.data).toMatchObject({ metric_definition_id: DEF, value: 10.8 });
      const bad = await trpc(s, 'mutation', 'metrics.push', { installation_id: inst.id, ...body({ time_period_end: 'x' }) }, admin);
      expect(bad.body.error.data.httpStatus).toBe(400);
      expect(bad.body.error.message).toBe('time_period_end must be a valid zulu timestamp. found: x');
    });
  });

  describe('POST /installations/external/metrics', () => {
    it('pushes to the installation with that external id', async () => {
      const r = await s.call('POST', `${API}/installations/external/metrics?externalId=${inst.externalId}`, { token: admin, body: body() });
      expect(r.status).toBe(201);
      expect(r.headers.get('location')).toBe(`http://acc.test${API}/installations/external/metrics/${r.body.metric_id}`);
      const [row] = await s.app.database.dataSource.query('SELECT installation_id FROM metrics WHERE id = $1', [r.body.metric_id]);
      expect(row.installation_id).toBe(inst.id);
    });

    it('needs a known externalId', async () => {
      expect((await s.call('POST', `${API}/installations/external/metrics`, { token: admin, body: body() })).body).toEqual({
        code: 400,
        message: 'externalId may not be empty.',
      });
      // Over REST the id travels only in the query string: one in the body does not count.
      expect(
        (await s.call('POST', `${API}/installations/external/metrics`, { token: admin, body: body({ externalId: inst.externalId }) })).body,
      ).toEqual({
        code: 400,
        message: 'externalId may not be empty.',
      });
      expect(
        (await s.call('POST', `${API}/installations/external/metrics?externalId=nope`, { token: admin, body: body({ externalId: inst.externalId }) }))
          .body,
      ).toEqual({
        code: 404,
        message: 'There is no Installation with external id: nope',
      });
      const viewer = await tokenWith(s, ent(`${P}:role=viewer`));
      expect(
        (await s.call('POST', `${API}/installations/external/metrics?externalId=${inst.externalId}`, { token: viewer, body: body() })).status,
      ).toBe(403);
    });

    it('takes the externalId from the input over tRPC', async () => {
      const r = await trpc(s, 'mutation', 'metrics.pushExternal', { externalId: inst.externalId, ...body() }, admin);
      expect(r.body.result.data.metric_definition_id).toBe(DEF);
    });
  });

  describe('GET/PATCH/DELETE /installations/{iid}/metrics/{id}', () => {
    let metricId: string;
    let other: InstallationFixture;
    beforeAll(async () => {
      metricId = (await push(inst.id, body({ group_id: 'g' }))).body.metric_id;
      other = await f.installation(P, prov);
    });
    const one = (iid = inst.id, id = metricId) => `${API}/installations/${iid}/metrics/${id}`;

    it('GET answers the push shape, scoped to the path installation', async () => {
      expect((await s.call('GET', one(), { token: admin })).body).toEqual({
        metric_id: metricId,
        metric_definition_id: DEF,
        time_period_start: '2024-01-01T00:00:00Z',
        time_period_end: '2024-01-02T00:00:00Z',
        value: 10.8,
        group_id: 'g',
      });
      expect((await s.call('GET', one(other.id), { token: admin })).body).toEqual({
        code: 404,
        message: `There is no Metric with the following id: ${metricId}`,
      });
      expect((await s.call('GET', one(inst.id, 'nope'), { token: admin })).body).toEqual({
        code: 404,
        message: 'There is no Metric with the following id: nope',
      });
      expect((await s.call('GET', one('ghost'), { token: admin })).body.message).toBe('There is no Installation with the following id: ghost');
      expect((await s.call('GET', one(), { token: await tokenWith(s, ent(`${P}:role=viewer`)) })).status).toBe(403);
      const viaTrpc = await trpc(s, 'query', 'metrics.get', { installation_id: inst.id, metric_id: metricId }, admin);
      expect(viaTrpc.body.result.data.metric_id).toBe(metricId);
    });

    it('PATCH merges the given fields and ignores empty ones', async () => {
      const def2 = await f.definition();
      const r = await s.call('PATCH', one(), {
        token: admin,
        body: { value: 3, metric_definition_id: def2, user_id: 'u9', group_id: '', time_period_start: null, time_period_end: '2024-01-03T00:00:00Z' },
      });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        metric_id: metricId,
        metric_definition_id: def2,
        time_period_start: '2024-01-01T00:00:00Z',
        time_period_end: '2024-01-03T00:00:00Z',
        value: 3,
        group_id: 'g',
        user_id: 'u9',
      });
      expect((await s.call('GET', one(), { token: admin })).body).toEqual(r.body);
    });

    it('PATCH reports every rule', async () => {
      const patch = async (b: unknown, url = one()) => (await s.call('PATCH', url, { token: admin, body: b })).body;
      expect(await patch('')).toEqual({ code: 400, message: 'The request body is empty.' });
      expect(await patch({ time_period_start: 'x' })).toEqual({ code: 400, message: 'time_period_start must be a valid zulu timestamp. found: x' });
      expect(await patch({ metric_definition_id: 'nope' })).toEqual({
        code: 404,
        message: 'There is no Metric Definition with the following id: nope',
      });
      expect(await patch({ time_period_end: '2999-01-01T00:00:00Z' })).toEqual({
        code: 400,
        message: 'Timestamp cannot be after the current date-time.',
      });
      expect(await patch({ time_period_start: '2024-02-01T00:00:00Z' })).toEqual({
        code: 400,
        message: 'Timestamp of the starting date time cannot be after of Timestamp of the end date time.',
      });
      expect(await patch({ time_period_end: '2023-12-01T00:00:00Z' })).toEqual({
        code: 400,
        message: 'Timestamp of the end date time cannot be before of Timestamp of the starting date time.',
      });
      expect(await patch({ time_period_start: '2023-05-02T00:00:00Z', time_period_end: '2023-05-01T00:00:00Z' })).toEqual({
        code: 400,
        message: 'Timestamp of the starting date time cannot be after of Timestamp of the end date time.',
      });
      expect(await patch({ time_period_end: '2024-01-01T00:00:00Z' })).toEqual({
        code: 400,
        message: 'Timestamp of the starting date time cannot be equal to Timestamp of the end date time.',
      });
      expect(await patch({ value: 1 }, one(other.id))).toEqual({ code: 404, message: `There is no Metric with the following id: ${metricId}` });
      const viewer = await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=viewer`));
      expect((await s.call('PATCH', one(), { token: viewer, body: { value: 1 } })).status).toBe(403);
    });

    it('DELETE removes it once', async () => {
      const id = (await push(inst.id, body())).body.metric_id;
      expect((await s.call('DELETE', one(other.id, id), { token: admin })).status).toBe(404);
      expect((await s.call('DELETE', one(inst.id, id), { token: admin })).body).toEqual({
        code: 200,
        message: 'Metric has been deleted successfully.',
      });
      expect((await s.call('DELETE', one(inst.id, id), { token: admin })).body).toEqual({
        code: 404,
        message: `There is no Metric with the following id: ${id}`,
      });
      const viaTrpc = await trpc(s, 'mutation', 'metrics.delete', { installation_id: inst.id, metric_id: id }, admin);
      expect(viaTrpc.body.error.data.httpStatus).toBe(404);
    });
  });

  describe('listings', () => {
    // A project of its own, so the expected pages are exact.
    const LP = 'LP';
    let li: InstallationFixture;
    let li2: InstallationFixture;
    let d1: string;
    let d2: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      await f.project(LP);
      await f.provider('lprov');
      await f.provider('lprov2');
      await f.associate(LP, 'lprov');
      await f.associate(LP, 'lprov2');
      li = await f.installation(LP, 'lprov');
      li2 = await f.installation(LP, 'lprov2');
      d1 = await f.definition();
      d2 = await f.definition();
      const add = async (name: string, i: InstallationFixture, def: string, start: string, end: string, value: number, extra = {}) => {
        const r = await push(i.id, { metric_definition_id: def, time_period_start: start, time_period_end: end, value, ...extra });
        expect(r.status).toBe(201);
        ids[name] = r.body.metric_id;
      };
      await add('m1', li, d1, '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', 1, { group_id: 'g1', user_id: 'u1' });
      await add('m2', li, d1, '2024-01-05T10:00:00Z', '2024-01-06T10:00:00Z', 2, { group_id: 'g1' });
      await add('m3', li, d1, '2024-01-10T00:00:00Z', '2024-01-10T12:00:00Z', 4, { user_id: 'u1' });
      await add('m4', li, d2, '2024-02-01T00:00:00Z', '2024-02-02T00:00:00Z', 8);
      await add('m5', li2, d1, '2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z', 16, { group_id: 'g1' });
    });

    const list = async (path: string, token = admin) => s.call('GET', `${API}${path}`, { token });
    const names = (page: { content: { id: string }[] }) => page.content.map((m) => Object.keys(ids).find((k) => ids[k] === m.id));

    it('lists an installation in insertion order as MetricProjection', async () => {
      const r = await list(`/installations/${li.id}/metrics`);
      expect(r.status).toBe(200);
      expect(names(r.body)).toEqual(['m1', 'm2', 'm3', 'm4']);
      expect(r.body.content[0]).toEqual({
        id: ids.m1,
        time_period_start: '2024-01-01T00:00:00Z',
        time_period_end: '2024-01-02T00:00:00Z',
        value: 1,
        project: `ACR-${LP}`,
        provider: 'lprov',
        installation_id: li.id,
        project_id: LP,
        group_id: 'g1',
        user_id: 'u1',
        metric_definition: {
          metric_definition_id: d1,
          metric_name: expect.any(String),
          metric_description: 'a metric',
          unit_type: 'TB',
          metric_type: 'aggregated',
          creator_id: 'seed',
        },
      });
      expect(r.body).toMatchObject({ size_of_page: 4, number_of_page: 1, total_elements: 4, total_pages: 1, links: [] });
    });

    it('filters by definition and by date window (§4.7)', async () => {
      const base = `/installations/${li.id}/metrics`;
      expect(names((await list(`${base}?metric-definition-id=${d2}`)).body)).toEqual(['m4']);
      expect(names((await list(`${base}?start=2024-01-01&end=2024-01-10`)).body)).toEqual(['m1', 'm2']);
      expect(names((await list(`${base}?start=2024-01-05`)).body)).toEqual(['m2', 'm3', 'm4']);
      expect(names((await list(`${base}?end=2024-01-10`)).body)).toEqual(['m1', 'm2', 'm3']);
      expect(names((await list(`${base}?end=2024-01-09`)).body)).toEqual(['m1', 'm2']);
      expect(names((await list(`${base}?metric-definition-id=${d1}&start=2024-01-02`)).body)).toEqual(['m2', 'm3']);
    });

    it('pages with links that keep the other parameters', async () => {
      const r = await list(`/installations/${li.id}/metrics?start=2024-01-01&size=2&page=2`);
      expect(r.body).toMatchObject({ size_of_page: 2, number_of_page: 2, total_elements: 4, total_pages: 2 });
      expect(names(r.body)).toEqual(['m3', 'm4']);
      const self = `http://acc.test${API}/installations/${li.id}/metrics?page=2&size=2&start=2024-01-01`;
      expect(r.body.links).toContainEqual({ href: self, rel: 'self' });
      expect(r.body.links.map((l: { rel: string }) => l.rel)).toEqual(['first', 'last', 'self', 'prev']);
    });

    it('accepts equal start and end on every listing, as the reports do: the window is that midnight', async () => {
      const day = 'start=2024-01-10&end=2024-01-10';
      const paths = [
        `/installations/${li.id}/metrics`,
        `/installations/external/metrics?externalId=${li.externalId}&`,
        `/projects/${LP}/metrics`,
        `/projects/${LP}/providers/lprov/metrics`,
        `/projects/projects/${LP}/groups/g1/metrics`,
        `/projects/${LP}/users/u1/metrics`,
      ];
      for (const path of paths) {
        const r = await list(`${path}${path.endsWith('&') ? '' : '?'}${day}`);
        expect({ path, status: r.status, total: r.body.total_elements }).toEqual({ path, status: 200, total: 0 });
      }
      // [S, E] holds what lies wholly inside it: with start = end only a metric at that very midnight;
      // m3 (2024-01-10T00:00Z .. 12:00Z) needs the end a day later, as before.
      expect(names((await list(`/installations/${li.id}/metrics?start=2024-01-10&end=2024-01-11`)).body)).toEqual(['m3']);
      const viaTrpc = await trpc(s, 'query', 'metrics.listByInstallation', { installation_id: li.id, start: '2024-01-10', end: '2024-01-10' }, admin);
      expect(viaTrpc.body.result.data).toMatchObject({ total_elements: 0, content: [] });
      const reversed = await trpc(s, 'query', 'metrics.listByProject', { project_id: LP, start: '2024-01-11', end: '2024-01-10' }, admin);
      expect(reversed.body.error.data.httpStatus).toBe(400);
      expect(reversed.body.error.message).toBe('start cannot be after end.');
    });

    it('reports query mistakes with the spec messages', async () => {
      const base = `/installations/${li.id}/metrics`;
      const msg = async (q: string) => (await list(`${base}?${q}`)).body;
      expect(await msg('start=2024-13-01')).toEqual({ code: 400, message: 'The date format must be as follows YYYY-MM-DD' });
      expect(await msg('end=2024-02-30')).toEqual({ code: 400, message: 'The date format must be as follows YYYY-MM-DD' });
      expect(await msg('end=yesterday')).toEqual({ code: 400, message: 'The date format must be as follows YYYY-MM-DD' });
      expect(await msg('start=2024-01-11&end=2024-01-10')).toEqual({ code: 400, message: 'start cannot be after end.' });
      expect(await msg('page=0')).toEqual({ code: 400, message: 'Page number must be >= 1.' });
      expect(await msg('size=101')).toEqual({ code: 400, message: 'Page size must be between 1 and 100.' });
      expect(await msg('metric-definition-id=nope')).toEqual({ code: 404, message: 'There is no Metric Definition with the following id: nope' });
      expect((await list('/installations/ghost/metrics?start=bad')).body.code).toBe(400);
      expect((await list('/installations/ghost/metrics')).body).toEqual({
        code: 404,
        message: 'There is no Installation with the following id: ghost',
      });
    });

    it('lists by external installation id', async () => {
      expect(names((await list(`/installations/external/metrics?externalId=${li.externalId}&metric-definition-id=${d1}`)).body)).toEqual([
        'm1',
        'm2',
        'm3',
      ]);
      expect((await list('/installations/external/metrics')).body).toEqual({ code: 400, message: 'externalId may not be empty.' });
      expect((await list('/installations/external/metrics?externalId=nope')).body).toEqual({
        code: 404,
        message: 'There is no Installation with external id: nope',
      });
    });

    it('lists a project and a provider within it', async () => {
      expect(names((await list(`/projects/${LP}/metrics`)).body)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(names((await list(`/projects/${LP}/metrics?start=2024-02-01`)).body)).toEqual(['m4', 'm5']);
      expect(names((await list(`/projects/${LP}/providers/lprov2/metrics`)).body)).toEqual(['m5']);
      expect(names((await list(`/projects/${LP}/providers/external/metrics?externalProviderId=ext-lprov2`)).body)).toEqual(['m5']);
      expect((await list('/projects/nope/metrics')).body).toEqual({ code: 404, message: 'There is no Project with the following id: nope' });
      expect((await list(`/projects/nope/providers/lprov/metrics`)).body.message).toBe('There is no Project with the following id: nope');
      expect((await list(`/projects/${LP}/providers/nope/metrics`)).body).toEqual({
        code: 404,
        message: 'There is no Provider with the following id: nope',
      });
      expect((await list(`/projects/${LP}/providers/external/metrics`)).body).toEqual({ code: 400, message: 'externalProviderId may not be empty.' });
      expect((await list(`/projects/${LP}/providers/external/metrics?externalProviderId=nope`)).body).toEqual({
        code: 404,
        message: 'There is no Provider with external id: nope',
      });
      // prov1 exists but is not one of LP's providers.
      expect((await list(`/projects/${LP}/providers/external/metrics?externalProviderId=ext-prov1`)).body).toEqual({
        code: 404,
        message: 'There is no Provider with external id: ext-prov1',
      });
    });

    it('lists a group or a user under both path forms, without a definition filter', async () => {
      for (const prefix of [`/projects/projects/${LP}`, `/projects/${LP}`]) {
        expect(names((await list(`${prefix}/groups/g1/metrics`)).body)).toEqual(['m1', 'm2', 'm5']);
        expect(names((await list(`${prefix}/groups/g1/metrics?end=2024-01-05`)).body)).toEqual(['m1']);
        expect(names((await list(`${prefix}/users/u1/metrics`)).body)).toEqual(['m1', 'm3']);
        expect(names((await list(`${prefix}/groups/g1/metrics?metric-definition-id=nope`)).body)).toEqual(['m1', 'm2', 'm5']);
        expect((await list(`${prefix}/users/u1/metrics?start=2024-01-02&end=2024-01-01`)).body.message).toBe('start cannot be after end.');
      }
      expect((await list('/projects/projects/nope/users/u1/metrics')).body.message).toBe('There is no Project with the following id: nope');
      const viaTrpc = await trpc(s, 'query', 'metrics.listByGroupAlias', { project_id: LP, group_id: 'g1' }, admin);
      expect(viaTrpc.body.result.data.total_elements).toBe(3);
    });

    it('applies PRJ/PRV/INS, flowing downward only', async () => {
      const insViewer = await tokenWith(s, ent(`${LP}:lprov:${li.id}:role=viewer`));
      expect((await list(`/installations/${li.id}/metrics`, insViewer)).status).toBe(200);
      expect((await list(`/installations/${li2.id}/metrics`, insViewer)).status).toBe(403);
      expect((await list(`/projects/${LP}/providers/lprov/metrics`, insViewer)).body).toEqual({ code: 403, message: FORBIDDEN });
      expect((await list(`/projects/${LP}/metrics`, insViewer)).status).toBe(403);

      const provViewer = await tokenWith(s, ent(`${LP}:lprov:role=viewer`));
      expect((await list(`/projects/${LP}/providers/lprov/metrics`, provViewer)).status).toBe(200);
      expect((await list(`/projects/${LP}/providers/external/metrics?externalProviderId=ext-lprov`, provViewer)).status).toBe(200);
      expect((await list(`/projects/${LP}/providers/external/metrics?externalProviderId=ext-lprov2`, provViewer)).status).toBe(403);
      expect((await list(`/projects/${LP}/metrics`, provViewer)).status).toBe(403);
      expect((await list(`/projects/${LP}/groups/g1/metrics`, provViewer)).status).toBe(403);

      const representative = await tokenWith(s, ent('roles:provider:lprov2:role=viewer'));
      expect((await list(`/projects/${LP}/providers/lprov2/metrics`, representative)).status).toBe(200);
      expect((await list(`/installations/${li2.id}/metrics`, representative)).status).toBe(200);

      const projectAdmin = await tokenWith(s, ent(`${LP}:role=admin`));
      expect((await list(`/projects/${LP}/users/u1/metrics`, projectAdmin)).status).toBe(200);
      expect((await list('/projects/nope/metrics', insViewer)).status).toBe(404);
    });

    describe('POST /metrics/search', () => {
      const search = (criterion: unknown, token = admin, query = '') => s.call('POST', `${API}/metrics/search${query}`, { token, body: criterion });
      const inLP = { type: 'query', field: 'project_id', values: LP };

      it('finds metrics by any §6 field', async () => {
        expect(names((await search(inLP)).body)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
        const filter = {
          type: 'filter',
          operator: 'AND',
          criteria: [
            inLP,
            { type: 'query', field: 'value', values: 2, operand: 'gte' },
            { type: 'query', field: 'time_period_start', values: '2024-02-01T00:00:00Z', operand: 'lte' },
          ],
        };
        expect(names((await search(filter)).body)).toEqual(['m2', 'm3', 'm4']);
        expect(names((await search({ type: 'query', field: 'project', values: `acr-${LP.toLowerCase()}` })).body)).toEqual([
          'm1',
          'm2',
          'm3',
          'm4',
          'm5',
        ]);
        expect(names((await search({ type: 'query', field: 'resource_id', values: `${LP}.lprov2.${li2.id}` })).body)).toEqual(['m5']);
      });

      it('pages up to 1000 per page', async () => {
        const r = await search(inLP, admin, '?page=2&size=3');
        expect(r.body).toMatchObject({ size_of_page: 2, number_of_page: 2, total_elements: 5, total_pages: 2 });
        expect(r.body.links).toContainEqual({ href: `http://acc.test${API}/metrics/search?page=1&size=3`, rel: 'first' });
        expect((await search(inLP, admin, '?size=1000')).status).toBe(200);
        expect((await search(inLP, admin, '?size=1001')).body).toEqual({ code: 400, message: 'Page size must be between 1 and 1000.' });
        expect((await search(inLP, admin, '?page=x')).body).toEqual({ code: 400, message: 'Page number must be >= 1.' });
      });

      it('returns only visible metrics, counted before paging', async () => {
        const insViewer = await tokenWith(s, ent(`${LP}:lprov:${li.id}:role=admin`));
        expect(names((await search(inLP, insViewer)).body)).toEqual(['m1', 'm2', 'm3', 'm4']);
        const r = await search(inLP, insViewer, '?size=1');
        expect(r.body.total_elements).toBe(4);
        const representative = await tokenWith(s, ent('roles:provider:lprov2:role=viewer'));
        expect(names((await search(inLP, representative)).body)).toEqual(['m5']);
        const provViewer = await tokenWith(s, ent(`${LP}:lprov2:role=viewer`));
        expect(names((await search(inLP, provViewer)).body)).toEqual(['m5']);
        const projectViewer = await tokenWith(s, ent(`${LP}:role=viewer`));
        expect((await search(inLP, projectViewer)).body.total_elements).toBe(5);
        const nobody = await tokenWith(s);
        expect((await search(inLP, nobody)).body).toMatchObject({ total_elements: 0, total_pages: 1, content: [] });
        const systemViewer = await tokenWith(s, ent('role=viewer'));
        expect((await search(inLP, systemViewer)).body.total_elements).toBe(5);
      });

      it('answers the §6 messages', async () => {
        expect(
          (await s.call('POST', `${API}/metrics/search`, { token: admin, body: '', headers: { 'Content-Type': 'application/json' } })).body,
        ).toEqual({
          code: 400,
          message: 'The request body is empty.',
        });
        expect((await search('{"type":')).body).toEqual({ code: 400, message: 'Invalid search query: malformed JSON.' });
        expect((await search([inLP])).body).toEqual({ code: 400, message: 'Invalid search query: malformed JSON.' });
        expect((await search('5')).body).toEqual({ code: 400, message: 'Invalid search query: malformed JSON.' });
        expect((await search({ type: 'query', field: 'nope', values: 1 })).body.message).toBe(
          "Invalid search query: unknown field 'nope'. Allowed fields: time_period_start, time_period_end, value, metric_definition_id, project, provider, installation, infrastructure, project_id, installation_id, resource, user_id, group_id, resource_id.",
        );
        expect((await search({ type: 'query', field: 'value', values: '1' })).body.message).toBe(
          "Invalid search query: invalid value for field 'value'.",
        );
        expect((await s.call('POST', `${API}/metrics/search`, { body: inLP })).status).toBe(401);
        expect(
          (await s.call('POST', `${API}/metrics/search`, { token: admin, body: JSON.stringify(inLP), headers: { 'Content-Type': 'text/plain' } }))
            .status,
        ).toBe(415);
      });

      it('works over tRPC with paging beside the criterion', async () => {
        const r = await trpc(s, 'mutation', 'metrics.search', { ...inLP, page: 1, size: 2 }, admin);
        expect(r.body.result.data).toMatchObject({ size_of_page: 2, total_elements: 5 });
        const bad = await trpc(s, 'mutation', 'metrics.search', { type: 'query', field: 'nope', values: 1 }, admin);
        expect(bad.body.error.data.httpStatus).toBe(400);
      });
    });
  });
});
