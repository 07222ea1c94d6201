import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollupCheckRepository } from '../src/modules/rollups/rollup-check-repository.js';
import { backends } from './support/database.js';
import { Fixtures, stage, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const FORBIDDEN = { code: 403, message: 'The authenticated client is not permitted to perform the requested operation.' };

/*
 * Every write path over HTTP keeps `metric_rollups` in step, in its own transaction: single and bulk
 * push, an idempotent replay (stores nothing), update (value, time, definition), delete, the project
 * cascade. The APEL bridge is covered in apel-summary.test.ts, random writes in rollups.property.test.ts.
 */
describe.each(backends)('rollups (%s)', (backend) => {
  let s: TestServer;
  let f: Fixtures;
  let admin: string;
  let inst: InstallationFixture;
  let def: string;
  let def2: string;
  let P: string;
  let prov: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    f = Fixtures.of(s);
    admin = await s.issuer.token({ sub: 'alice', entitlements: [ent('role=admin')] });
    ({ inst, def, projectId: P, providerId: prov } = await stage(f));
    def2 = await f.definition({ metricName: 'second' });
  });
  afterAll(() => s?.close());

  const db = () => s.app.database.dataSource;
  const metric = (value: number | string, start: string, end: string, over: Record<string, unknown> = {}) => ({
    metric_definition_id: def,
    time_period_start: start,
    time_period_end: end,
    value,
    ...over,
  });
  const push = (installationId: string, body: unknown, key?: string) =>
    s.call('POST', `${API}/installations/${installationId}/metrics`, {
      token: admin,
      body,
      headers: key === undefined ? {} : { 'Idempotency-Key': key },
    });
  const bulk = (installationId: string, body: unknown) =>
    s.call('POST', `${API}/installations/${installationId}/metrics/bulk`, { token: admin, body });
  /** An installation's rollups at one level, summed over group and user: [definition, bucket, total, count, min, max]. */
  const rollups = async (installationId: string, level: number) =>
    (
      await db().query<{ d: string; b: Date; total: string; count: string; min: number; max: number }[]>(
        `SELECT metric_definition_id AS d, bucket_start AS b, sum(total)::text AS total, sum(count)::text AS count, min(min) AS min, max(max) AS max
           FROM metric_rollups WHERE installation_id = $1 AND level = $2
          GROUP BY 1, 2 ORDER BY bucket_start, metric_definition_id`,
        [installationId, level],
      )
    ).map((r) => [r.d, new Date(r.b).toISOString(), r.total, Number(r.count), r.min, r.max]);
  const inStep = async () => expect((await new RollupCheckRepository(db().manager).check()).sample).toEqual([]);

  it('follow single and bulk pushes, an idempotent replay, updates and deletes', async () => {
    const target = await f.installation(P, prov);
    const first = await push(target.id, metric(0.1, '2024-01-01T00:10:00Z', '2024-01-01T01:10:00Z', { group_id: 'g' }));
    expect(first.status).toBe(201);
    expect(await rollups(target.id, 1)).toEqual([[def, '2024-01-01T00:00:00.000Z', '0.1', 1, 0.1, 0.1]]);
    expect(await rollups(target.id, 4)).toEqual([[def, '2024-01-01T00:00:00.000Z', '0.1', 1, 0.1, 0.1]]);

    const b = await bulk(target.id, [
      metric(0.2, '2024-01-01T00:20:00Z', '2024-01-01T00:30:00Z'),
      metric('60308.3', '2024-01-03T10:00:00Z', '2024-01-03T11:00:00Z'),
      metric(5, '2024-02-10T00:00:00Z', '2024-02-11T00:00:00Z', { metric_definition_id: def2 }),
    ]);
    expect(b.status).toBe(201);
    expect(await rollups(target.id, 4)).toEqual([
      [def, '2024-01-01T00:00:00.000Z', '60308.6', 3, 0.1, 60308.3],
      [def2, '2024-02-01T00:00:00.000Z', '5', 1, 5, 5],
    ]);
    expect(await rollups(target.id, 3)).toEqual([
      [def, '2024-01-01T00:00:00.000Z', '0.3', 2, 0.1, 0.2],
      [def, '2024-01-03T00:00:00.000Z', '60308.3', 1, 60308.3, 60308.3],
      [def2, '2024-02-10T00:00:00.000Z', '5', 1, 5, 5],
    ]);
    await inStep();

    // A replay with the same Idempotency-Key answers again and stores nothing.
    const once = metric(7, '2024-01-05T00:00:00Z', '2024-01-05T00:15:00Z');
    expect((await push(target.id, once, 'rollup-key')).status).toBe(201);
    expect((await push(target.id, once, 'rollup-key')).status).toBe(201);
    expect(await rollups(target.id, 4)).toContainEqual([def, '2024-01-01T00:00:00.000Z', '60315.6', 4, 0.1, 60308.3]);
    await inStep();

    // Update: the value (the max goes with it), then the time (another month), then the definition.
    const big = b.body.ids[1] as string;
    const patch = (id: string, body: unknown) => s.call('PATCH', `${API}/installations/${target.id}/metrics/${id}`, { token: admin, body });
    expect((await patch(big, { value: 1.5 })).status).toBe(200);
    expect(await rollups(target.id, 4)).toContainEqual([def, '2024-01-01T00:00:00.000Z', '8.8', 4, 0.1, 7]);
    expect((await patch(big, { time_period_start: '2024-03-01T00:00:00Z', time_period_end: '2024-03-01T00:30:00Z' })).status).toBe(200);
    expect((await patch(big, { metric_definition_id: def2 })).status).toBe(200);
    expect(await rollups(target.id, 4)).toEqual([
      [def, '2024-01-01T00:00:00.000Z', '7.3', 3, 0.1, 7],
      [def2, '2024-02-01T00:00:00.000Z', '5', 1, 5, 5],
      [def2, '2024-03-01T00:00:00.000Z', '1.5', 1, 1.5, 1.5],
    ]);
    await inStep();

    // Delete: the bucket's min goes, then the bucket itself.
    const del = (id: string) => s.call('DELETE', `${API}/installations/${target.id}/metrics/${id}`, { token: admin });
    expect((await del(first.body.metric_id as string)).status).toBe(200);
    expect(await rollups(target.id, 1)).toEqual([
      [def, '2024-01-01T00:15:00.000Z', '0.2', 1, 0.2, 0.2],
      [def, '2024-01-05T00:00:00.000Z', '7', 1, 7, 7],
      [def2, '2024-02-10T00:00:00.000Z', '5', 1, 5, 5],
      [def2, '2024-03-01T00:00:00.000Z', '1.5', 1, 1.5, 1.5],
    ]);
    expect(await rollups(target.id, 4)).toContainEqual([def, '2024-01-01T00:00:00.000Z', '7.2', 2, 0.2, 7]);
    expect((await del(big)).status).toBe(200);
    expect((await rollups(target.id, 4)).map((r) => r[1])).toEqual(['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z']);
    await inStep();
  });

  it('go with the metrics when a project is deleted', async () => {
    const sys = await s.issuer.token({ sub: 'root', entitlements: [ent('role=admin')] });
    await f.project('GONE');
    await f.associate('GONE', prov);
    const doomed = await f.installation('GONE', prov);
    expect((await push(doomed.id, metric(3, '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z'))).status).toBe(201);
    expect(await rollups(doomed.id, 4)).toHaveLength(1);
    expect((await s.call('DELETE', `${API}/admin/projects/GONE`, { token: sys })).status).toBe(200);
    expect(await db().query('SELECT * FROM metric_rollups WHERE installation_id = $1', [doomed.id])).toEqual([]);
    await inStep();
  });

  it('are checked and rebuilt by system admins, over REST and tRPC', async () => {
    expect((await push(inst.id, metric(2, '2024-04-01T00:00:00Z', '2024-04-01T01:00:00Z'))).status).toBe(201);
    const check = () => s.call('GET', `${API}/admin/rollups/check`, { token: admin });
    const clean = await check();
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({ differences: 0, sample: [] });
    const rows = clean.body.rows as number;

    await db().query(`UPDATE metric_rollups SET count = count + 1 WHERE installation_id = $1 AND level = 2`, [inst.id]);
    const broken = await check();
    expect(broken.body).toEqual({
      rows,
      differences: 2,
      sample: [
        {
          installation_id: inst.id,
          level: 2,
          bucket_start: '2024-04-01T00:00:00Z',
          metric_definition_id: def,
          group_id: null,
          user_id: null,
          side: 'expected',
        },
        {
          installation_id: inst.id,
          level: 2,
          bucket_start: '2024-04-01T00:00:00Z',
          metric_definition_id: def,
          group_id: null,
          user_id: null,
          side: 'stored',
        },
      ],
    });
    expect((await trpc(s, 'query', 'rollups.check', {}, admin)).body.result.data).toEqual(broken.body);

    // A row of the edge breakdown that is off shows as level 0; a lost one as one difference.
    await db().query(`DELETE FROM metric_rollup_edges WHERE installation_id = $1`, [inst.id]);
    const edgeLost = await check();
    expect(edgeLost.body).toMatchObject({ rows: rows - 1, differences: 3 });
    expect((edgeLost.body.sample as { level: number; side: string }[]).filter((d) => d.level === 0)).toEqual([
      expect.objectContaining({ installation_id: inst.id, bucket_start: '2024-04-01T00:00:00Z', side: 'expected' }),
    ]);

    const rebuilt = await s.call('POST', `${API}/admin/rollups/rebuild`, { token: admin, body: {} });
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body).toEqual({ differences_before: 3, rows });
    expect((await check()).body).toEqual({ rows, differences: 0, sample: [] });
    expect((await trpc(s, 'mutation', 'rollups.rebuild', {}, admin)).body.result.data).toEqual({ differences_before: 0, rows });

    const viewer = await s.issuer.token({ sub: 'viewer', entitlements: [ent('role=viewer')] });
    expect((await s.call('GET', `${API}/admin/rollups/check`, { token: viewer })).body).toEqual(FORBIDDEN);
    expect((await s.call('POST', `${API}/admin/rollups/rebuild`, { token: viewer, body: {} })).body).toEqual(FORBIDDEN);
  });

  it.runIf(backend === 'postgres')('lose no update when single and bulk pushes hit the same buckets in parallel', async () => {
    const target = await f.installation(P, prov);
    const at = (i: number) => new Date(Date.UTC(2024, 5, 1) + (i % 7) * 60_000).toISOString();
    const end = (i: number) => new Date(Date.UTC(2024, 5, 1) + (i % 7) * 60_000 + 1_800_000).toISOString();
    const singles = Array.from({ length: 60 }, (_, i) => push(target.id, metric(i + 0.25, at(i), end(i), { group_id: i % 2 ? 'g' : null })));
    const bulks = Array.from({ length: 8 }, (_, k) =>
      bulk(
        target.id,
        Array.from({ length: 200 }, (_, i) => metric(k * 1000 + i + 0.5, at(i), end(i), { group_id: i % 2 ? 'g' : null })),
      ),
    );
    const answers = await Promise.all([...singles, ...bulks]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));

    const [raw] = await db().query<{ total: string; count: string }[]>(
      `SELECT sum(value::text::numeric)::text AS total, count(*)::text AS count FROM metrics WHERE installation_id = $1`,
      [target.id],
    );
    expect(Number(raw.count)).toBe(60 + 8 * 200);
    for (const level of [1, 2, 3, 4]) {
      const [r] = await db().query<{ total: string; count: string }[]>(
        `SELECT sum(total)::text AS total, sum(count)::text AS count FROM metric_rollups WHERE installation_id = $1 AND level = $2`,
        [target.id, level],
      );
      expect(r).toEqual(raw);
    }
    await inStep();
  });

  it.runIf(backend === 'postgres')(
    "never deadlock when full-size bulk pushes (beyond one statement's parameters) cross the same buckets",
    async () => {
      const target = await f.installation(P, prov);
      // 600 metrics in January, 9,400 from February on. Pushed January first, and January last: written in
      // more than one statement, the second push's first statement would hold February to December and
      // its second wait for January, while the first push held January and waited for February: a
      // deadlock (40P01), answered as a 500.
      const rows = Array.from({ length: 10_000 }, (_, i) => {
        const start = i < 600 ? Date.UTC(2024, 0, 1) + i * 4_000_000 : Date.UTC(2024, 1, 1) + (i - 600) * 3_000_000;
        return metric(i + 0.125, new Date(start).toISOString(), new Date(start + 600_000).toISOString(), { group_id: i % 3 ? 'g' : null });
      });
      const januaryLast = [...rows.slice(600), ...rows.slice(0, 600)];
      const orders = [rows, januaryLast, rows, januaryLast];
      const answers = await Promise.all(orders.map((body) => bulk(target.id, body)));
      expect(answers.map((a) => [a.status, a.status === 201 ? '' : JSON.stringify(a.body)])).toEqual(answers.map(() => [201, '']));
      const [raw] = await db().query<{ count: string }[]>('SELECT count(*)::text AS count FROM metrics WHERE installation_id = $1', [target.id]);
      expect(Number(raw.count)).toBe(4 * 10_000);
      await inStep();
    },
  );
});
