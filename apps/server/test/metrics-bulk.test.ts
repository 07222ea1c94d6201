import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { Fixtures, stage, tokenWith, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';

describe.each(backends)('bulk metric push (%s)', (backend) => {
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

  const metric = (i: number, over: Record<string, unknown> = {}) => ({
    metric_definition_id: def,
    time_period_start: new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString(),
    time_period_end: new Date(Date.UTC(2023, 0, 1) + i * 60_000 + 30_000).toISOString(),
    value: i,
    ...over,
  });
  const bulk = (payload: unknown, installationId = inst.id, token = admin) =>
    s.call('POST', `${API}/installations/${installationId}/metrics/bulk`, { token, body: payload });
  const countIn = async (installationId: string) =>
    (await s.app.database.dataSource.query('SELECT count(*)::int AS n FROM metrics WHERE installation_id = $1', [installationId]))[0].n as number;

  it('stores every metric atomically and answers 201 with the ids in request order', async () => {
    const target = await f.installation(P, prov);
    const r = await bulk([metric(0, { group_id: 'g' }), metric(1), metric(2, { value: '2.5' })], target.id);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      code: 201,
      message: '3 metrics have been registered.',
      ids: [expect.any(String), expect.any(String), expect.any(String)],
    });
    expect(r.headers.get('location')).toBeNull();
    const listed = await s.call('GET', `${API}/installations/${target.id}/metrics`, { token: admin });
    expect(listed.body.content.map((m: { id: string }) => m.id)).toEqual(r.body.ids);
    expect(listed.body.content.map((m: { value: number }) => m.value)).toEqual([0, 1, 2.5]);
    const [row] = await s.app.database.dataSource.query('SELECT * FROM metrics WHERE id = $1', [r.body.ids[0]]);
    expect(row).toMatchObject({
      group_id: 'g',
      project_id: P,
      provider_id: prov,
      resource_id: `${P}.${prov}.${target.id}`,
      installation_name: target.installation,
    });
  });

  it('stores 10000 metrics (several INSERT chunks) in one request', async () => {
    const target = await f.installation(P, prov);
    const r = await bulk(
      Array.from({ length: 10_000 }, (_, i) => metric(i)),
      target.id,
    );
    expect(r.status).toBe(201);
    expect(r.body.message).toBe('10000 metrics have been registered.');
    expect(new Set(r.body.ids).size).toBe(10_000);
    expect(await countIn(target.id)).toBe(10_000);
    const last = await s.call('GET', `${API}/installations/${target.id}/metrics?page=10000&size=1`, { token: admin });
    expect(last.body.content[0]).toMatchObject({ id: r.body.ids[9_999], value: 9_999 });
  });

  it('stores ids, instants and values exactly as sent, whatever characters the ids hold', async () => {
    const target = await f.installation(P, prov);
    const awkward = ['NULL', 'a"b', 'back\\slash', '{x, y}', ' padded ', 'é€😀', ''];
    const r = await bulk(
      awkward.map((id, i) =>
        metric(i, {
          group_id: id,
          user_id: i % 2 ? null : `${id}-u`,
          time_period_start: `2023-01-01T00:0${i}:00.123456789Z`,
          value: [0.1, -1e-7, 123456789.125, 1e15, 0, 42, 2.5][i],
        }),
      ),
      target.id,
    );
    expect(r.status).toBe(201);
    const rows: { id: string; group_id: string | null; user_id: string | null; start: string; value: number }[] =
      await s.app.database.dataSource.query(
        `SELECT id, group_id, user_id, to_char(time_period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS start, value
         FROM metrics WHERE installation_id = $1`,
        [target.id],
      );
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(r.body.ids.map((id: string) => byId.get(id))).toEqual(
      awkward.map((id, i) => ({
        id: r.body.ids[i],
        // A blank group_id is no group (§4.7), as before.
        group_id: id.trim() === '' ? null : id,
        user_id: i % 2 ? null : `${id}-u`,
        start: `2023-01-01T00:0${i}:00.123000`,
        value: [0.1, -1e-7, 123456789.125, 1e15, 0, 42, 2.5][i],
      })),
    );
  });

  it('refuses bodies that are not a non-empty array of at most 10000', async () => {
    const target = await f.installation(P, prov);
    expect((await bulk(metric(0), target.id)).body).toEqual({ code: 400, message: 'The request body must be a JSON array of metrics.' });
    expect((await bulk({ items: [metric(0)] }, target.id)).body).toEqual({ code: 400, message: 'The request body must be a JSON array of metrics.' });
    expect((await bulk('"x"', target.id)).body).toEqual({ code: 400, message: 'The request body must be a JSON array of metrics.' });
    expect((await bulk([], target.id)).body).toEqual({ code: 400, message: 'The request body is empty.' });
    expect((await bulk('', target.id)).body).toEqual({ code: 400, message: 'The request body is empty.' });
    expect(
      (
        await bulk(
          Array.from({ length: 10_001 }, (_, i) => metric(i)),
          target.id,
        )
      ).body,
    ).toEqual({
      code: 400,
      message: 'At most 10000 metrics can be registered in one request.',
    });
    expect(await countIn(target.id)).toBe(0);
  });

  it('is all-or-nothing, reporting every failing element with its index', async () => {
    const target = await f.installation(P, prov);
    const r = await bulk(
      [
        metric(0),
        metric(1, { time_period_start: '' }),
        metric(2),
        metric(3, { metric_definition_id: 'abc' }),
        null,
        metric(5, { time_period_end: 'soon' }),
      ],
      target.id,
    );
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      code: 400,
      message: '[1] time_period_start may not be empty.',
      errors: [
        '[1] time_period_start may not be empty.',
        '[3] There is no Metric Definition with the following id: abc',
        '[4] The request body is empty.',
        '[5] time_period_end must be a valid zulu timestamp. found: soon',
      ],
    });
    expect(await countIn(target.id)).toBe(0);
  });

  it('takes the status of the first failing element', async () => {
    const target = await f.installation(P, prov);
    const r = await bulk([metric(0, { metric_definition_id: 'abc' }), metric(1, { value: 'x' })], target.id);
    expect(r.body).toEqual({
      code: 404,
      message: '[0] There is no Metric Definition with the following id: abc',
      errors: ['[0] There is no Metric Definition with the following id: abc', '[1] value must be a number.'],
    });
    expect(r.status).toBe(404);
  });

  it('checks the installation and INS[admin]', async () => {
    expect((await bulk([metric(0)], 'ghost')).body).toEqual({ code: 404, message: 'There is no Installation with the following id: ghost' });
    const viewer = await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=viewer`));
    expect((await bulk([metric(0)], inst.id, viewer)).body).toEqual({
      code: 403,
      message: 'The authenticated client is not permitted to perform the requested operation.',
    });
    expect(
      (await s.call('POST', `${API}/installations/${inst.id}/metrics/bulk`, { token: admin, body: '[]', headers: { 'Content-Type': 'text/plain' } }))
        .status,
    ).toBe(415);
    expect((await bulk([metric(0)], inst.id, await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=admin`)))).status).toBe(201);
  });

  it('works over tRPC with the array as `items`', async () => {
    const ok = await trpc(s, 'mutation', 'metrics.pushBulk', { installation_id: inst.id, items: [metric(0), metric(1)] }, admin);
    expect(ok.body.result.data).toMatchObject({ code: 201, message: '2 metrics have been registered.' });
    const bad = await trpc(s, 'mutation', 'metrics.pushBulk', { installation_id: inst.id, items: [metric(0, { value: 'x' })] }, admin);
    expect(bad.body.error.data.httpStatus).toBe(400);
    expect(bad.body.error.message).toBe('[0] value must be a number.');
    expect(bad.body.error.data.acc.errors).toEqual(['[0] value must be a number.']);
  });

  it('documents the request body as an array in OpenAPI', async () => {
    const doc = await s.call('GET', '/openapi.json');
    const op = doc.body.paths[`${API}/installations/{installation_id}/metrics/bulk`].post;
    const schema = op.requestBody.content['application/json'].schema;
    expect(schema).toMatchObject({
      type: 'array',
      minItems: 1,
      maxItems: 10000,
      items: { type: 'object', required: ['metric_definition_id', 'time_period_start', 'time_period_end'] },
    });
    expect(Object.keys(op.responses)).toContain('201');
  });
});
