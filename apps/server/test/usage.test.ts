import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { Fixtures, tokenWith, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';
const PREP_DENIED = 'You have no access to execute this operation.';
const H = 3_600_000;

type Query = Record<string, string | string[]>;
const qs = (q: Query) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
};
const hoursOf = (p: { start: string; end: string }) => (Date.parse(p.end) - Date.parse(p.start)) / H;

/**
 * Stage, in Europe/Athens around the spring DST change (2025-03-30 has 23 hours: 03:00 → 04:00 at 01:00Z).
 * Range 2025-03-29 .. 2025-04-01 local = [2025-03-28T22:00Z, 2025-03-31T21:00Z); day windows
 * w0 = [03-28T22Z, 03-29T22Z), w1 = [03-29T22Z, 03-30T21Z) (23 h), w2 = [03-30T21Z, 03-31T21Z).
 * - i1 (PR, pv1), A: 0.1 (g1, u1) and 0.2 (g1) in w0; 0.7 at 03-30T20:30Z (23:30 local, w1); 5 at 03-30T21:30Z
 *   (00:30 on the 31st, w2); 1000 at 03-28T21:59Z (23:59 on the 28th) and 1000 at 03-31T21:00Z (00:00 on
 *   April 1st), both outside the range.
 * - i2 (PR, pv2), A: 7 (g2) at 03-29T21:59Z (23:59 local, w0); B: 3 at 03-29T22:00Z (00:00 on the 30th, w1).
 * - i3 (PR2, pv1), A: 11 in w2.
 * - i4 (PR, pv2): no metrics.
 */
describe.each(backends)('usage (%s)', (backend) => {
  let s: TestServer;
  let f: Fixtures;
  let admin: string;
  let i1: InstallationFixture;
  let i2: InstallationFixture;
  let i3: InstallationFixture;
  let i4: InstallationFixture;
  let A: string;
  let B: string;
  const at = (inst: InstallationFixture, def: string, start: string, value: number, owner: { groupId?: string; userId?: string } = {}) =>
    f.metric(inst, def, start, new Date(Date.parse(start) + H).toISOString(), value, owner);

  beforeAll(async () => {
    s = await startTestServer(backend);
    f = Fixtures.of(s);
    admin = await tokenWith(s, ent('role=admin'));
    await f.project('PR');
    await f.project('PR2');
    await f.provider('pv1');
    await f.provider('pv2');
    await f.provider('pv9');
    for (const [p, pv] of [
      ['PR', 'pv1'],
      ['PR', 'pv2'],
      ['PR2', 'pv1'],
    ])
      await f.associate(p, pv);
    i1 = await f.installation('PR', 'pv1', { installation: 'I-ONE', externalId: 'ext-i1' });
    i2 = await f.installation('PR', 'pv2', { installation: 'I-TWO' });
    i3 = await f.installation('PR2', 'pv1', { installation: 'I-THREE' });
    i4 = await f.installation('PR', 'pv2', { installation: 'I-FOUR' });
    A = await f.definition({ metricName: 'storage', unitType: 'TB', metricType: 'aggregated' });
    B = await f.definition({ metricName: 'cpu', unitType: 'CPU Time', metricType: 'count' });
    await at(i1, A, '2025-03-29T10:00:00Z', 0.1, { groupId: 'g1', userId: 'u1' });
    await at(i1, A, '2025-03-29T11:00:00Z', 0.2, { groupId: 'g1' });
    await at(i1, A, '2025-03-30T20:30:00Z', 0.7);
    await at(i1, A, '2025-03-30T21:30:00Z', 5);
    await at(i1, A, '2025-03-28T21:59:00Z', 1000);
    await at(i1, A, '2025-03-31T21:00:00Z', 1000);
    await at(i2, A, '2025-03-29T21:59:00Z', 7, { groupId: 'g2' });
    await at(i2, B, '2025-03-29T22:00:00Z', 3);
    await at(i3, A, '2025-03-31T12:00:00Z', 11);
    // Room for PGlite's start-up and migrations on a loaded runner.
  }, 180_000);
  afterAll(() => s?.close());

  const get = (path: string, q: Query, token = admin) => s.call('GET', `${API}${path}?${qs(q)}`, { token });
  const ATHENS = { start: '2025-03-29', end: '2025-04-01', tz: 'Europe/Athens' };

  it('answers day windows in a DST zone: a 23-hour day, clipped range, exact sums, every window filled', async () => {
    const r = await get('/usage', ATHENS);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      start: '2025-03-28T22:00:00Z',
      end: '2025-03-31T21:00:00Z',
      window: 'day',
      tz: 'Europe/Athens',
      aggregation: 'sum',
      series: [
        {
          metric_definition_id: A,
          metric_name: 'storage',
          unit_type: 'TB',
          metric_type: 'aggregated',
          group: {},
          total: 24,
          count: 6,
          points: [
            { start: '2025-03-28T22:00:00Z', end: '2025-03-29T22:00:00Z', value: 7.3, count: 3 },
            { start: '2025-03-29T22:00:00Z', end: '2025-03-30T21:00:00Z', value: 0.7, count: 1 },
            { start: '2025-03-30T21:00:00Z', end: '2025-03-31T21:00:00Z', value: 16, count: 2 },
          ],
        },
        {
          metric_definition_id: B,
          metric_name: 'cpu',
          unit_type: 'CPU Time',
          metric_type: 'count',
          group: {},
          total: 3,
          count: 1,
          points: [
            { start: '2025-03-28T22:00:00Z', end: '2025-03-29T22:00:00Z', value: 0, count: 0 },
            { start: '2025-03-29T22:00:00Z', end: '2025-03-30T21:00:00Z', value: 3, count: 1 },
            { start: '2025-03-30T21:00:00Z', end: '2025-03-31T21:00:00Z', value: 0, count: 0 },
          ],
        },
      ],
    });
    expect(r.body.series[0].points.map(hoursOf)).toEqual([24, 23, 24]);
  });

  it('has 23 hours on 2025-03-30 and 25 on 2025-10-26 in Europe/Athens, with a repeated local hour', async () => {
    const spring = await get(`/installations/${i1.id}/usage`, { start: '2025-03-30', end: '2025-03-31', tz: 'Europe/Athens', window: 'hour' });
    expect(spring.body.start).toBe('2025-03-29T22:00:00Z');
    expect(spring.body.end).toBe('2025-03-30T21:00:00Z');
    expect(spring.body.series[0].points).toHaveLength(23);
    expect(spring.body.series[0].points.every((p: { start: string; end: string }) => hoursOf(p) === 1)).toBe(true);
    const last = spring.body.series[0].points[22];
    expect(last).toEqual({ start: '2025-03-30T20:00:00Z', end: '2025-03-30T21:00:00Z', value: 0.7, count: 1 });

    await at(i1, B, '2025-10-26T00:30:00Z', 1); // 03:30 EEST, the first 03:00 hour
    await at(i1, B, '2025-10-26T01:30:00Z', 2); // 03:30 EET, the repeated 03:00 hour
    const autumn = await get(`/installations/${i1.id}/usage`, {
      start: '2025-10-26',
      end: '2025-10-27',
      tz: 'Europe/Athens',
      window: 'hour',
      metric_definition_id: B,
    });
    expect(autumn.body.start).toBe('2025-10-25T21:00:00Z');
    expect(autumn.body.end).toBe('2025-10-26T22:00:00Z');
    const points = autumn.body.series[0].points;
    expect(points).toHaveLength(25);
    expect(points.filter((p: { count: number }) => p.count > 0)).toEqual([
      { start: '2025-10-26T00:00:00Z', end: '2025-10-26T01:00:00Z', value: 1, count: 1 },
      { start: '2025-10-26T01:00:00Z', end: '2025-10-26T02:00:00Z', value: 2, count: 1 },
    ]);
    const day = await get(`/installations/${i1.id}/usage`, { start: '2025-10-26', end: '2025-10-27', tz: 'Europe/Athens', metric_definition_id: B });
    expect(day.body.series[0].points).toEqual([{ start: '2025-10-25T21:00:00Z', end: '2025-10-26T22:00:00Z', value: 3, count: 2 }]);
    expect(hoursOf(day.body.series[0].points[0])).toBe(25);
  });

  it('places days of a +05:45 zone (Asia/Kathmandu) at 18:15Z', async () => {
    // The 1000 at 03-28T21:59Z is 03:44 on the 29th there, inside the range; 0.7 at 03-30T20:30Z is past its end.
    const r = await get('/projects/PR/usage', { start: '2025-03-29', end: '2025-03-31', tz: 'Asia/Kathmandu' });
    expect(r.body.start).toBe('2025-03-28T18:15:00Z');
    expect(r.body.end).toBe('2025-03-30T18:15:00Z');
    expect(r.body.series.map((x: { points: unknown }) => x.points)).toEqual([
      [
        { start: '2025-03-28T18:15:00Z', end: '2025-03-29T18:15:00Z', value: 1000.3, count: 3 },
        { start: '2025-03-29T18:15:00Z', end: '2025-03-30T18:15:00Z', value: 7, count: 1 },
      ],
      [
        { start: '2025-03-28T18:15:00Z', end: '2025-03-29T18:15:00Z', value: 0, count: 0 },
        { start: '2025-03-29T18:15:00Z', end: '2025-03-30T18:15:00Z', value: 3, count: 1 },
      ],
    ]);
  });

  it('follows the calendar for week (ISO, Monday), month, quarter and year, clipping the first and last window', async () => {
    const starts = async (q: Query) =>
      (await get('/usage', { ...q, metric_definition_id: A })).body.series[0].points.map((p: { start: string }) => p.start);
    expect(await starts({ start: '2025-03-01', end: '2025-04-01', window: 'week' })).toEqual([
      '2025-03-01T00:00:00Z',
      '2025-03-03T00:00:00Z',
      '2025-03-10T00:00:00Z',
      '2025-03-17T00:00:00Z',
      '2025-03-24T00:00:00Z',
      '2025-03-31T00:00:00Z',
    ]);
    const month = await get('/usage', { start: '2025-01-01', end: '2025-04-01', window: 'month', tz: 'Europe/Athens', metric_definition_id: A });
    expect(month.body.start).toBe('2024-12-31T22:00:00Z');
    expect(month.body.end).toBe('2025-03-31T21:00:00Z');
    expect(month.body.series[0].points).toEqual([
      { start: '2024-12-31T22:00:00Z', end: '2025-01-31T22:00:00Z', value: 0, count: 0 },
      { start: '2025-01-31T22:00:00Z', end: '2025-02-28T22:00:00Z', value: 0, count: 0 },
      { start: '2025-02-28T22:00:00Z', end: '2025-03-31T21:00:00Z', value: 1024, count: 7 },
    ]);
    expect(await starts({ start: '2025-02-15T12:00:00Z', end: '2026-01-01', window: 'quarter' })).toEqual([
      '2025-02-15T12:00:00Z',
      '2025-04-01T00:00:00Z',
      '2025-07-01T00:00:00Z',
      '2025-10-01T00:00:00Z',
    ]);
    expect(await starts({ start: '2024-06-01', end: '2026-06-01', window: 'year' })).toEqual([
      '2024-06-01T00:00:00Z',
      '2025-01-01T00:00:00Z',
      '2026-01-01T00:00:00Z',
    ]);
  });

  it('takes ISO instants with an offset as bounds, and answers them in UTC', async () => {
    const r = await get('/projects/PR/usage', { start: '2025-03-29T00:00:00+02:00', end: '2025-03-29T23:59:00+02:00', window: 'total' });
    expect(r.body.start).toBe('2025-03-28T22:00:00Z');
    expect(r.body.end).toBe('2025-03-29T21:59:00Z');
    expect(r.body.series[0].points).toEqual([{ start: '2025-03-28T22:00:00Z', end: '2025-03-29T21:59:00Z', value: 0.3, count: 2 }]);
  });

  it('aggregates sum, count, avg, min and max; fill=none keeps only windows with metrics, fill=zero gives null for avg/min/max', async () => {
    const total = async (aggregation: string) =>
      (await get('/projects/PR/usage', { ...ATHENS, window: 'total', aggregation, metric_definition_id: A })).body.series[0];
    expect(await total('sum')).toMatchObject({ total: 13, count: 5, points: [{ value: 13, count: 5 }] });
    expect(await total('count')).toMatchObject({ total: 5, count: 5, points: [{ value: 5, count: 5 }] });
    expect(await total('avg')).toMatchObject({ total: 2.6, count: 5, points: [{ value: 2.6, count: 5 }] });
    expect(await total('min')).toMatchObject({ total: 0.1, points: [{ value: 0.1 }] });
    expect(await total('max')).toMatchObject({ total: 7, points: [{ value: 7 }] });

    const avgB = await get('/projects/PR/usage', { ...ATHENS, aggregation: 'avg', metric_definition_id: B });
    expect(avgB.body.series[0].points.map((p: { value: number | null }) => p.value)).toEqual([null, 3, null]);
    const none = await get('/projects/PR/usage', { ...ATHENS, aggregation: 'avg', fill: 'none', metric_definition_id: B });
    expect(none.body.series[0].points).toEqual([{ start: '2025-03-29T22:00:00Z', end: '2025-03-30T21:00:00Z', value: 3, count: 1 }]);
    const countZero = await get('/projects/PR/usage', { ...ATHENS, aggregation: 'count', metric_definition_id: B });
    expect(countZero.body.series[0].points.map((p: { value: number }) => p.value)).toEqual([0, 1, 0]);
  });

  it('groups by group_id (nulls last) and orders series by definition, then group values', async () => {
    const r = await get('/projects/PR/usage', { ...ATHENS, window: 'total', group_by: 'group_id' });
    expect(
      r.body.series.map((x: { metric_definition_id: string; group: unknown; total: number }) => [x.metric_definition_id, x.group, x.total]),
    ).toEqual([
      [A, { group_id: 'g1' }, 0.3],
      [A, { group_id: 'g2' }, 7],
      [A, { group_id: null }, 5.7],
      [B, { group_id: null }, 3],
    ]);
  });

  it('takes group_by repeated or comma-separated, keeping the order given', async () => {
    const keyed = (body: { series: { metric_definition_id: string; group: Record<string, string | null>; total: number }[] }) =>
      body.series.map((x) => [x.metric_definition_id === A ? 'A' : 'B', x.group, x.total]);
    const expected = [
      ['A', { provider_id: 'pv1', installation_id: i1.id, project_id: 'PR' }, 6],
      ['A', { provider_id: 'pv1', installation_id: i3.id, project_id: 'PR2' }, 11],
      ['A', { provider_id: 'pv2', installation_id: i2.id, project_id: 'PR' }, 7],
      ['B', { provider_id: 'pv2', installation_id: i2.id, project_id: 'PR' }, 3],
    ];
    const repeated = await get('/usage', { ...ATHENS, window: 'total', group_by: ['provider', 'installation,project'] });
    expect(keyed(repeated.body)).toEqual(expected);
    const comma = await get('/usage', { ...ATHENS, window: 'total', group_by: 'provider, installation,project,provider' });
    expect(keyed(comma.body)).toEqual(expected);
    expect(Object.keys(repeated.body.series[0].group)).toEqual(['provider_id', 'installation_id', 'project_id']);
    const users = await get('/projects/PR/usage', { ...ATHENS, window: 'total', group_by: 'user_id', metric_definition_id: A });
    expect(users.body.series.map((x: { group: unknown; count: number }) => [x.group, x.count])).toEqual([
      [{ user_id: 'u1' }, 1],
      [{ user_id: null }, 4],
    ]);
  });

  it('filters by group_id, user_id and repeated metric_definition_id', async () => {
    const totals = async (q: Query) =>
      (await get('/projects/PR/usage', { ...ATHENS, window: 'total', ...q })).body.series.map(
        (x: { metric_definition_id: string; total: number }) => [x.metric_definition_id, x.total],
      );
    expect(await totals({ group_id: 'g1' })).toEqual([[A, 0.3]]);
    expect(await totals({ user_id: 'u1' })).toEqual([[A, 0.1]]);
    expect(await totals({ group_id: 'nobody' })).toEqual([]);
    expect(await totals({ metric_definition_id: [B, A] })).toEqual([
      [A, 13],
      [B, 3],
    ]);
    expect(await totals({ metric_definition_id: B })).toEqual([[B, 3]]);
  });

  it('scopes each path: installation, external id, project, provider in project, provider', async () => {
    const totalOf = async (path: string, q: Query = {}) =>
      (await get(path, { ...ATHENS, window: 'total', metric_definition_id: A, ...q })).body.series.map((x: { total: number }) => x.total);
    expect(await totalOf(`/installations/${i1.id}/usage`)).toEqual([6]);
    expect(await totalOf('/installations/external/usage', { externalId: 'ext-i1' })).toEqual([6]);
    expect(await totalOf('/projects/PR/usage')).toEqual([13]);
    expect(await totalOf('/projects/PR/providers/pv2/usage')).toEqual([7]);
    expect(await totalOf('/providers/pv1/usage')).toEqual([17]);
    expect(await totalOf(`/installations/${i4.id}/usage`)).toEqual([]);
  });

  it('rejects every bad parameter with its message', async () => {
    const cases: [Query, string][] = [
      [{ end: '2025-01-02' }, 'start may not be empty.'],
      [{ start: ' ', end: '2025-01-02' }, 'start may not be empty.'],
      [{ start: '2025-02-30', end: '2025-03-02' }, 'start must be a date (yyyy-MM-dd) or an ISO-8601 instant.'],
      [{ start: '2025-01-01T00:00:00', end: '2025-03-02' }, 'start must be a date (yyyy-MM-dd) or an ISO-8601 instant.'],
      [{ start: '2025-01-01' }, 'end may not be empty.'],
      [{ start: '2025-01-01', end: 'tomorrow' }, 'end must be a date (yyyy-MM-dd) or an ISO-8601 instant.'],
      [{ start: '2025-01-02', end: '2025-01-02' }, 'start must be before end.'],
      [{ start: '2025-01-02', end: '2025-01-01T23:00:00Z' }, 'start must be before end.'],
      [{ start: '2025-01-01', end: '2025-01-02', window: 'fortnight' }, 'window must be one of hour, day, week, month, quarter, year, total.'],
      [{ start: '2025-01-01', end: '2025-01-02', tz: 'Mars/Olympus' }, 'Unknown time zone: Mars/Olympus'],
      [
        { start: '2025-01-01', end: '2025-01-02', group_by: 'installation,cluster' },
        'group_by must be among installation, provider, project, group_id, user_id.',
      ],
      [{ start: '2025-01-01', end: '2025-01-02', aggregation: 'median' }, 'aggregation must be one of sum, count, avg, min, max.'],
      [{ start: '2025-01-01', end: '2025-01-02', fill: 'linear' }, 'fill must be zero or none.'],
      [{ start: '2025-01-01', end: '2026-02-22', window: 'hour' }, 'Too many windows (10008); use a larger window or a shorter range.'],
      [{ start: '2000-01-01', end: '2027-05-20' }, 'Too many windows (10001); use a larger window or a shorter range.'],
      [
        { start: '2025-01-01', end: '2025-01-02', metric_definition_id: Array.from({ length: 101 }, (_, i) => `d${i}`) },
        'metric_definition_id may be given at most 100 times.',
      ],
      [{ start: '2025-01-01', end: '2025-01-02', tz: 'x'.repeat(300) }, `Unknown time zone: ${'x'.repeat(255)}`],
    ];
    for (const [q, message] of cases) {
      for (const path of ['/usage', '/projects/PR/usage']) {
        const r = await get(path, q);
        expect([path, q, r.status, r.body]).toEqual([path, q, 400, { code: 400, message }]);
      }
    }
    const huge = await get('/usage', { start: '2000-01-01', end: '2099-01-01', window: 'hour' });
    expect(huge.status).toBe(400);
    expect(huge.body.message).toMatch(/^Too many windows \(\d{6}\); use a larger window or a shorter range\.$/);
    expect((await get('/usage', { start: '2000-01-01', end: '2027-05-19' })).status).toBe(200);

    const unknown = await get('/projects/PR/usage', { start: '2025-01-01', end: '2025-01-02', metric_definition_id: [A, 'nope'] });
    expect([unknown.status, unknown.body]).toEqual([404, { code: 404, message: 'There is no Metric Definition with the following id: nope' }]);
  });

  it('checks the query first, then the path entity (404 even without rights), then the rule (403)', async () => {
    const nobody = await tokenWith(s);
    const q = { start: '2025-01-01', end: '2025-01-02' };
    expect((await get('/projects/NOPE/usage', { ...q, fill: 'x' }, nobody)).status).toBe(400);
    expect((await get('/projects/NOPE/usage', q, nobody)).body).toEqual({ code: 404, message: 'There is no Project with the following id: NOPE' });
    expect((await get('/projects/PR/providers/NOPE/usage', q, nobody)).body).toEqual({
      code: 404,
      message: 'There is no Provider with the following id: NOPE',
    });
    expect((await get('/projects/PR2/providers/pv2/usage', q, nobody)).body).toEqual({
      code: 404,
      message: 'There is no Provider with the following id: pv2',
    });
    expect((await get('/installations/NOPE/usage', q, nobody)).body).toEqual({
      code: 404,
      message: 'There is no Installation with the following id: NOPE',
    });
    expect((await get('/installations/external/usage', { ...q, externalId: 'x' }, nobody)).body).toEqual({
      code: 404,
      message: 'There is no Installation with external id: x',
    });
    expect((await get('/installations/external/usage', q, nobody)).body).toEqual({ code: 400, message: 'externalId may not be empty.' });
    expect((await get('/providers/NOPE/usage', q, nobody)).body).toEqual({ code: 404, message: 'There is no Provider with the following id: NOPE' });
    expect((await s.call('GET', `${API}/usage?${qs(q)}`)).status).toBe(401);
  });

  it('applies INS, PRV, PRJ and PREP to every kind of caller, and GET /usage shows what GET /installations/all lists', async () => {
    const callers: Record<string, string[]> = {
      sys: [ent('role=admin')],
      projectAdmin: [ent('PR:role=admin')],
      projectViewer: [ent('PR:role=viewer')],
      providerAdmin: [ent('PR:pv1:role=admin')],
      providerViewer: [ent('PR:pv1:role=viewer')],
      installationAdmin: [ent(`PR:pv1:${i1.id}:role=admin`)],
      installationViewer: [ent(`PR:pv1:${i1.id}:role=viewer`)],
      representative: [ent('roles:provider:pv1:role=admin')],
      nobody: [],
    };
    const ok = (...who: string[]) => new Set(who);
    const all = Object.keys(callers);
    const rules: [string, Query, Set<string>, string][] = [
      [`/installations/${i1.id}/usage`, {}, ok(...all.filter((c) => c !== 'nobody')), FORBIDDEN],
      ['/installations/external/usage', { externalId: 'ext-i1' }, ok(...all.filter((c) => c !== 'nobody')), FORBIDDEN],
      [`/installations/${i2.id}/usage`, {}, ok('sys', 'projectAdmin', 'projectViewer'), FORBIDDEN],
      ['/projects/PR/usage', {}, ok('sys', 'projectAdmin', 'projectViewer'), FORBIDDEN],
      [
        '/projects/PR/providers/pv1/usage',
        {},
        ok('sys', 'projectAdmin', 'projectViewer', 'providerAdmin', 'providerViewer', 'representative'),
        FORBIDDEN,
      ],
      ['/projects/PR/providers/pv2/usage', {}, ok('sys', 'projectAdmin', 'projectViewer'), FORBIDDEN],
      ['/providers/pv1/usage', {}, ok('sys', 'representative'), PREP_DENIED],
    ];
    const visible: Record<string, string[]> = {
      sys: [i1.id, i2.id, i3.id],
      projectAdmin: [i1.id, i2.id],
      projectViewer: [i1.id, i2.id],
      providerAdmin: [i1.id],
      providerViewer: [i1.id],
      installationAdmin: [i1.id],
      installationViewer: [i1.id],
      representative: [i1.id, i3.id],
      nobody: [],
    };
    for (const [who, entitlements] of Object.entries(callers)) {
      const token = await tokenWith(s, ...entitlements);
      for (const [path, q, allowed, denied] of rules) {
        const r = await get(path, { ...ATHENS, ...q }, token);
        const expected = allowed.has(who) ? 200 : 403;
        expect([who, path, r.status]).toEqual([who, path, expected]);
        if (expected === 403) expect(r.body).toEqual({ code: 403, message: denied });
      }
      const mine = await get('/usage', { ...ATHENS, window: 'total', group_by: 'installation', fill: 'none' }, token);
      expect(mine.status).toBe(200);
      const seen = [...new Set(mine.body.series.map((x: { group: { installation_id: string } }) => x.group.installation_id))].sort();
      expect([who, seen]).toEqual([who, [...visible[who]].sort()]);
      const listed = await s.call('GET', `${API}/installations/all?size=100`, { token });
      const withMetrics = listed.body.content.map((i: { id: string }) => i.id).filter((id: string) => id !== i4.id);
      expect([who, withMetrics.sort()]).toEqual([who, [...visible[who]].sort()]);
    }
  });

  it('serves the same answers and messages over tRPC', async () => {
    const input = { ...ATHENS, group_by: ['provider'], metric_definition_id: [A] };
    const viaTrpc = await trpc(s, 'query', 'usage.project', { project_id: 'PR', ...input }, admin);
    const viaRest = await get('/projects/PR/usage', { ...ATHENS, group_by: 'provider', metric_definition_id: A });
    expect(viaTrpc.body.result.data).toEqual(viaRest.body);
    const global = await trpc(s, 'query', 'usage.global', { ...ATHENS, window: 'total' }, admin);
    expect(global.body.result.data.series[0].total).toBe(24);
    const bad = await trpc(s, 'query', 'usage.installation', { installation_id: i1.id, ...ATHENS, tz: 'Nowhere/Land' }, admin);
    expect([bad.body.error.data.httpStatus, bad.body.error.message]).toEqual([400, 'Unknown time zone: Nowhere/Land']);
    const unknown = await trpc(s, 'query', 'usage.provider', { provider_id: 'pv1', ...ATHENS, metric_definition_id: 'zzz' }, admin);
    expect([unknown.body.error.data.httpStatus, unknown.body.error.message]).toEqual([
      404,
      'There is no Metric Definition with the following id: zzz',
    ]);
    const rep = await tokenWith(s, ent('roles:provider:pv1:role=viewer'));
    const denied = await trpc(s, 'query', 'usage.provider', { provider_id: 'pv1', ...ATHENS }, rep);
    expect([denied.body.error.data.httpStatus, denied.body.error.message]).toEqual([403, PREP_DENIED]);
  });

  describe('freshness', () => {
    beforeAll(async () => {
      // i2 last pushed two days ago; i1 and i3 just now; i4 never.
      await s.app.database.dataSource.query(`UPDATE metrics SET created_at = now() - interval '48 hours' WHERE installation_id = $1`, [i2.id]);
    });

    it('lists the visible installations stalest first, never-reported first', async () => {
      const r = await s.call('GET', `${API}/usage/freshness`, { token: admin });
      expect(r.status).toBe(200);
      expect(r.body.total_elements).toBe(4);
      const ids = r.body.content.map((x: { installation_id: string }) => x.installation_id);
      expect(ids.slice(0, 2)).toEqual([i4.id, i2.id]);
      expect(new Set(ids.slice(2))).toEqual(new Set([i1.id, i3.id]));
      const [never, two] = r.body.content;
      expect(never).toEqual({
        installation_id: i4.id,
        installation: 'I-FOUR',
        project: 'PR',
        provider: 'pv2',
        last_pushed_at: null,
        last_period_end: null,
        metrics_last_24h: 0,
      });
      expect(two).toMatchObject({
        installation: 'I-TWO',
        project: 'PR',
        provider: 'pv2',
        last_period_end: '2025-03-29T23:00:00Z',
        metrics_last_24h: 0,
      });
      expect(Date.now() - Date.parse(two.last_pushed_at)).toBeGreaterThan(47 * H);
      const one = r.body.content.find((x: { installation_id: string }) => x.installation_id === i1.id);
      const [{ n }] = await s.app.database.dataSource.query('SELECT count(*)::int AS n FROM metrics WHERE installation_id = $1', [i1.id]);
      expect(one.metrics_last_24h).toBe(n);
      expect(one.last_period_end).toBe('2025-10-26T02:30:00Z');
      expect(one.last_pushed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    });

    it('keeps only installations silent for stale_after_hours, pages, and rejects a bad value', async () => {
      const stale = await s.call('GET', `${API}/usage/freshness?stale_after_hours=24`, { token: admin });
      expect(stale.body.content.map((x: { installation_id: string }) => x.installation_id)).toEqual([i4.id, i2.id]);
      const paged = await s.call('GET', `${API}/usage/freshness?size=1&page=2&stale_after_hours=24`, { token: admin });
      expect(paged.body).toMatchObject({ size_of_page: 1, number_of_page: 2, total_elements: 2, total_pages: 2 });
      expect(paged.body.content[0].installation_id).toBe(i2.id);
      expect(paged.body.links.map((l: { rel: string }) => l.rel)).toEqual(['first', 'last', 'self', 'prev']);
      expect(paged.body.links[0].href).toBe('http://acc.test/accounting-system/usage/freshness?page=1&size=1&stale_after_hours=24');
      for (const bad of ['0', '-3', '1.5', 'abc']) {
        const r = await s.call('GET', `${API}/usage/freshness?stale_after_hours=${bad}`, { token: admin });
        expect([bad, r.status, r.body]).toEqual([bad, 400, { code: 400, message: 'stale_after_hours must be a positive integer.' }]);
      }
      const size = await s.call('GET', `${API}/usage/freshness?size=101`, { token: admin });
      expect(size.body).toEqual({ code: 400, message: 'Page size must be between 1 and 100.' });
    });

    it('shows each caller only what it may see, an empty page to a caller who sees nothing (also over tRPC)', async () => {
      const installationViewer = await tokenWith(s, ent(`PR:pv1:${i1.id}:role=viewer`));
      const mine = await s.call('GET', `${API}/usage/freshness`, { token: installationViewer });
      expect(mine.body.content.map((x: { installation_id: string }) => x.installation_id)).toEqual([i1.id]);
      const rep = await tokenWith(s, ent('roles:provider:pv1:role=admin'));
      const repView = await trpc(s, 'query', 'usage.freshness', {}, rep);
      expect(new Set(repView.body.result.data.content.map((x: { installation_id: string }) => x.installation_id))).toEqual(new Set([i1.id, i3.id]));
      const nobody = await tokenWith(s);
      const none = await s.call('GET', `${API}/usage/freshness`, { token: nobody });
      expect(none.body).toMatchObject({ total_elements: 0, total_pages: 1, content: [], links: [] });
    });
  });
});
