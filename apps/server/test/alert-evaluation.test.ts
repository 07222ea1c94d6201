import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertEvaluator } from '../src/modules/alerts/evaluation/alert-evaluator.js';
import { backends } from './support/database.js';
import { Fixtures, objectId, stage, tokenWith, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
// Loopback and a closed port: whatever a dispatcher does with these events stays on this machine.
const HOOK = 'http://127.0.0.1:9/acc';

interface Event {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/*
 * Alert evaluation (alerts.md §1 state/last_value, §2 firing), asserted on the outbox table: delivery is
 * not this suite's. The clock is the server's injected one; `evaluate()` and `sweep()` wait for the
 * evaluator (the background job runs the same evaluator with the same clock, serialized with them).
 */
describe.each(backends)('alert evaluation (%s)', (backend) => {
  let s: TestServer;
  let f: Fixtures;
  let admin: string;
  let def: string;
  let P: string;
  let prov: string;
  /** The server's "now"; undefined: the real time. */
  let fixed: Date | undefined;

  beforeAll(async () => {
    s = await startTestServer(backend, { ACC_WEBHOOK_ALLOW_HTTP: 'true', ACC_WEBHOOK_ALLOW_PRIVATE: 'true' }, { clock: () => fixed ?? new Date() });
    f = Fixtures.of(s);
    admin = await tokenWith(s, ent('role=admin'));
    ({ def, projectId: P, providerId: prov } = await stage(f));
  });
  afterAll(() => s?.close());

  const db = () => s.app.database.dataSource;
  const evaluate = () => s.app.services.alertEvaluation.evaluateDue();
  const sweep = () => s.app.services.alertEvaluation.sweep();
  const events = async (ruleId: string): Promise<Event[]> =>
    (await db().query<{ body: string }[]>('SELECT body FROM webhook_events WHERE rule_id = $1 ORDER BY created_at, id', [ruleId])).map(
      (r) => JSON.parse(r.body) as Event,
    );
  const rule = async (id: string) => (await s.call('GET', `${API}/alert-rules/${id}`, { token: admin })).body;
  const createRule = async (body: Record<string, unknown>) => {
    const res = await s.call('POST', `${API}/alert-rules`, { token: admin, body: { name: 'r', webhook_url: HOOK, ...body } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const push = async (inst: InstallationFixture, value: number, start: string, end: string) => {
    const res = await s.call('POST', `${API}/installations/${inst.id}/metrics`, {
      token: admin,
      body: { metric_definition_id: def, time_period_start: start, time_period_end: end, value },
    });
    expect(res.status).toBe(201);
    return res.headers.get('location')!.split('/').pop()!;
  };
  const capacity = async (inst: InstallationFixture, value: number, registeredOn: string) => {
    const res = await s.call('POST', `${API}/installations/${inst.id}/capacities`, {
      token: admin,
      body: { metric_definition_id: def, value, registered_on: registeredOn },
    });
    expect(res.status).toBe(200);
  };

  it('capacity: fires once on the upward crossing, not again while firing, resolves on a deleted metric, re-arms', async () => {
    fixed = undefined;
    const inst = await f.installation(P, prov);
    await capacity(inst, 100, '2026-01-01T00:00:00Z');
    const id = await createRule({ scope: { installation_id: inst.id }, kind: 'capacity', metric_definition_id: def, threshold_percent: 80 });
    await evaluate();
    expect(await rule(id)).toMatchObject({ state: 'ok', last_value: 0 });

    await push(inst, 50, '2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z');
    await evaluate();
    expect(await rule(id)).toMatchObject({ state: 'ok', last_value: 50 });
    expect(await events(id)).toEqual([]);

    const crossing = await push(inst, 40, '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z');
    await evaluate();
    const [triggered, ...more] = await events(id);
    expect(more).toEqual([]);
    expect(triggered).toEqual({
      type: 'alert.triggered',
      timestamp: expect.stringMatching(/Z$/),
      data: {
        rule_id: id,
        rule_name: 'r',
        kind: 'capacity',
        scope: { installation_id: inst.id },
        metric_definition_id: def,
        threshold: 80,
        value: 90,
        capacity: 100,
        period_start: '2026-01-01T00:00:00Z',
      },
    });
    expect(await rule(id)).toMatchObject({ state: 'firing', last_value: 90 });

    // Pushes while firing send nothing new.
    await push(inst, 10, '2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z');
    await evaluate();
    expect(await events(id)).toHaveLength(1);
    expect(await rule(id)).toMatchObject({ state: 'firing', last_value: 100 });

    // A deleted metric brings it below: resolved, re-armed.
    expect((await s.call('DELETE', `${API}/installations/${inst.id}/metrics/${crossing}`, { token: admin })).status).toBe(200);
    await evaluate();
    expect((await events(id)).map((e) => [e.type, e.data.value])).toEqual([
      ['alert.triggered', 90],
      ['alert.resolved', 60],
    ]);
    expect(await rule(id)).toMatchObject({ state: 'ok', last_value: 60 });

    await push(inst, 30, '2026-03-05T00:00:00Z', '2026-03-06T00:00:00Z');
    await evaluate();
    expect((await events(id)).map((e) => [e.type, e.data.value])).toEqual([
      ['alert.triggered', 90],
      ['alert.resolved', 60],
      ['alert.triggered', 90],
    ]);
  });

  it('capacity: a new capacity period coming into force (clock moved) resolves; no capacity in force is idle', async () => {
    const inst = await f.installation(P, prov);
    const start = Date.now();
    fixed = new Date(start);
    await capacity(inst, 10, '2026-01-01T00:00:00Z');
    await push(inst, 9, '2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z');
    const id = await createRule({ scope: { installation_id: inst.id }, kind: 'capacity', metric_definition_id: def, threshold_percent: 90 });
    await evaluate();
    // A new rule already above its threshold fires at once.
    expect((await events(id)).map((e) => e.type)).toEqual(['alert.triggered']);

    // Registered for tomorrow: the period in force now gains an end, and nothing changes yet.
    const tomorrow = new Date(Math.floor(start / 1000) * 1000 + 86_400_000);
    await capacity(inst, 1000, tomorrow.toISOString());
    await evaluate();
    expect(await events(id)).toHaveLength(1);

    fixed = new Date(start + 2 * 86_400_000);
    await sweep();
    const [, resolved] = await events(id);
    expect(resolved).toMatchObject({
      type: 'alert.resolved',
      data: { value: 0, capacity: 1000, period_start: tomorrow.toISOString().replace('.000Z', 'Z') },
    });
    expect(await rule(id)).toMatchObject({ state: 'ok', last_value: 0 });

    const idle = await createRule({
      scope: { installation_id: (await f.installation(P, prov)).id },
      kind: 'capacity',
      metric_definition_id: def,
      threshold_percent: 1,
    });
    await evaluate();
    expect(await rule(idle)).toMatchObject({ state: 'idle', last_value: null });
    fixed = undefined;
  });

  it('nothing fires for a write that rolls back; the same write committed fires', async () => {
    fixed = undefined;
    const inst = await f.installation(P, prov);
    await capacity(inst, 100, '2026-01-01T00:00:00Z');
    const id = await createRule({ scope: { installation_id: inst.id }, kind: 'capacity', metric_definition_id: def, threshold_percent: 50 });
    await evaluate();
    const insert = (m: { query: (sql: string, params: unknown[]) => Promise<unknown> }) =>
      m.query(
        `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, value, project_id, provider_id, resource_id)
         VALUES ($1, $2, $3, '2026-04-01T00:00:00Z', '2026-04-02T00:00:00Z', 60, $4, $5, 'r')`,
        [inst.id, objectId(), def, P, prov],
      );
    await expect(
      db().transaction(async (m) => {
        await insert(m);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await evaluate();
    expect(await events(id)).toEqual([]);
    expect(await rule(id)).toMatchObject({ state: 'ok', last_value: 0 });
    expect(await db().query('SELECT * FROM alert_evaluations_due')).toEqual([]);

    await db().transaction((m) => insert(m));
    await evaluate();
    expect((await events(id)).map((e) => [e.type, e.data.value])).toEqual([['alert.triggered', 60]]);
  });

  it('usage: fires in the current calendar window, resolves in the next one (clock moved), re-arms; tz and Monday weeks', async () => {
    const inst = await f.installation(P, prov);
    fixed = new Date('2026-02-10T12:00:00Z');
    await push(inst, 5, '2026-02-10T01:00:00Z', '2026-02-10T02:00:00Z');
    const id = await createRule({ scope: { installation_id: inst.id }, kind: 'usage', metric_definition_id: def, threshold_value: 5, window: 'day' });
    await evaluate();
    expect(await events(id)).toEqual([
      {
        type: 'alert.triggered',
        timestamp: '2026-02-10T12:00:00.000Z',
        data: {
          rule_id: id,
          rule_name: 'r',
          kind: 'usage',
          scope: { installation_id: inst.id },
          metric_definition_id: def,
          threshold: 5,
          value: 5,
          period_start: '2026-02-10T00:00:00Z',
          period_end: '2026-02-11T00:00:00Z',
        },
      },
    ]);

    fixed = new Date('2026-02-11T00:30:00Z');
    await sweep();
    expect((await events(id)).map((e) => [e.type, e.data.value, e.data.period_start])).toEqual([
      ['alert.triggered', 5, '2026-02-10T00:00:00Z'],
      ['alert.resolved', 0, '2026-02-11T00:00:00Z'],
    ]);
    await push(inst, 7, '2026-02-11T00:00:00Z', '2026-02-11T00:15:00Z');
    await evaluate();
    expect((await events(id)).map((e) => e.type)).toEqual(['alert.triggered', 'alert.resolved', 'alert.triggered']);

    // Wednesday 2026-02-11: the Athens week started Monday 00:00 local (22:00Z on Sunday), holding both pushes.
    const week = await createRule({
      scope: { installation_id: inst.id },
      kind: 'usage',
      metric_definition_id: def,
      threshold_value: 12,
      window: 'week',
      tz: 'Europe/Athens',
    });
    await evaluate();
    expect((await events(week)).map((e) => e.data)).toEqual([
      expect.objectContaining({ value: 12, period_start: '2026-02-08T22:00:00Z', period_end: '2026-02-15T22:00:00Z' }),
    ]);
    fixed = undefined;
  });

  it('silence: fires per quiet installation in scope, not for one that pushed, and resolves when it pushes', async () => {
    fixed = undefined;
    const project = `S-${objectId().slice(-6)}`;
    await f.project(project);
    await f.associate(project, prov);
    const talking = await f.installation(project, prov);
    const quiet = await f.installation(project, prov);
    const id = await createRule({ scope: { project_id: project }, kind: 'silence', silence_minutes: 10 });
    await evaluate();
    expect(await rule(id)).toMatchObject({ state: 'ok' });
    // As if the rule had been created 20 minutes ago.
    await db().query(`UPDATE alert_rules SET updated_at = clock_timestamp() - interval '20 minutes' WHERE id = $1`, [id]);
    await push(talking, 1, '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z');
    await evaluate();
    const [triggered, ...more] = await events(id);
    expect(more).toEqual([]);
    expect(triggered).toMatchObject({
      type: 'alert.triggered',
      data: { kind: 'silence', scope: { project_id: project }, installation_id: quiet.id, threshold: 10, value: 20 },
    });
    expect(triggered.data).not.toHaveProperty('metric_definition_id');
    expect(await rule(id)).toMatchObject({ state: 'firing', last_value: 20 });
    await sweep();
    expect(await events(id)).toHaveLength(1);

    await push(quiet, 1, '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z');
    await evaluate();
    expect((await events(id)).map((e) => [e.type, e.data.installation_id])).toEqual([
      ['alert.triggered', quiet.id],
      ['alert.resolved', quiet.id],
    ]);
    expect(await rule(id)).toMatchObject({ state: 'ok' });
    expect(await db().query('SELECT * FROM alert_silences WHERE rule_id = $1', [id])).toEqual([]);
  });

  it('a disabled rule is not evaluated; enabled again above its threshold, it fires', async () => {
    fixed = undefined;
    const inst = await f.installation(P, prov);
    await capacity(inst, 10, '2026-01-01T00:00:00Z');
    const id = await createRule({ scope: { installation_id: inst.id }, kind: 'capacity', metric_definition_id: def, threshold_percent: 50 });
    expect((await s.call('PATCH', `${API}/alert-rules/${id}`, { token: admin, body: { enabled: false } })).status).toBe(200);
    await push(inst, 9, '2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z');
    await evaluate();
    expect(await events(id)).toEqual([]);
    expect(await rule(id)).toMatchObject({ state: 'idle', last_value: null });
    expect((await s.call('PATCH', `${API}/alert-rules/${id}`, { token: admin, body: { enabled: true } })).status).toBe(200);
    await evaluate();
    expect((await events(id)).map((e) => [e.type, e.data.value])).toEqual([['alert.triggered', 90]]);
  });

  it('a provider rule resolves when a project goes with its installations and metrics; committed events are announced', async () => {
    fixed = new Date('2026-02-10T12:00:00Z');
    const provider = `pv-${objectId().slice(-6)}`;
    const project = `G-${objectId().slice(-6)}`;
    await f.provider(provider);
    await f.project(project);
    await f.associate(project, provider);
    const doomed = await f.installation(project, provider);
    let announced = 0;
    s.app.services.alertEvaluation.onEvents = () => announced++;
    await push(doomed, 3, '2026-02-10T01:00:00Z', '2026-02-10T02:00:00Z');
    const id = await createRule({ scope: { provider_id: provider }, kind: 'usage', metric_definition_id: def, threshold_value: 3, window: 'month' });
    await evaluate();
    expect((await events(id)).map((e) => e.type)).toEqual(['alert.triggered']);
    expect(announced).toBe(1);

    const sys = await s.issuer.token({ sub: 'root', entitlements: [ent('role=admin')] });
    expect((await s.call('DELETE', `${API}/admin/projects/${project}`, { token: sys })).status).toBe(200);
    await evaluate();
    expect((await events(id)).map((e) => [e.type, e.data.value])).toEqual([
      ['alert.triggered', 3],
      ['alert.resolved', 0],
    ]);
    expect(announced).toBe(2);
    fixed = undefined;
  });

  it.runIf(backend === 'postgres')('concurrent pushes crossing together, evaluated by several instances, trigger exactly once', async () => {
    fixed = undefined;
    const inst = await f.installation(P, prov);
    await capacity(inst, 100, '2026-01-01T00:00:00Z');
    const id = await createRule({ scope: { installation_id: inst.id }, kind: 'capacity', metric_definition_id: def, threshold_percent: 50 });
    await evaluate();
    const instances = [0, 1, 2].map(() => new AlertEvaluator(db()));
    let pushing = true;
    const evaluators = instances.map(async (e) => {
      while (pushing) await e.evaluateDue();
    });
    await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        push(inst, 10, `2026-05-${String(n + 1).padStart(2, '0')}T00:00:00Z`, `2026-05-${String(n + 1).padStart(2, '0')}T01:00:00Z`),
      ),
    );
    pushing = false;
    await Promise.all(evaluators);
    await Promise.all(instances.map((e) => e.evaluateDue()));
    await evaluate();
    expect((await events(id)).map((e) => e.type)).toEqual(['alert.triggered']);
    expect(await rule(id)).toMatchObject({ state: 'firing', last_value: 120 });
  });
});
