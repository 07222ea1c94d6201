import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { Fixtures, stage, tokenWith, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';
import { createLogger } from '../src/telemetry/logger.js';
import { apelMessage, slashDn, hostDn, startTestIam, vmRecord, type TestIam } from './support/apel.js';

/**
 * Hostile but well-formed input (attack-run findings 4, 6, 7 and 10): every case is a 400 naming the
 * field and its bound, stores nothing, and leaves the project's reports answering.
 */
const API = '/accounting-system';
const VALUE_RANGE = 'value must be between -1e15 and 1e15.';
const bad = (field: string) => `${field} must not contain NUL characters or unpaired surrogates.`;
const tooLong = (field: string, max: number) => `${field} must be at most ${max} characters.`;
const PUBLISHER = slashDn(hostDn('publisher.test'));
const AMS_PROJECT = 'eosc_service_catalogue';

let iam: TestIam;
beforeAll(async () => {
  iam = await startTestIam();
});
afterAll(async () => {
  await iam?.close();
});

describe.each(backends)('input bounds (%s)', (backend) => {
  let s: TestServer;
  let f: Fixtures;
  let admin: string;
  let inst: InstallationFixture;
  let def: string;
  let metricId: string;
  let capacityId: string;

  const metric = (over: Record<string, unknown> = {}) => ({
    metric_definition_id: def,
    time_period_start: '2024-03-01T00:00:00Z',
    time_period_end: '2024-03-02T00:00:00Z',
    value: 5,
    ...over,
  });
  const call = (method: string, path: string, body?: unknown, token = admin) => s.call(method, `${API}${path}`, { token, body });
  const expect400 = (r: { status: number; body: any }, message: string) => {
    expect(r.status, JSON.stringify(r.body)?.slice(0, 300)).toBe(400);
    expect(r.body.message ?? r.body.error?.message).toBe(message);
  };
  const expectTrpc400 = (r: { status: number; body: any }, message: string) => {
    expect(r.status, JSON.stringify(r.body)?.slice(0, 300)).toBe(400);
    expect(r.body.error.message).toBe(message);
  };
  const q = async (sql: string, params: unknown[] = []) => s.app.database.dataSource.query(sql, params);
  const count = async (table: string) => Number((await q(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  /** Every report of the project still answers 200. */
  const reportsAnswer = async () => {
    const window = 'start=2024-01-01&end=2024-12-31';
    for (const path of [
      `/projects/P1/report?${window}`,
      `/installations/${inst.id}/report?${window}`,
      `/projects/P1/providers/prov1/report?${window}`,
    ]) {
      const r = await call('GET', path);
      expect(r.status, `${path}: ${JSON.stringify(r.body)?.slice(0, 300)}`).toBe(200);
    }
  };

  beforeAll(async () => {
    s = await startTestServer(backend, {
      ACC_OPENAIRE_URL: 'off',
      // APEL: the publisher's DN arrives from a trusted proxy (127.0.0.1), the summary reader from a test IAM.
      ACC_TRUSTED_DN_HEADER: 'X-SSL-Client-DN',
      ACC_TRUSTED_PROXIES: '127.0.0.1',
      ACC_APEL_ALLOWED_DNS: JSON.stringify([PUBLISHER]),
      ACC_APEL_IAM_ISSUERS: JSON.stringify([iam.issuer]),
      ACC_APEL_ALLOW_HTTP_ISSUERS: 'true',
      ACC_APEL_ALLOWED_FOR_GET: JSON.stringify(['service-client']),
    });
    f = Fixtures.of(s);
    admin = await tokenWith(s, ent('role=admin'));
    ({ inst, def } = await stage(f));
    await f.provider('unrelated', { name: 'Unrelated Provider' });
    await f.project(AMS_PROJECT);
    const pushed = await call('POST', `/installations/${inst.id}/metrics`, metric());
    expect(pushed.status).toBe(201);
    metricId = pushed.body.metric_id;
    capacityId = await f.capacity(inst.id, def, '100', '2024-01-01T00:00:00Z');
  });
  afterAll(() => s?.close());

  describe('metric and capacity values (finding 4)', () => {
    it('refuses |value| > 1e15 on a single push, REST and tRPC, storing nothing; the bounds themselves sum fine', async () => {
      const before = await count('metrics');
      for (const value of [1e308, -1e308, 1e16, '1e308', -1000000000000001])
        expect400(await call('POST', `/installations/${inst.id}/metrics`, metric({ value })), VALUE_RANGE);
      expect400(await call('POST', `/installations/external/metrics?externalId=${inst.externalId}`, metric({ value: 1e308 })), VALUE_RANGE);
      expectTrpc400(await trpc(s, 'mutation', 'metrics.push', { installation_id: inst.id, ...metric({ value: 1e308 }) }, admin), VALUE_RANGE);
      expect(await count('metrics')).toBe(before);
      await reportsAnswer();

      // The bounds themselves are accepted, and their sums stay reportable.
      for (const value of [1e15, 1e15, -1e15]) {
        const r = await call(
          'POST',
          `/installations/${inst.id}/metrics`,
          metric({ value, time_period_start: '2024-05-01T00:00:00Z', time_period_end: '2024-05-02T00:00:00Z' }),
        );
        expect(r.status).toBe(201);
      }
      const r = await call('GET', `/installations/${inst.id}/report?start=2024-05-01&end=2024-05-03`);
      expect(r.status).toBe(200);
      expect(r.body.data[0].periods[0].total_value).toBe(1e15);
    });

    it('reports the first out-of-range element of a bulk push with its index, storing nothing', async () => {
      const before = await count('metrics');
      const r = await call('POST', `/installations/${inst.id}/metrics/bulk`, [metric(), metric({ value: 1e308 }), metric({ value: -1e308 })]);
      expect400(r, `[1] ${VALUE_RANGE}`);
      expect(r.body.errors).toEqual([`[1] ${VALUE_RANGE}`, `[2] ${VALUE_RANGE}`]);
      const t = await trpc(s, 'mutation', 'metrics.pushBulk', { installation_id: inst.id, items: [metric({ value: 1e308 })] }, admin);
      expectTrpc400(t, `[0] ${VALUE_RANGE}`);
      expect(await count('metrics')).toBe(before);
      await reportsAnswer();
    });

    it('refuses an out-of-range value on update, leaving the metric unchanged', async () => {
      expect400(await call('PATCH', `/installations/${inst.id}/metrics/${metricId}`, { value: 1e308 }), VALUE_RANGE);
      expectTrpc400(await trpc(s, 'mutation', 'metrics.update', { installation_id: inst.id, metric_id: metricId, value: -1e16 }, admin), VALUE_RANGE);
      expect((await q('SELECT value FROM metrics WHERE id = $1', [metricId]))[0].value).toBe(5);
      await reportsAnswer();
    });

    it('refuses a capacity value beyond 1e15 on create and update', async () => {
      const before = await count('capacities');
      expect400(
        await call('POST', `/installations/${inst.id}/capacities`, { value: 1e308, metric_definition_id: def, registered_on: '2024-02-01' }),
        VALUE_RANGE,
      );
      expect400(
        await call('POST', `/installations/${inst.id}/capacities`, { value: '1e16', metric_definition_id: def, registered_on: '2024-02-01' }),
        VALUE_RANGE,
      );
      expect400(await call('PATCH', `/installations/${inst.id}/capacities/${capacityId}`, { value: 1e308 }), VALUE_RANGE);
      // numeric refuses more than 16383 digits after the point: `1e-20000` was a 500.
      expect400(
        await call('PATCH', `/installations/${inst.id}/capacities/${capacityId}`, { value: '1e-20000' }),
        'value must have at most 15 digits after the decimal point.',
      );
      expect400(
        await call('PATCH', `/installations/${inst.id}/capacities/${capacityId}`, { value: '0.' + '0'.repeat(70) + '1' }),
        tooLong('value', 64),
      );
      expectTrpc400(
        await trpc(
          s,
          'mutation',
          'capacities.create',
          { installation_id: inst.id, value: 1e308, metric_definition_id: def, registered_on: '2024-02-01' },
          admin,
        ),
        VALUE_RANGE,
      );
      expect(await count('capacities')).toBe(before);
      expect((await q('SELECT value::text AS v FROM capacities WHERE id = $1', [capacityId]))[0].v).toBe('100');
      await reportsAnswer();
    });
  });

  describe('NUL characters and unpaired surrogates (finding 6)', () => {
    it('refuses them in catalogue text, REST and tRPC', async () => {
      const before = await count('unit_types');
      expect400(await call('POST', '/unit-types', { unit_type: 'a\u0000b', description: 'd' }), bad('unit_type'));
      expect400(await call('POST', '/unit-types', { unit_type: 'ok', description: 'x\ud800' }), bad('description'));
      expectTrpc400(await trpc(s, 'mutation', 'unitTypes.create', { unit_type: 'a\u0000b', description: 'd' }, admin), bad('unit_type'));
      expect(await count('unit_types')).toBe(before);
    });

    it('refuses them in a pushed group_id or user_id', async () => {
      const before = await count('metrics');
      expect400(await call('POST', `/installations/${inst.id}/metrics`, metric({ group_id: 'g\u0000' })), bad('group_id'));
      expect400(await call('POST', `/installations/${inst.id}/metrics`, metric({ user_id: '\udc00u' })), bad('user_id'));
      expect400(await call('POST', `/installations/${inst.id}/metrics/bulk`, [metric(), metric({ group_id: '\u0000' })]), `[1] ${bad('group_id')}`);
      expect400(await call('PATCH', `/installations/${inst.id}/metrics/${metricId}`, { group_id: 'g\u0000' }), bad('group_id'));
      expect(await count('metrics')).toBe(before);
      await reportsAnswer();
    });

    it('refuses them in query parameters and ids, REST and tRPC', async () => {
      expect400(await call('GET', `/installations/${inst.id}/metrics?metric-definition-id=%00`), bad('metric-definition-id'));
      expectTrpc400(await trpc(s, 'query', 'metrics.listByGroup', { project_id: 'P1', group_id: 'g\u0000' }, admin), bad('group_id'));
      expect400(await call('GET', `/installations/external?externalId=%00`), bad('externalId'));
      expectTrpc400(await trpc(s, 'query', 'installations.get', { id: '\ud800' }, admin), bad('id'));
      expectTrpc400(
        await trpc(s, 'query', 'metrics.listByInstallation', { installation_id: inst.id, 'metric-definition-id': 'a\u0000' }, admin),
        bad('metric-definition-id'),
      );
      expectTrpc400(
        await trpc(s, 'query', 'reports.group', { project_id: 'P1', group_id: '\u0000', start: '2024-01-01', end: '2024-12-31' }, admin),
        bad('group_id'),
      );
    });

    it('refuses them in a custom project id, REST and tRPC, creating nothing', async () => {
      const project = { id: '\ud800', acronym: 'A', title: 'T', start_date: '2024-01-01', end_date: '2024-12-31', call_identifier: 'C' };
      const before = await count('projects');
      const r = await call('POST', '/admin/projects', project);
      expect400(r, bad('id'));
      expect(r.headers.get('location')).toBeNull();
      expectTrpc400(await trpc(s, 'mutation', 'projects.create', { ...project, acronym: 'x\u0000' }, admin), bad('id'));
      expect(await count('projects')).toBe(before);
    });

    it('refuses them in a search value', async () => {
      const r = await call('POST', '/installations/search', { type: 'query', field: 'installation', values: 'a\u0000b', operand: 'eq' });
      expect400(r, bad('installation'));
    });

    it('refuses them in any APEL record field and in the summary filters', async () => {
      const before = await count('apel_records');
      const post = (text: string) =>
        s.call('POST', '/api/v1/cloud/record', { body: text, headers: { 'Content-Type': 'text/plain', 'X-SSL-Client-DN': PUBLISHER } });
      for (const field of ['VMUUID', 'SiteName', 'MachineName', 'GlobalUserName', 'FQAN', 'ImageId']) {
        const r = await post(apelMessage([vmRecord({ VMUUID: 'nul-vm', [field]: 'a\u0000b' })]));
        expect(r.status, field).toBe(400);
        expect(r.body).toBe(`Record 1: ${bad(field)}`);
      }
      expect(await count('apel_records')).toBe(before);

      const token = await iam.token();
      for (const [param, name] of [
        ['user', 'user'],
        ['group', 'group'],
        ['service', 'service'],
      ]) {
        const r = await s.call('GET', `/api/v1/cloud/record/summary?from=20160101&${param}=%00`, { headers: { Authorization: `Bearer ${token}` } });
        expect(r.status, param).toBe(400);
        expect(r.body).toBe(bad(name));
      }
    });
  });

  describe('lengths and numeric ranges (finding 7)', () => {
    it('refuses a 512 KiB unit_type and provider name with the field and its limit, a 30 MiB one as too large a body', async () => {
      const before = await count('unit_types');
      expect400(await call('POST', '/unit-types', { unit_type: 'u'.repeat(512 * 1024), description: 'd' }), tooLong('unit_type', 255));
      // Beyond ACC_MAX_BODY_BYTES (1 MiB) the body is not even read into a field.
      const huge = await call('POST', '/unit-types', { unit_type: 'u'.repeat(30 * 1024 * 1024), description: 'd' });
      expect(huge.status).toBe(413);
      expect400(await call('POST', '/unit-types', { unit_type: 'u', description: 'd'.repeat(4097) }), tooLong('description', 4096));
      expect(await count('unit_types')).toBe(before);
      expect400(await call('POST', '/providers', { name: 'n'.repeat(512 * 1024) }), tooLong('name', 255));
      // Characters, not UTF-16 units: 255 astral characters are within the limit.
      const r = await call('POST', '/unit-types', { unit_type: '\u{1F600}'.repeat(255), description: 'emoji' });
      expect(r.status).toBe(201);
    });

    it('refuses a 20 KB resource id instead of answering it in a 20 KB Location', async () => {
      const before = await count('resources');
      const r = await call('POST', '/admin/resources', { id: 'r'.repeat(20 * 1024), name: 'big' });
      expect400(r, tooLong('id', 255));
      expect(r.headers.get('location')).toBeNull();
      expectTrpc400(await trpc(s, 'mutation', 'resources.create', { id: 'r'.repeat(256), name: 'big' }, admin), tooLong('id', 255));
      expect(await count('resources')).toBe(before);
    });

    it('refuses over-long ids in paths and queries', async () => {
      expect400(await call('GET', `/installations/${'i'.repeat(256)}`), tooLong('id', 255));
      expect400(await call('GET', `/projects/P1/groups/${'g'.repeat(256)}/report?start=2024-01-01&end=2024-12-31`), tooLong('group_id', 255));
      expect400(await call('GET', `/installations/${inst.id}/metrics?metric-definition-id=${'d'.repeat(256)}`), tooLong('metric-definition-id', 255));
      expect400(await call('POST', `/installations/${inst.id}/metrics`, metric({ user_id: 'u'.repeat(256) })), tooLong('user_id', 255));
      await reportsAnswer();
    });

    it('refuses APEL durations whose timestamps would overflow, and a 10 MB VMUUID', async () => {
      const before = await count('apel_records');
      const post = (fields: Record<string, string | number | null>) =>
        s.call('POST', '/api/v1/cloud/record', {
          body: apelMessage([vmRecord({ VMUUID: 'range-vm', ...fields })]),
          headers: { 'X-SSL-Client-DN': PUBLISHER },
        });
      const cases: [Record<string, string | number>, string][] = [
        [{ SuspendDuration: -9007199254740991 }, 'Record 1: SuspendDuration must be between 0 and 315537897599.'],
        [{ WallDuration: 9007199254740991 }, 'Record 1: WallDuration must be between 0 and 315537897599.'],
        [{ CpuDuration: -1 }, 'Record 1: CpuDuration must be between 0 and 315537897599.'],
        [{ Benchmark: '1e300' }, 'Record 1: Benchmark must be between -1e15 and 1e15.'],
        [
          { StartTime: '9999-12-31T00:00:00Z', WallDuration: 86400 * 2 },
          'Record 1: StartTime + SuspendDuration + WallDuration must fall within the years 1 to 9999.',
        ],
        [
          { Status: 'completed', EndTime: '2016-07-29T00:00:00Z', WallDuration: 'NULL' },
          'Record 1: WallDuration must be between 0 and 315537897599.',
        ],
        [{ VMUUID: 'v'.repeat(10 * 1024 * 1024) }, 'Record 1: VMUUID must be at most 255 characters.'],
        [{ GlobalUserName: 'g'.repeat(1025) }, 'Record 1: GlobalUserName must be at most 1024 characters.'],
      ];
      for (const [fields, message] of cases) {
        const r = await post(fields);
        expect(r.status, message).toBe(400);
        expect(r.body).toBe(message);
      }
      expect(await count('apel_records')).toBe(before);
      const ok = await post({ SuspendDuration: 0, WallDuration: 86400 });
      expect(ok.status).toBe(202);
    });

    it('answers undecodable AMS data, a NUL and a 512 KiB name with 400, creating nothing', async () => {
      const ams = (data: unknown) =>
        s.call('POST', `${API}/ams-listener`, { body: { message: { data } }, headers: { Authorization: 'create_provider' } });
      const encode = (message: unknown) => Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
      const providers = await count('providers');
      for (const data of ['!!!not base64', Buffer.from('{"status":').toString('base64'), Buffer.from([0xff, 0xfe]).toString('base64')]) {
        const r = await ams(data);
        expect(r.status, data).toBe(400);
        expect(r.body.message).toMatch(/^Cannot parse the AMS message data: /);
      }
      expect400(await ams(encode({ status: 'approved provider', provider: { id: 'ams-1', name: 'a\u0000b' } })), bad('name'));
      expect400(await ams(encode({ status: 'approved provider', provider: { id: 'ams-1', name: 'n'.repeat(512 * 1024) } })), tooLong('name', 255));
      expect400(
        await ams(encode({ status: 'approved resource', service: { id: 's1', name: 'S', resourceOrganisation: 'x\u0000' } })),
        bad('resourceOrganisation'),
      );
      expect(await count('providers')).toBe(providers);
    });
  });

  describe('scope and fan-out (finding 10)', () => {
    it("answers 404 for a provider report of a provider outside the caller's project", async () => {
      const projectAdmin = await tokenWith(s, ent('P1:role=admin'));
      const r = await call('GET', '/projects/P1/providers/unrelated/report?start=2024-01-01&end=2024-12-31', undefined, projectAdmin);
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ code: 404, message: 'There is no Provider with the following id: unrelated' });
      expect(JSON.stringify(r.body)).not.toContain('Unrelated Provider');
      const t = await trpc(
        s,
        'query',
        'reports.provider',
        { project_id: 'P1', provider_id: 'unrelated', start: '2024-01-01', end: '2024-12-31' },
        admin,
      );
      expect(t.status).toBe(404);
      expect((await call('GET', '/projects/P1/providers/prov1/report?start=2024-01-01&end=2024-12-31', undefined, projectAdmin)).status).toBe(200);
    });

    it('caps project registration at 100 ids', async () => {
      const ids = Array.from({ length: 101 }, (_, i) => String(100000 + i));
      expect400(await call('POST', '/admin/register-projects', { projects: ids }), 'projects should have at most 100 entries.');
      expectTrpc400(await trpc(s, 'mutation', 'projects.register', { projects: ids }, admin), 'projects should have at most 100 entries.');
      expect400(await call('POST', '/admin/register-projects', { projects: ['a\u0000'] }), bad('projects'));
    });
  });
});

describe('start-up warnings (finding 10c)', () => {
  const startLogged = async (env: Record<string, string>) => {
    const lines: { level: number | string; msg: string }[] = [];
    const logger = await createLogger({
      level: 'info',
      format: 'json',
      destination: {
        write: (chunk: string) =>
          void lines.push(
            ...chunk
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l)),
          ),
      },
    });
    const server = await startTestServer('pglite', env, { logger });
    await server.close();
    return lines.filter((l) => l.level === 'warn' || l.level === 40).map((l) => l.msg);
  };

  it('warns in production when the metrics token is unset and the AMS secret is the documented default', async () => {
    const warnings = await startLogged({});
    expect(warnings).toContain('ACC_METRICS_TOKEN is not set: anyone who can reach /metrics can read it.');
    expect(warnings).toContain(
      'ACC_AMS_AUTHORIZATION accepts the documented default value(s) create_provider, create_installation: anyone can push to /accounting-system/ams-listener.',
    );
    const quiet = await startLogged({ ACC_METRICS_TOKEN: 'scrape-secret', ACC_AMS_AUTHORIZATION: 'a-long-random-value' });
    expect(quiet.filter((m) => /ACC_METRICS_TOKEN|ACC_AMS_AUTHORIZATION/.test(m))).toEqual([]);
  });
});
