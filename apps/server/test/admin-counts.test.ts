import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';
import { trpcClient, trpcFailure } from './support/trpc.js';

const api = '/accounting-system';

describe.each(backends)('admin counts on %s', (backend) => {
  let s: TestServer;
  let admin: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    admin = await s.issuer.token({ sub: 'sys-admin', entitlements: [ent('role=admin')] });
    const q = (sql: string, params: unknown[] = []) => s.app.database.dataSource.query(sql, params);
    // Rows straddling the window edges, inserted directly so only the counting is under test.
    const definitionTimes = [
      '2023-12-31T23:59:59.999Z',
      '2024-01-01T00:00:00Z',
      '2024-01-15T12:00:00Z',
      '2024-01-31T00:00:00Z',
      '2024-01-31T00:00:00.001Z',
    ];
    for (const [i, t] of definitionTimes.entries()) {
      await q(`INSERT INTO metric_definitions (id, metric_name, unit_type, metric_type, created_at) VALUES ($1, $2, 'TB', 'count', $3)`, [
        `def${i}`,
        `m${i}`,
        t,
      ]);
    }
    await q(`INSERT INTO projects (id) VALUES ('p1')`);
    await q(`INSERT INTO providers (id, name) VALUES ('prov', 'Provider')`);
    await q(`INSERT INTO project_providers (project_id, provider_id) VALUES ('p1', 'prov')`);
    await q(`INSERT INTO installations (id, project_id, provider_id, installation) VALUES ('inst', 'p1', 'prov', 'I1')`);
    const metricTimes = ['2024-01-10T00:00:00Z', '2024-02-10T00:00:00Z', '2024-01-31T00:00:00Z'];
    for (const [i, t] of metricTimes.entries()) {
      await q(
        `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, project_id, provider_id, resource_id, created_at)
         VALUES ('inst', $1, 'def0', '2020-01-01T00:00:00Z', '2020-01-02T00:00:00Z', 'p1', 'prov', 'p1.prov.inst', $2)`,
        [`met${i}`, t],
      );
    }
    const actorTimes = ['2020-05-05T00:00:00Z', '2024-01-31T23:59:59.999Z', '2024-02-01T00:00:00Z'];
    for (const [i, t] of actorTimes.entries()) {
      await q(`INSERT INTO actors (id, oidc_id, issuer, registered_on) VALUES ($1, $2, 'https://idp.example', $3)`, [`actor${i}`, `a${i}`, t]);
    }
  });
  afterAll(() => s.close());

  const counts = (query: string, token = admin) => s.call('GET', `${api}/admin/metrics${query}`, { token });

  it('counts definitions and metrics created in [start 00:00, end 00:00] and actors registered by the end of endDate', async () => {
    const r = await counts('?startDate=2024-01-01&endDate=2024-01-31');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ metric_definition_count: 3, metric_count: 2, actor_count: 2 });
    const sameDay = await counts('?startDate=2024-01-31&endDate=2024-01-31');
    expect(sameDay.body).toEqual({ metric_definition_count: 1, metric_count: 1, actor_count: 2 });
  });

  it.each([
    ['', 'Invalid date format. Use yyyy-MM-dd'],
    ['?endDate=2024-01-31', 'Invalid date format. Use yyyy-MM-dd'],
    ['?startDate=2024-01-01', 'Invalid date format. Use yyyy-MM-dd'],
    ['?startDate=2024-1-01&endDate=2024-01-31', 'Invalid date format. Use yyyy-MM-dd'],
    ['?startDate=2024-02-30&endDate=2024-03-01', 'Invalid date format. Use yyyy-MM-dd'],
    ['?startDate=2024-01-01&endDate=31-01-2024', 'Invalid date format. Use yyyy-MM-dd'],
    ['?startDate=2024-02-01&endDate=2024-01-31', 'Invalid date range. Start date must be before end date.'],
  ])('refuses %s', async (query, message) => {
    expect((await counts(query)).body).toEqual({ code: 400, message });
  });

  it('is for system admins only, checked before the query', async () => {
    const viewer = await s.issuer.token({ sub: 'viewer', entitlements: [ent('role=viewer')] });
    expect((await counts('', viewer)).body).toEqual({
      code: 403,
      message: 'The authenticated client is not permitted to perform the requested operation.',
    });
  });

  it('serves the same procedure over tRPC', async () => {
    const trpc = trpcClient(s.url, admin);
    expect(await trpc.adminCounts.counts.query({ startDate: '2024-01-01', endDate: '2024-12-31' })).toEqual({
      metric_definition_count: 4,
      metric_count: 3,
      actor_count: 3,
    });
    expect(await trpcFailure(trpc.adminCounts.counts.query({ startDate: 'x', endDate: '2024-12-31' }))).toEqual({
      message: 'Invalid date format. Use yyyy-MM-dd',
      httpStatus: 400,
    });
  });
});
