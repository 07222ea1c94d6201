import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ScheduleRunner } from '../src/modules/schedules/schedule-runner.js';
import { backends } from './support/database.js';
import { Fixtures, stage, tokenWith, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const FORBIDDEN = { code: 403, message: 'The authenticated client is not permitted to perform the requested operation.' };
const PRIVATE = { code: 400, message: 'webhook_url must not point to a private or loopback address.' };
// A public address literal: checked without DNS, and creating a schedule sends nothing.
const PUBLIC_URL = 'https://93.184.215.14/acc';
const DAY = 86_400_000;
const EVENT_META = ['schedule_id', 'schedule_name', 'start', 'end', 'csv'];

describe.each(backends)('report schedules (%s)', (backend) => {
  let s: TestServer;
  let f: Fixtures;
  let admin: string;
  let inst: InstallationFixture;
  let def: string;
  let P: string;
  let prov: string;

  beforeAll(async () => {
    // The dispatcher never polls: the events the runner writes stay in the outbox, so nothing is sent to the
    // public test address (delivery itself is tested in webhook-delivery.test.ts with local receivers).
    s = await startTestServer(backend, { ACC_WEBHOOK_POLL_MS: '86400000' });
    // The runner is driven below with its own clock; the server's minute timer must not race it.
    await s.app.background.stop();
    f = Fixtures.of(s);
    admin = await tokenWith(s, ent('role=admin'));
    ({ inst, def, projectId: P, providerId: prov } = await stage(f));
  });
  afterAll(() => s?.close());

  const weekly = (over: Record<string, unknown> = {}) => ({
    name: 'weekly GRNET',
    scope: { installation_id: inst.id },
    every: 'week',
    webhook_url: PUBLIC_URL,
    ...over,
  });
  const create = (body: unknown, token = admin) => s.call('POST', `${API}/report-schedules`, { token, body });
  const db = () => s.app.database.dataSource;

  it('creates a schedule: 201, Location, a generated secret shown once, the first period the one in course', async () => {
    const res = await create(weekly());
    expect(res.status).toBe(201);
    const schedule = res.body;
    expect(res.headers.get('location')).toBe(`http://acc.test${API}/report-schedules/${schedule.id}`);
    expect(schedule).toMatchObject({ name: 'weekly GRNET', scope: { installation_id: inst.id }, every: 'week', tz: 'UTC', enabled: true });
    expect(schedule.webhook_secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    // The week in course (UTC): it began on a Monday at most 6 days ago and ends 7 days later.
    const start = Date.parse(`${schedule.next_period.start}T00:00:00Z`);
    expect(new Date(start).getUTCDay()).toBe(1);
    expect(Date.now() - start).toBeGreaterThanOrEqual(0);
    expect(Date.now() - start).toBeLessThan(7 * DAY);
    expect(Date.parse(`${schedule.next_period.end}T00:00:00Z`) - start).toBe(7 * DAY);
    const got = await s.call('GET', `${API}/report-schedules/${schedule.id}`, { token: admin });
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('webhook_secret');
    expect(got.text).not.toContain(schedule.webhook_secret.slice(6));
    expect((await s.call('GET', `${API}/report-schedules`, { token: admin })).text).not.toContain(schedule.webhook_secret.slice(6));
    const given = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    const monthly = (await create(weekly({ every: 'month', tz: 'Europe/Athens', webhook_secret: given }))).body;
    expect(monthly).toMatchObject({ every: 'month', tz: 'Europe/Athens', webhook_secret: given });
    expect(monthly.next_period.start).toMatch(/^\d{4}-\d{2}-01$/);
  });

  it('validates every field with a message naming it', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name may not be empty.'],
      [{ every: 'day' }, 'every must be one of week, month.'],
      [{ every: undefined }, 'every must be one of week, month.'],
      [{ tz: 'Mars/Base' }, 'tz must be an IANA time zone such as Europe/Athens.'],
      [{ scope: {} }, 'scope must be exactly one of {installation_id}, {project_id}, {project_id, provider_id}, {provider_id}.'],
      [{ webhook_url: '' }, 'webhook_url may not be empty.'],
      [{ webhook_url: 'ftp://example.org/x' }, 'webhook_url must be an absolute http(s) URL.'],
      [{ webhook_url: 'http://93.184.215.14/acc' }, 'webhook_url must use https.'],
      [{ webhook_secret: 'secret' }, 'webhook_secret must be whsec_ followed by the base64 of 24 to 64 bytes.'],
    ];
    for (const [over, message] of cases) {
      const res = await create(weekly(over));
      expect({ over, status: res.status, body: res.body }).toEqual({ over, status: 400, body: { code: 400, message } });
    }
    for (const url of ['https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://[::1]/x', 'https://localhost:9/x']) {
      expect({ url, body: (await create(weekly({ webhook_url: url }))).body }).toEqual({ url, body: PRIVATE });
    }
    const [{ n }] = await db().query('SELECT count(*)::int AS n FROM report_schedules WHERE name = $1', ['']);
    expect(n).toBe(0);
  });

  it('decides access on the scope as alert rules do', async () => {
    const insViewer = await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=viewer`));
    const insAdmin = await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=admin`));
    const other = await tokenWith(s, ent(`other:role=admin`));
    expect((await create(weekly({ scope: { installation_id: 'ghost' } }))).body).toEqual({
      code: 404,
      message: 'There is no Installation with the following id: ghost',
    });
    expect((await create(weekly({ scope: { project_id: P, provider_id: 'ghost' } }))).body).toEqual({
      code: 404,
      message: 'There is no Provider with the following id: ghost',
    });
    expect((await create(weekly(), insViewer)).body).toEqual(FORBIDDEN);
    expect((await create(weekly(), other)).body).toEqual(FORBIDDEN);
    const mine = await create(weekly({ name: 'mine' }), insAdmin);
    expect(mine.status).toBe(201);
    const path = `${API}/report-schedules/${mine.body.id}`;
    expect((await s.call('GET', path, { token: insViewer })).status).toBe(200);
    expect((await s.call('PATCH', path, { token: insViewer, body: { name: 'x' } })).body).toEqual(FORBIDDEN);
    expect((await s.call('DELETE', path, { token: insViewer })).body).toEqual(FORBIDDEN);
    expect((await s.call('GET', path, { token: other })).body).toEqual(FORBIDDEN);
    expect((await s.call('GET', `${API}/report-schedules/ghost`, { token: other })).body).toEqual({
      code: 404,
      message: 'There is no Report Schedule with the following id: ghost',
    });
    const prjAdmin = await tokenWith(s, ent(`${P}:role=admin`));
    expect((await create(weekly({ scope: { project_id: P } }), prjAdmin)).status).toBe(201);
    expect((await create(weekly({ scope: { provider_id: prov } }), prjAdmin)).body).toEqual(FORBIDDEN);
    const rep = await tokenWith(s, ent(`roles:provider:${prov}:role=admin`));
    expect((await create(weekly({ scope: { provider_id: prov } }), rep)).status).toBe(201);
    const viewerList = (await s.call('GET', `${API}/report-schedules?size=100`, { token: insViewer })).body;
    expect(viewerList.content.every((r: { scope: { installation_id?: string } }) => r.scope.installation_id === inst.id)).toBe(true);
    expect(viewerList.content.map((r: { name: string }) => r.name)).toContain('mine');
    expect((await s.call('GET', `${API}/report-schedules`, { token: other })).body).toMatchObject({ total_elements: 0, content: [] });
    expect((await s.call('GET', `${API}/report-schedules?size=0`, { token: admin })).body).toEqual({
      code: 400,
      message: 'Page size must be between 1 and 100.',
    });
    expect((await s.call('GET', `${API}/report-schedules`, {})).status).toBe(401);
  });

  it('changes name, period, zone, webhook and enabled; deletes with its events', async () => {
    const schedule = (await create(weekly())).body;
    const patch = (body: unknown, id = schedule.id) => s.call('PATCH', `${API}/report-schedules/${id}`, { token: admin, body });
    const changed = await patch({ name: 'renamed', every: 'month', tz: 'America/New_York', enabled: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: schedule.id, name: 'renamed', every: 'month', tz: 'America/New_York', enabled: false });
    expect(changed.body.next_period.start).toMatch(/-01$/);
    expect(changed.body).not.toHaveProperty('webhook_secret');
    expect((await patch({ every: 'year' })).body).toEqual({ code: 400, message: 'every must be one of week, month.' });
    expect((await patch({ tz: 'Nowhere' })).body).toEqual({ code: 400, message: 'tz must be an IANA time zone such as Europe/Athens.' });
    expect((await patch({ webhook_url: 'https://10.0.0.1/x' })).body).toEqual(PRIVATE);
    expect((await patch({ enabled: 'yes' })).body).toEqual({ code: 400, message: 'enabled must be true or false.' });
    expect((await patch({ name: 'x' }, 'ghost')).body).toEqual({ code: 404, message: 'There is no Report Schedule with the following id: ghost' });
    const secret = 'whsec_' + Buffer.alloc(24, 1).toString('base64');
    expect((await patch({ webhook_secret: secret })).text).not.toContain(secret.slice(6));
    const [row] = await db().query('SELECT webhook_secret FROM report_schedules WHERE id = $1', [schedule.id]);
    expect(row.webhook_secret).toBe(secret);
    // An event of the schedule goes with it (ON DELETE CASCADE); an event needs exactly one owner.
    await db().query(`INSERT INTO webhook_events (id, schedule_id, type, body) VALUES ('msg_x', $1, 'report.generated', '{}')`, [schedule.id]);
    await expect(db().query(`INSERT INTO webhook_events (id, type, body) VALUES ('msg_y', 'report.generated', '{}')`)).rejects.toThrow();
    expect((await s.call('DELETE', `${API}/report-schedules/${schedule.id}`, { token: admin })).body).toEqual({
      code: 200,
      message: 'Report Schedule has been deleted.',
    });
    expect((await s.call('GET', `${API}/report-schedules/${schedule.id}`, { token: admin })).status).toBe(404);
    expect(await db().query(`SELECT id FROM webhook_events WHERE id = 'msg_x'`)).toEqual([]);
  });

  it('serves the same contracts over tRPC (schedules.*)', async () => {
    const created = await trpc(s, 'mutation', 'schedules.create', weekly({ name: 'over trpc' }), admin);
    const schedule = created.body.result.data;
    expect(schedule.webhook_secret).toMatch(/^whsec_/);
    const got = await trpc(s, 'query', 'schedules.get', { id: schedule.id }, admin);
    expect(got.body.result.data).toMatchObject({ id: schedule.id, name: 'over trpc' });
    expect(got.body.result.data).not.toHaveProperty('webhook_secret');
    const bad = await trpc(s, 'mutation', 'schedules.create', weekly({ every: 'fortnight' }), admin);
    expect(bad.body.error.message).toBe('every must be one of week, month.');
    expect((await trpc(s, 'mutation', 'schedules.delete', { id: schedule.id }, admin)).body.result.data).toEqual({
      code: 200,
      message: 'Report Schedule has been deleted.',
    });
  });

  describe('the runner', () => {
    let now = 0;
    const runner = () => new ScheduleRunner(db(), s.app.services.reports, () => now);
    const at = (iso: string) => (now = Date.parse(iso));

    /** A schedule created over the API, its last sent period moved back to `lastPeriodEnd`. */
    const scheduled = async (body: Record<string, unknown>, lastPeriodEnd: string): Promise<string> => {
      const { id } = (await create(weekly(body))).body as { id: string };
      await db().query('UPDATE report_schedules SET last_period_end = $1 WHERE id = $2', [lastPeriodEnd, id]);
      return id;
    };
    interface EventRow {
      id: string;
      rule_id: string | null;
      type: string;
      body: string;
    }
    const eventsOf = async (scheduleId: string) => {
      const rows: EventRow[] = await db().query('SELECT id, rule_id, type, body FROM webhook_events WHERE schedule_id = $1 ORDER BY created_at, id', [
        scheduleId,
      ]);
      return rows.map((e) => ({ ...e, payload: JSON.parse(e.body) as { type: string; timestamp: string; data: Record<string, unknown> } }));
    };
    /** The event's report without what the schedule adds: the report endpoint's answer. */
    const reportOf = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([k]) => !EVENT_META.includes(k)));
    const endpoint = async (path: string, start: string, end: string) => {
      const q = `${API}${path}?start=${start}&end=${end}`;
      const json = await s.call('GET', q, { token: admin });
      const csv = await s.call('GET', q, { token: admin, headers: { Accept: 'text/csv' } });
      expect([json.status, csv.status]).toEqual([200, 200]);
      return { json: json.body as unknown, csv: csv.text };
    };

    beforeAll(async () => {
      // Usage on both sides of the periods' edges, and a capacity, so the reports have periods and sums.
      await f.capacity(inst.id, def, '100', '2024-01-01T00:00:00Z');
      for (const [start, end, value] of [
        ['2024-03-24T22:00:00Z', '2024-03-25T00:00:00Z', 1],
        ['2024-03-25T00:00:00Z', '2024-03-26T00:00:00Z', 10],
        ['2024-03-31T22:00:00Z', '2024-03-31T23:00:00Z', 20],
        ['2024-04-01T00:00:00Z', '2024-04-02T00:00:00Z', 40],
        ['2024-10-27T00:00:00Z', '2024-10-28T00:00:00Z', 80],
        ['2024-10-31T22:00:00Z', '2024-11-01T00:00:00Z', 160],
      ] as const)
        await f.metric(inst, def, start, end, value);
    });
    // Each case watches its own schedules: the earlier ones would otherwise catch up under the moving clock.
    beforeEach(async () => {
      await db().query('UPDATE report_schedules SET enabled = false');
    });

    it('sends a week in Europe/Athens once, when it has ended, equal to the report endpoint (JSON and CSV)', async () => {
      const id = await scheduled({ name: 'athens weekly', tz: 'Europe/Athens' }, '2024-03-25');
      // Athens' Monday began at 21:00Z, but the report's last UTC day runs until 00:00Z.
      at('2024-03-31T23:59:59Z');
      expect(await runner().run()).toEqual([]);
      at('2024-04-01T00:00:00Z');
      let announced = 0;
      const announcing = runner();
      announcing.onEvents = () => announced++;
      const sent = await announcing.run();
      expect(sent).toHaveLength(1);
      expect(announced).toBe(1);
      // A second run, and two at once, find the period sent.
      expect(await announcing.run()).toEqual([]);
      expect(announced).toBe(1);
      expect((await Promise.all([runner().run(), runner().run()])).flat()).toEqual([]);
      const [event, ...more] = await eventsOf(id);
      expect(more).toEqual([]);
      expect(event).toMatchObject({ id: sent[0], rule_id: null, type: 'report.generated' });
      expect(event.payload).toMatchObject({ type: 'report.generated', timestamp: '2024-04-01T00:00:00.000Z' });
      expect(event.payload.data).toMatchObject({ schedule_id: id, schedule_name: 'athens weekly', start: '2024-03-25', end: '2024-04-01' });
      const expected = await endpoint(`/installations/${inst.id}/report`, '2024-03-25', '2024-04-01');
      expect(reportOf(event.payload.data)).toEqual(expected.json);
      expect(event.payload.data.csv).toBe(expected.csv);
      expect(expected.csv).toContain(',30,100,30');
      expect((await s.call('GET', `${API}/report-schedules/${id}`, { token: admin })).body.next_period).toEqual({
        start: '2024-04-01',
        end: '2024-04-08',
      });
    });

    it('sends each period once even when runs overlap, and catches up on missed periods in order', async () => {
      const id = await scheduled({ name: 'utc weekly' }, '2024-03-11');
      at('2024-04-01T00:00:00Z');
      const sent = (await Promise.all([runner().run(), runner().run(), runner().run()])).flat();
      const events = await eventsOf(id);
      expect(events.map((e) => e.id).sort()).toEqual([...sent].sort());
      expect(events.map((e) => [e.payload.data.start, e.payload.data.end])).toEqual([
        ['2024-03-11', '2024-03-18'],
        ['2024-03-18', '2024-03-25'],
        ['2024-03-25', '2024-04-01'],
      ]);
      expect(await runner().run()).toEqual([]);
    });

    it('sends a month in Europe/Athens (DST ends in it) and in America/New_York at its local end', async () => {
      const athens = await scheduled({ name: 'athens monthly', every: 'month', tz: 'Europe/Athens', scope: { project_id: P } }, '2024-10-01');
      const newYork = await scheduled(
        { name: 'new york monthly', every: 'month', tz: 'America/New_York', scope: { project_id: P, provider_id: prov } },
        '2024-10-01',
      );
      const rep = await scheduled({ name: 'provider monthly', every: 'month', scope: { provider_id: prov } }, '2024-10-01');
      at('2024-10-31T23:59:59Z');
      expect(await runner().run()).toEqual([]);
      at('2024-11-01T00:00:00Z');
      expect(await runner().run()).toHaveLength(2);
      expect(await eventsOf(newYork)).toEqual([]);
      // New York's November begins at 04:00Z (EDT until 3 November).
      at('2024-11-01T03:59:59Z');
      expect(await runner().run()).toEqual([]);
      at('2024-11-01T04:00:00Z');
      expect(await runner().run()).toHaveLength(1);
      expect(await runner().run()).toEqual([]);
      const cases: [string, string][] = [
        [athens, `/projects/${P}/report`],
        [newYork, `/projects/${P}/providers/${prov}/report`],
        [rep, `/providers/${prov}/report`],
      ];
      for (const [scheduleId, path] of cases) {
        const events = await eventsOf(scheduleId);
        expect(events).toHaveLength(1);
        const { data } = events[0].payload;
        expect(data).toMatchObject({ start: '2024-10-01', end: '2024-11-01' });
        const expected = await endpoint(path, '2024-10-01', '2024-11-01');
        expect(reportOf(data)).toEqual(expected.json);
        expect(data.csv).toBe(expected.csv);
        expect(data.csv).toContain(',240,');
      }
    });

    it('sends nothing for a disabled schedule, and starts afresh when it is enabled again', async () => {
      const id = await scheduled({ name: 'paused' }, '2024-03-11');
      expect((await s.call('PATCH', `${API}/report-schedules/${id}`, { token: admin, body: { enabled: false } })).status).toBe(200);
      at('2024-04-01T00:00:00Z');
      await runner().run();
      expect(await eventsOf(id)).toEqual([]);
      const enabled = await s.call('PATCH', `${API}/report-schedules/${id}`, { token: admin, body: { enabled: true } });
      expect(enabled.body.next_period.start > '2024-04-01').toBe(true);
      await runner().run();
      expect(await eventsOf(id)).toEqual([]);
    });
  });
});
