import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { Fixtures, stage, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const INVALID = 'Idempotency-Key must be 1 to 255 printable ASCII characters.';
const REUSED = 'Idempotency-Key reused with a different request.';

describe.each(backends)('Idempotency-Key (%s)', (backend) => {
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
    admin = await s.issuer.token({ sub: 'alice', entitlements: [ent('role=admin')] });
    ({ inst, def, projectId: P, providerId: prov } = await stage(f));
  });
  afterAll(() => s?.close());

  const metric = (value = 1, over: Record<string, unknown> = {}) => ({
    metric_definition_id: def,
    time_period_start: '2024-01-01T00:00:00Z',
    time_period_end: '2024-01-02T00:00:00Z',
    value,
    ...over,
  });
  const push = (installationId: string, body: unknown, key?: string, token = admin) =>
    s.call('POST', `${API}/installations/${installationId}/metrics`, { token, body, headers: key === undefined ? {} : { 'Idempotency-Key': key } });
  const bulk = (installationId: string, body: unknown, key?: string) =>
    s.call('POST', `${API}/installations/${installationId}/metrics/bulk`, {
      token: admin,
      body,
      headers: key === undefined ? {} : { 'Idempotency-Key': key },
    });
  const countIn = async (installationId: string) =>
    (await s.app.database.dataSource.query('SELECT count(*)::int AS n FROM metrics WHERE installation_id = $1', [installationId]))[0].n as number;

  it('refuses malformed keys before anything else', async () => {
    for (const key of ['', 'x'.repeat(256), 'tab\tkey']) {
      expect((await push(inst.id, metric(), key)).body).toEqual({ code: 400, message: INVALID });
      expect((await bulk(inst.id, [metric()], key)).body).toEqual({ code: 400, message: INVALID });
    }
    expect((await push(inst.id, { metric_definition_id: '' }, '')).body.message).toBe(INVALID);
    expect((await push(inst.id, metric(), 'x'.repeat(255))).status).toBe(201);
  });

  it('replays status, Location and body for the same key and body, storing one row', async () => {
    const target = await f.installation(P, prov);
    const first = await push(target.id, metric(5), 'k-1');
    const again = await push(
      target.id,
      { value: 5, time_period_end: '2024-01-02T00:00:00Z', time_period_start: '2024-01-01T00:00:00Z', metric_definition_id: def },
      'k-1',
    );
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await push(target.id, metric(6))).headers.get('idempotent-replayed')).toBeNull();
    expect(await countIn(target.id)).toBe(2);
    const stored = await s.app.database.dataSource.query('SELECT status, location, body FROM idempotency_keys WHERE key = $1', ['k-1']);
    expect(stored).toEqual([{ status: 201, location: first.headers.get('location'), body: first.body }]);
  });

  it('answers 409 for the same key with a different body', async () => {
    const target = await f.installation(P, prov);
    expect((await push(target.id, metric(1), 'k-2')).status).toBe(201);
    expect((await push(target.id, metric(2), 'k-2')).body).toEqual({ code: 409, message: REUSED });
    expect(await countIn(target.id)).toBe(1);
  });

  it('scopes keys by caller and by path', async () => {
    const a = await f.installation(P, prov);
    const b = await f.installation(P, prov);
    const bob = await s.issuer.token({ sub: 'bob', entitlements: [ent('role=admin')] });
    const first = await push(a.id, metric(), 'shared');
    expect((await push(a.id, metric(), 'shared', bob)).body.metric_id).not.toBe(first.body.metric_id);
    expect((await push(b.id, metric(), 'shared')).body.metric_id).not.toBe(first.body.metric_id);
    expect((await bulk(a.id, [metric()], 'shared')).status).toBe(201);
    expect(await countIn(a.id)).toBe(3);
    expect(await countIn(b.id)).toBe(1);
  });

  it('stores only successes, so a failed request can be retried with its key', async () => {
    const target = await f.installation(P, prov);
    expect((await push(target.id, metric(1, { time_period_end: 'x' }), 'k-3')).status).toBe(400);
    const viewer = await s.issuer.token({ sub: 'alice', entitlements: [ent(`${P}:role=viewer`)] });
    expect((await push(target.id, metric(1), 'k-3', viewer)).status).toBe(403);
    const ok = await push(target.id, metric(1), 'k-3');
    expect(ok.status).toBe(201);
    expect((await push(target.id, metric(1), 'k-3')).body).toEqual(ok.body);
    expect(await countIn(target.id)).toBe(1);
  });

  it('forgets a key 24 hours after its response', async () => {
    const target = await f.installation(P, prov);
    const first = await push(target.id, metric(), 'k-old');
    await s.app.database.dataSource.query(`UPDATE idempotency_keys SET created_at = created_at - interval '25 hours' WHERE key = 'k-old'`);
    const later = await push(target.id, metric(), 'k-old');
    expect(later.status).toBe(201);
    expect(later.body.metric_id).not.toBe(first.body.metric_id);
    expect((await push(target.id, metric(), 'k-old')).body).toEqual(later.body);
    expect(await countIn(target.id)).toBe(2);
  });

  it('replays bulk pushes, and refuses a different array', async () => {
    const target = await f.installation(P, prov);
    const body = [metric(1), metric(2)];
    const first = await bulk(target.id, body, 'b-1');
    expect(first.status).toBe(201);
    const again = await bulk(target.id, body, 'b-1');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const refused = await bulk(target.id, [metric(2), metric(1)], 'b-1');
    expect(refused.body).toEqual({ code: 409, message: REUSED });
    expect(refused.headers.get('idempotent-replayed')).toBeNull();
    expect(await countIn(target.id)).toBe(2);
  });

  it('scopes external pushes by external id', async () => {
    const a = await f.installation(P, prov);
    const b = await f.installation(P, prov);
    const external = (x: string | null) =>
      s.call('POST', `${API}/installations/external/metrics?externalId=${x}`, {
        token: admin,
        body: metric(),
        headers: { 'Idempotency-Key': 'ext' },
      });
    const first = await external(a.externalId);
    expect(first.status).toBe(201);
    expect((await external(a.externalId)).body).toEqual(first.body);
    expect((await external(b.externalId)).body.metric_id).not.toBe(first.body.metric_id);
    expect(await countIn(a.id)).toBe(1);
    expect(await countIn(b.id)).toBe(1);
  });

  it('lets concurrent duplicates wait and replay: exactly one row', async () => {
    const target = await f.installation(P, prov);
    const [x, y] = await Promise.all([push(target.id, metric(7), 'race'), push(target.id, metric(7), 'race')]);
    expect([x.status, y.status]).toEqual([201, 201]);
    expect(y.body).toEqual(x.body);
    expect(await countIn(target.id)).toBe(1);

    const items = [metric(1), metric(2), metric(3)];
    const [b1, b2, b3] = await Promise.all([
      bulk(target.id, items, 'race-bulk'),
      bulk(target.id, items, 'race-bulk'),
      bulk(target.id, items, 'race-bulk'),
    ]);
    expect([b1.status, b2.status, b3.status]).toEqual([201, 201, 201]);
    expect(b2.body).toEqual(b1.body);
    expect(b3.body).toEqual(b1.body);
    expect(await countIn(target.id)).toBe(4);
  });

  it('reads the header over tRPC too', async () => {
    const target = await f.installation(P, prov);
    const input = { installation_id: target.id, ...metric() };
    const first = await trpc(s, 'mutation', 'metrics.push', input, admin, { 'Idempotency-Key': 't-1' });
    const again = await trpc(s, 'mutation', 'metrics.push', input, admin, { 'Idempotency-Key': 't-1' });
    expect(again.body.result.data).toEqual(first.body.result.data);
    // Same scope as REST: the tRPC call stands for the same method and path.
    expect((await push(target.id, metric(), 't-1')).body).toEqual(first.body.result.data);
    const bad = await trpc(s, 'mutation', 'metrics.push', input, admin, { 'Idempotency-Key': '' });
    expect(bad.body.error.data.httpStatus).toBe(400);
    expect(bad.body.error.message).toBe(INVALID);
    expect(await countIn(target.id)).toBe(1);
  });
});
