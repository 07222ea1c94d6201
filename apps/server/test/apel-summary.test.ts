import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apelMetricId } from '../src/apel/argo-bridge.js';
import { RollupCheckRepository } from '../src/modules/rollups/rollup-check-repository.js';
import { parseSummaryQuery, pageLink } from '../src/apel/summary-service.js';
import { backends } from './support/database.js';
import { startTestServer, type TestServer } from './support/server.js';
import {
  apelMessage,
  createPki,
  hostDn,
  request,
  slashDn,
  startTestIam,
  vmRecord,
  type Credentials,
  type Pki,
  type RecordFields,
  type TestIam,
} from './support/apel.js';

const RECORD = '/api/v1/cloud/record';
const SUMMARY = '/api/v1/cloud/record/summary';
const FIELDS = [
  'VOGroup',
  'SiteName',
  'UpdateTime',
  'WallDuration',
  'EarliestStartTime',
  'LatestStartTime',
  'Day',
  'Month',
  'Year',
  'GlobalUserName',
];
const ZONELESS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

let pki: Pki;
let iam: TestIam;
let publisher: Credentials;

beforeAll(async () => {
  pki = await createPki();
  iam = await startTestIam();
  publisher = await pki.client(hostDn('publisher.test'));
});
afterAll(async () => {
  await iam?.close();
  pki?.cleanup();
});

describe('summary query parsing (§2.3)', () => {
  const q = (query: string) => () => parseSummaryQuery(new URLSearchParams(query), new Date('2020-01-01T12:00:00Z'));
  it.each([
    ['user=a&group=b&from=20160101', 'Only one of User, Group and Service can be set.'],
    ['service=a&group=b', 'Only one of User, Group and Service can be set.'],
    ['group=b', "'from' must be set in GET requests."],
    ['from=', "'from' must be set in GET requests."],
    ['from=2016-07-30', "'from' must be a date in YYYYMMDD format."],
    ['from=20160230', "'from' must be a date in YYYYMMDD format."],
    ['from=20161301', "'from' must be a date in YYYYMMDD format."],
    ['from=00000101', "'from' must be a date in YYYYMMDD format."],
    ['from=abc', "'from' must be a date in YYYYMMDD format."],
    ['from=20160101&to=2016', "'to' must be a date in YYYYMMDD format."],
    ['from=20160101&to=20160431', "'to' must be a date in YYYYMMDD format."],
  ])('%s → %s', (query, message) => {
    expect(q(query)).toThrow(message);
  });

  it('treats empty values as absent, defaults `to` to now, maps service to SiteName', () => {
    const parsed = q('from=20160229&to=&user=&group=&service=Site-A&page=')();
    expect(parsed.from.toISOString()).toBe('2016-02-29T00:00:00.000Z');
    expect(parsed.to.toISOString()).toBe('2020-01-01T12:00:00.000Z');
    expect(parsed.filter).toEqual({ column: 'site_name', value: 'Site-A' });
    expect(parsed.page).toBe(1);
    expect(q('from=20160101&page=a')().page).toBe(1);
    expect(q('from=20160101&page=0')().page).toBe(1);
    expect(q('from=20160101&page=3')().page).toBe(3);
  });

  it('builds links with page set and keys in alphabetical order', () => {
    const params = new URLSearchParams('to=20191231&group=/TEST 1&from=20000101&page=2&x=a+b');
    expect(pageLink('https://acc.example', params, 1)).toBe(
      'https://acc.example/api/v1/cloud/record/summary?from=20000101&group=%2FTEST+1&page=1&to=20191231&x=a+b',
    );
  });
});

describe.each(backends)('APEL GET /api/v1/cloud/record/summary on %s', (backend) => {
  let server: TestServer;
  let token: string;

  const post = async (records: RecordFields[]) => {
    const res = await request(`${server.url}${RECORD}`, { method: 'POST', body: apelMessage(records), ca: pki.caPem, credentials: publisher });
    expect(res.status, res.text).toBe(202);
  };
  /** `auth` null sends no Authorization header. */
  const get = (query: string, auth: string | null = `Bearer ${token}`) =>
    request(`${server.url}${SUMMARY}${query ? `?${query}` : ''}`, { ca: pki.caPem, headers: auth === null ? {} : { Authorization: auth } });

  beforeAll(async () => {
    server = await startTestServer(backend, {
      ...pki.env,
      ACC_APEL_ALLOWED_DNS: JSON.stringify([slashDn(hostDn('publisher.test'))]),
      ACC_APEL_IAM_ISSUERS: JSON.stringify([iam.issuer]),
      ACC_APEL_ALLOW_HTTP_ISSUERS: 'true',
      ACC_APEL_ALLOWED_FOR_GET: JSON.stringify(['service-client']),
      ACC_PUBLIC_URL: 'https://acc.example/base',
    });
    token = await iam.token();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('computes the worked example of §3 (86399 on day 30, 43200 on day 31)', async () => {
    await post([
      vmRecord({ VMUUID: 'TEST-VM', FQAN: '/WORKED/Role=NULL', WallDuration: 86399 }),
      vmRecord({ VMUUID: 'TEST-VM', FQAN: '/WORKED/Role=NULL', WallDuration: 129599 }),
    ]);
    const res = await get('from=20000101&to=20191231&group=/WORKED');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.count).toBe(2);
    expect(res.body.next).toBeNull();
    expect(res.body.previous).toBeNull();
    expect(
      res.body.results.map((r: Record<string, unknown>) => ({ WallDuration: r.WallDuration, Year: r.Year, Day: r.Day, Month: r.Month })),
    ).toEqual([
      { WallDuration: 86399, Year: 2016, Day: 30, Month: 7 },
      { WallDuration: 43200, Year: 2016, Day: 31, Month: 7 },
    ]);
    for (const row of res.body.results) {
      expect(Object.keys(row).sort()).toEqual([...FIELDS].sort());
      expect(row).toMatchObject({ VOGroup: '/WORKED', SiteName: 'Test-Site', GlobalUserName: 'TestDN' });
      expect(row.EarliestStartTime).toBe('2016-07-30T00:00:00');
      expect(row.LatestStartTime).toBe('2016-07-30T00:00:00');
      expect(row.UpdateTime).toMatch(ZONELESS);
    }
  });

  it('reflects a record accepted with 202 in the next GET (always current)', async () => {
    await post([vmRecord({ VMUUID: 'current-1', SiteName: 'Current-Site' })]);
    expect((await get('from=20000101&service=Current-Site')).body.count).toBe(1);
    await post([vmRecord({ VMUUID: 'current-2', SiteName: 'Current-Site', GlobalUserName: 'Other' })]);
    expect((await get('from=20000101&service=Current-Site')).body.count).toBe(2);
  });

  it('takes the last snapshot per VM per day and deltas against the previous day’s last snapshot', async () => {
    await post([
      vmRecord({ VMUUID: 'delta-vm', SiteName: 'Delta-Site', WallDuration: 3600, CpuDuration: 10 }), // day 30, 01:00
      vmRecord({ VMUUID: 'delta-vm', SiteName: 'Delta-Site', WallDuration: 80000, CpuDuration: 20 }), // day 30, last
      vmRecord({ VMUUID: 'delta-vm', SiteName: 'Delta-Site', WallDuration: 90000, CpuDuration: 30 }), // day 31
      vmRecord({ VMUUID: 'delta-vm', SiteName: 'Delta-Site', WallDuration: 100000, CpuDuration: 40 }), // day 31, last
      vmRecord({ VMUUID: 'delta-vm', SiteName: 'Delta-Site', WallDuration: 200000, CpuDuration: 50 }), // 1 Aug
    ]);
    const res = await get('from=20000101&service=Delta-Site');
    expect(res.body.results.map((r: { Day: number; Month: number; WallDuration: number }) => [r.Month, r.Day, r.WallDuration])).toEqual([
      [7, 30, 80000],
      [7, 31, 20000],
      [8, 1, 100000],
    ]);
  });

  it('breaks a measurement-time tie by receipt: the record received last wins', async () => {
    // Same VM, same measurement time (start + suspend + wall), different keys.
    const a = vmRecord({ VMUUID: 'tie-vm', SiteName: 'Tie-Site', SuspendDuration: 0, WallDuration: 1000 });
    const b = vmRecord({ VMUUID: 'tie-vm', SiteName: 'Tie-Site', SuspendDuration: 400, WallDuration: 600 });
    await post([a]);
    await post([b]);
    expect((await get('from=20000101&service=Tie-Site')).body.results.map((r: { WallDuration: number }) => r.WallDuration)).toEqual([600]);
    await post([a]); // a resend replaces a, which now counts as received last
    expect((await get('from=20000101&service=Tie-Site')).body.results.map((r: { WallDuration: number }) => r.WallDuration)).toEqual([1000]);
  });

  it('groups by every §3.4 key: rows differing only in CloudComputeService, CpuCount or Benchmark stay apart', async () => {
    await post([
      vmRecord({ VMUUID: 'grp-1', SiteName: 'Group-Site', WallDuration: 100 }),
      vmRecord({ VMUUID: 'grp-2', SiteName: 'Group-Site', WallDuration: 200 }),
      vmRecord({ VMUUID: 'grp-3', SiteName: 'Group-Site', WallDuration: 400, CloudComputeService: 'Other-Service' }),
      vmRecord({ VMUUID: 'grp-4', SiteName: 'Group-Site', WallDuration: 800, CpuCount: 4 }),
      vmRecord({ VMUUID: 'grp-5', SiteName: 'Group-Site', WallDuration: 1600, Benchmark: 11.5 }),
    ]);
    const res = await get('from=20000101&service=Group-Site');
    expect(res.body.count).toBe(4);
    const walls = res.body.results.map((r: { WallDuration: number }) => r.WallDuration).sort((x: number, y: number) => x - y);
    expect(walls).toEqual([300, 400, 800, 1600]);
    // Identical on the 10 visible fields, yet not merged.
    const visible = res.body.results.map((r: Record<string, unknown>) => JSON.stringify({ ...r, WallDuration: 0 }));
    expect(new Set(visible).size).toBe(1);
  });

  it('filters on VM start times with exclusive bounds, and `to` applies without a filter', async () => {
    await post([
      // Started 10:00 on the 30th, usage lands on the 31st.
      vmRecord({ VMUUID: 'bounds-1', SiteName: 'Bounds-Site', StartTime: '2016-07-30T10:00:00Z', WallDuration: 60000 }),
    ]);
    expect((await get('from=20160730&service=Bounds-Site')).body.results.map((r: { Day: number }) => r.Day)).toEqual([31]);
    expect((await get('from=20160731&service=Bounds-Site')).body.count).toBe(0);
    expect((await get('from=20160729&to=20160730&service=Bounds-Site')).body.count).toBe(0);
    expect((await get('from=20160729&to=20160731&service=Bounds-Site')).body.count).toBe(1);

    // Exactly at midnight of `from`: excluded.
    await post([vmRecord({ VMUUID: 'bounds-2', SiteName: 'Bounds-Midnight', StartTime: '2015-03-01T00:00:00Z', WallDuration: 10 })]);
    expect((await get('from=20150301&service=Bounds-Midnight')).body.count).toBe(0);
    expect((await get('from=20150228&service=Bounds-Midnight')).body.count).toBe(1);

    // `to` without any filter (fixed vs original).
    await post([vmRecord({ VMUUID: 'bounds-3', SiteName: 'Bounds-Old', StartTime: '2001-05-05T05:00:00Z', WallDuration: 10 })]);
    const onlyOld = await get('from=20010505&to=20010506');
    expect(onlyOld.body.results.map((r: { SiteName: string }) => r.SiteName)).toEqual(['Bounds-Old']);
  });

  it('filters user on GlobalUserName, group on VOGroup, service on SiteName (not CloudComputeService)', async () => {
    await post([
      vmRecord({
        VMUUID: 'flt-1',
        SiteName: 'Filter-Site',
        CloudComputeService: 'Filter-Service',
        GlobalUserName: 'filter-user',
        FQAN: '/filtervo/sub',
      }),
    ]);
    expect((await get('from=20000101&service=Filter-Site')).body.count).toBe(1);
    expect((await get('from=20000101&service=Filter-Service')).body.count).toBe(0);
    expect((await get('from=20000101&user=filter-user')).body.count).toBe(1);
    expect((await get('from=20000101&group=/filtervo/sub')).body.results[0]).toMatchObject({
      VOGroup: '/filtervo/sub',
      GlobalUserName: 'filter-user',
    });
    expect((await get('from=20000101&group=/filtervo')).body.count).toBe(0);
  });

  it('renders null strings as "None" and datetimes without a zone', async () => {
    await post([
      vmRecord({
        VMUUID: 'none-1',
        SiteName: 'None-Site',
        GlobalUserName: 'NULL',
        FQAN: 'NULL',
        StartTime: '2013-02-25T17:37:27Z',
        WallDuration: 86400,
      }),
    ]);
    const res = await get('from=20130101&to=20130301&service=None-Site');
    expect(res.body.results).toHaveLength(1);
    expect(res.body.results[0]).toMatchObject({
      VOGroup: 'None',
      SiteName: 'None-Site',
      GlobalUserName: 'None',
      WallDuration: 86400,
      EarliestStartTime: '2013-02-25T17:37:27',
      LatestStartTime: '2013-02-25T17:37:27',
      Day: 26,
      Month: 2,
      Year: 2013,
    });
  });

  it('orders rows by Year, Month, Day, SiteName, VOGroup, GlobalUserName', async () => {
    await post([
      vmRecord({ VMUUID: 'ord-1', SiteName: 'Ord-B', StartTime: '2012-01-01T00:00:00Z', WallDuration: 10, GlobalUserName: 'u1' }),
      vmRecord({ VMUUID: 'ord-2', SiteName: 'Ord-A', StartTime: '2012-01-02T00:00:00Z', WallDuration: 10, GlobalUserName: 'u1' }),
      vmRecord({ VMUUID: 'ord-3', SiteName: 'Ord-A', StartTime: '2012-01-01T00:00:00Z', WallDuration: 10, GlobalUserName: 'u2', FQAN: '/b' }),
      vmRecord({ VMUUID: 'ord-4', SiteName: 'Ord-A', StartTime: '2012-01-01T00:00:00Z', WallDuration: 10, GlobalUserName: 'u3', FQAN: '/a' }),
      vmRecord({ VMUUID: 'ord-5', SiteName: 'Ord-A', StartTime: '2012-01-01T00:00:00Z', WallDuration: 10, GlobalUserName: 'u1', FQAN: '/a' }),
    ]);
    const res = await get('from=20111231&to=20120201');
    expect(
      res.body.results.map(
        (r: { Day: number; SiteName: string; VOGroup: string; GlobalUserName: string }) => `${r.Day} ${r.SiteName} ${r.VOGroup} ${r.GlobalUserName}`,
      ),
    ).toEqual(['1 Ord-A /a u1', '1 Ord-A /a u3', '1 Ord-A /b u2', '1 Ord-B /TEST u1', '2 Ord-A /TEST u1']);
  });

  it('paginates by 100 with absolute links in alphabetical key order', async () => {
    const records = Array.from({ length: 250 }, (_, i) =>
      vmRecord({ VMUUID: `page-${i}`, SiteName: 'Page-Site', GlobalUserName: `user-${String(i).padStart(3, '0')}` }),
    );
    await post(records);
    const base = 'https://acc.example/base/api/v1/cloud/record/summary';
    const p1 = await get('service=Page-Site&from=20000101');
    expect(p1.body.count).toBe(250);
    expect(p1.body.results).toHaveLength(100);
    expect(p1.body.previous).toBeNull();
    expect(p1.body.next).toBe(`${base}?from=20000101&page=2&service=Page-Site`);
    expect(p1.body.results[0].GlobalUserName).toBe('user-000');

    const p2 = await get('service=Page-Site&page=2&from=20000101');
    expect(p2.body.results[0].GlobalUserName).toBe('user-100');
    expect(p2.body.previous).toBe(`${base}?from=20000101&page=1&service=Page-Site`);
    expect(p2.body.next).toBe(`${base}?from=20000101&page=3&service=Page-Site`);

    const p3 = await get('service=Page-Site&page=9999&from=20000101');
    expect(p3.body.results).toHaveLength(50);
    expect(p3.body.results[0].GlobalUserName).toBe('user-200');
    expect(p3.body.next).toBeNull();
    expect(p3.body.previous).toBe(`${base}?from=20000101&page=2&service=Page-Site`);

    const pa = await get('service=Page-Site&page=a&from=20000101');
    expect(pa.body.results[0].GlobalUserName).toBe('user-000');
  });

  it.each(['page=a', 'page=9999', ''])('answers an empty result (%s) with an empty page 1', async (page) => {
    const res = await get(`from=20000101&service=Nothing-Here&${page}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"count":0,"next":null,"previous":null,"results":[]}');
  });

  it('answers 400 with the message as a JSON string, after authentication', async () => {
    const bad = await get('group=/WORKED');
    expect(bad.status).toBe(400);
    expect(bad.text).toBe(JSON.stringify("'from' must be set in GET requests."));
    expect((await get('from=20000101&user=a&service=b')).body).toBe('Only one of User, Group and Service can be set.');
    expect((await get('from=2000-01-01')).body).toBe("'from' must be a date in YYYYMMDD format.");
    expect((await get('from=20000101&to=x')).body).toBe("'to' must be a date in YYYYMMDD format.");
    // Authentication comes first.
    expect((await get('group=/WORKED', null)).status).toBe(401);
  });

  it('answers 405 to other methods', async () => {
    const res = await request(`${server.url}${SUMMARY}`, { method: 'POST', ca: pki.caPem, body: 'x', headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET');
  });

  it('answers 500 with an empty body when storage is unavailable', async () => {
    const ds = server.app.database.dataSource;
    await ds.query('ALTER TABLE apel_records RENAME TO apel_records_away');
    try {
      const res = await get('from=20000101');
      expect(res.status).toBe(500);
      expect(res.text).toBe('');
    } finally {
      await ds.query('ALTER TABLE apel_records_away RENAME TO apel_records');
    }
  });
});

describe.each(backends)('APEL → ARGO bridge (ACC_APEL_SITE_MAP) on %s', (backend) => {
  let server: TestServer;
  const post = async (records: RecordFields[]) => {
    const res = await request(`${server.url}${RECORD}`, { method: 'POST', body: apelMessage(records), ca: pki.caPem, credentials: publisher });
    expect(res.status, res.text).toBe(202);
  };
  const metrics = () =>
    server.app.database.dataSource.query(
      `SELECT m.*, d.metric_name, d.unit_type, d.metric_type FROM metrics m JOIN metric_definitions d ON d.id = m.metric_definition_id
       WHERE m.installation_id = 'inst-apel' ORDER BY d.metric_name, m.time_period_start`,
    );

  beforeAll(async () => {
    server = await startTestServer(backend, {
      ...pki.env,
      ACC_APEL_ALLOWED_DNS: JSON.stringify([slashDn(hostDn('publisher.test'))]),
      ACC_APEL_SITE_MAP: JSON.stringify({ 'Argo-Site': 'inst-apel', 'Argo-Site-2': 'inst-apel', 'Ghost-Site': 'no-such-installation' }),
    });
    const ds = server.app.database.dataSource;
    await ds.query(`INSERT INTO projects (id, acronym) VALUES ('P1', 'PRJ')`);
    await ds.query(`INSERT INTO providers (id, name) VALUES ('prov1', 'Provider 1')`);
    await ds.query(`INSERT INTO project_providers (project_id, provider_id) VALUES ('P1', 'prov1')`);
    await ds.query(
      `INSERT INTO installations (id, project_id, provider_id, installation, infrastructure) VALUES ('inst-apel', 'P1', 'prov1', 'cloud', 'OpenNebula')`,
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('writes one metric per (installation, definition, day) and replaces it on recompute', async () => {
    await post([
      vmRecord({ VMUUID: 'argo-vm', SiteName: 'Argo-Site', WallDuration: 86399, CpuDuration: 1000 }),
      vmRecord({ VMUUID: 'argo-vm', SiteName: 'Argo-Site', WallDuration: 129599, CpuDuration: 5000 }),
    ]);
    let rows = await metrics();
    expect(rows.map((m: Record<string, unknown>) => [m.metric_name, new Date(m.time_period_start as string).toISOString(), m.value])).toEqual([
      ['APEL CPU time', '2016-07-30T00:00:00.000Z', 1000],
      ['APEL CPU time', '2016-07-31T00:00:00.000Z', 4000],
      ['APEL wall-clock time', '2016-07-30T00:00:00.000Z', 86399],
      ['APEL wall-clock time', '2016-07-31T00:00:00.000Z', 43200],
    ]);
    for (const m of rows) {
      expect(m).toMatchObject({
        unit_type: 's',
        metric_type: 'aggregated',
        project_id: 'P1',
        provider_id: 'prov1',
        project_acronym: 'PRJ',
        installation_name: 'cloud',
        infrastructure: 'OpenNebula',
        resource_id: 'P1.prov1.inst-apel',
      });
      expect(new Date(m.time_period_end).getTime() - new Date(m.time_period_start).getTime()).toBe(86_400_000);
      expect(m.id).toBe(apelMetricId('inst-apel', m.metric_definition_id, new Date(m.time_period_start).toISOString().slice(0, 10)));
    }

    // Another site mapped to the same installation, and a later snapshot: same rows, new values.
    await post([
      vmRecord({ VMUUID: 'argo-vm-2', SiteName: 'Argo-Site-2', StartTime: '2016-07-31T00:00:00Z', WallDuration: 100, CpuDuration: 7 }),
      vmRecord({ VMUUID: 'argo-vm', SiteName: 'Argo-Site', WallDuration: 150000, CpuDuration: 6000 }),
    ]);
    rows = await metrics();
    expect(rows).toHaveLength(4);
    const byName = (name: string) => rows.filter((m: { metric_name: string }) => m.metric_name === name).map((m: { value: number }) => m.value);
    expect(byName('APEL wall-clock time')).toEqual([86399, 150000 - 86399 + 100]);
    expect(byName('APEL CPU time')).toEqual([1000, 5000 + 7]);
    // The rollups followed the replacement (INSERT … ON CONFLICT DO UPDATE) in the same statement.
    expect(await new RollupCheckRepository(server.app.database.dataSource.manager).check()).toMatchObject({ differences: 0 });
    const [month] = await server.app.database.dataSource.query(
      `SELECT sum(total)::text AS total FROM metric_rollups WHERE installation_id = 'inst-apel' AND level = 4`,
    );
    expect(month.total).toBe(String(86399 + 150000 - 86399 + 100 + 1000 + 5000 + 7));
  });

  it('still answers 202 when a mapped installation does not exist', async () => {
    await post([vmRecord({ VMUUID: 'ghost-vm', SiteName: 'Ghost-Site' })]);
    const [{ n }] = await server.app.database.dataSource.query(`SELECT count(*) AS n FROM metrics WHERE installation_id = 'no-such-installation'`);
    expect(Number(n)).toBe(0);
  });
});
