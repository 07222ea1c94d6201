import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleRunner } from '../src/modules/schedules/schedule-runner.js';
import { backends } from './support/database.js';
import { Fixtures, stage, tokenWith, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';
import { eventually, startReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const API = '/accounting-system';
const FORBIDDEN = { code: 403, message: 'The authenticated client is not permitted to perform the requested operation.' };
const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const DAY = 86_400_000;

/** alerts.md §3: a schedule's deliveries log, redeliver and test, as the alert rules' (§2). */
describe.each(backends)('report schedule deliveries (%s)', (backend) => {
  let s: TestServer;
  let admin: string;
  let inst: InstallationFixture;
  let P: string;
  let prov: string;
  let r: WebhookReceiver;

  beforeAll(async () => {
    // Local receivers: plain http on 127.0.0.1 allowed here only; fast polls and retries.
    s = await startTestServer(backend, {
      ACC_WEBHOOK_ALLOW_HTTP: 'true',
      ACC_WEBHOOK_ALLOW_PRIVATE: 'true',
      ACC_WEBHOOK_POLL_MS: '50',
      ACC_WEBHOOK_BACKOFF_MS: '50,100',
      ACC_WEBHOOK_TIMEOUT_MS: '300',
    });
    admin = await tokenWith(s, ent('role=admin'));
    ({ inst, projectId: P, providerId: prov } = await stage(Fixtures.of(s)));
    r = await startReceiver();
  });
  afterAll(async () => {
    await s?.close();
    await r?.close();
  });

  /** A weekly schedule whose period in course has not ended: the runner sends nothing for it by itself. */
  const schedule = async (): Promise<string> => {
    const res = await s.call('POST', `${API}/report-schedules`, {
      token: admin,
      body: { name: 'weekly hook', scope: { installation_id: inst.id }, every: 'week', webhook_url: r.url, webhook_secret: SECRET },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  const sendTest = async (id: string) => {
    const res = await s.call('POST', `${API}/report-schedules/${id}/test`, { token: admin });
    expect(res.status, res.text).toBe(202);
    expect(res.body).toEqual({ code: 202, message: 'A test event has been queued for delivery.', event_id: expect.stringMatching(/^msg_/) });
    return res.body.event_id as string;
  };
  const deliveries = async (id: string) => {
    const res = await s.call('GET', `${API}/report-schedules/${id}/deliveries?size=100`, { token: admin });
    expect(res.status, res.text).toBe(200);
    return res.body.content as Record<string, unknown>[];
  };
  const settled = (id: string, eventId: string) =>
    eventually(`${eventId} delivered`, async () => (await deliveries(id)).find((d) => d.event_id === eventId && d.status === 'delivered'));

  it('test: 202, a signed report.test event with the schedule, logged as delivered', async () => {
    const id = await schedule();
    const eventId = await sendTest(id);
    expect(await settled(id, eventId)).toMatchObject({ event_id: eventId, type: 'report.test', attempts: 1, last_status_code: 200 });
    const [req] = r.of(eventId);
    expect(new Webhook(SECRET).verify(req.body, req.headers as Record<string, string>)).toEqual({
      type: 'report.test',
      timestamp: expect.stringMatching(/Z$/),
      data: { schedule_id: id, schedule_name: 'weekly hook', every: 'week', scope: { installation_id: inst.id } },
    });
  });

  it('lists newest first, paged; read access reads it, test and redeliver need change access; unknown schedule 404', async () => {
    const id = await schedule();
    const first = await sendTest(id);
    const second = await sendTest(id);
    expect((await deliveries(id)).map((d) => d.event_id)).toEqual([second, first]);
    const page = await s.call('GET', `${API}/report-schedules/${id}/deliveries?size=1&page=2`, { token: admin });
    expect(page.body).toMatchObject({ size_of_page: 1, number_of_page: 2, total_elements: 2, total_pages: 2 });
    expect(page.body.content[0].event_id).toBe(first);
    expect(page.text).not.toContain(SECRET.slice(6));
    const viaTrpc = await trpc(s, 'query', 'schedules.deliveries', { id }, admin);
    expect(viaTrpc.body.result.data.content.map((x: { event_id: string }) => x.event_id)).toEqual([second, first]);

    const viewer = await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=viewer`));
    const stranger = await tokenWith(s, ent('other-project:role=admin'));
    expect((await s.call('GET', `${API}/report-schedules/${id}/deliveries`, { token: viewer })).status).toBe(200);
    expect((await s.call('GET', `${API}/report-schedules/${id}/deliveries`, { token: stranger })).body).toEqual(FORBIDDEN);
    expect((await s.call('POST', `${API}/report-schedules/${id}/test`, { token: viewer })).body).toEqual(FORBIDDEN);
    expect((await s.call('POST', `${API}/report-schedules/${id}/deliveries/${first}/redeliver`, { token: viewer })).body).toEqual(FORBIDDEN);
    const unknown = await s.call('POST', `${API}/report-schedules/000000000000000000000000/test`, { token: admin });
    expect(unknown.body).toEqual({ code: 404, message: 'There is no Report Schedule with the following id: 000000000000000000000000' });
    expect((await s.call('GET', `${API}/report-schedules/${id}/deliveries?size=0`, { token: admin })).status).toBe(400);
  });

  it("redelivers: 202, the same webhook-id again; an unknown event, or another schedule's, is 404", async () => {
    const id = await schedule();
    const other = await schedule();
    const eventId = await sendTest(id);
    await settled(id, eventId);
    const res = await s.call('POST', `${API}/report-schedules/${id}/deliveries/${eventId}/redeliver`, { token: admin });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ code: 202, message: 'The event has been queued for delivery.', event_id: eventId });
    await eventually('the second delivery', () => (r.of(eventId).length === 2 ? true : undefined));
    expect(r.of(eventId)[1].body).toBe(r.of(eventId)[0].body);
    for (const [owner, event] of [
      [id, 'msg_nope'],
      [other, eventId],
    ]) {
      const missing = await s.call('POST', `${API}/report-schedules/${owner}/deliveries/${event}/redeliver`, { token: admin });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ code: 404, message: `There is no event with the following id: ${event}` });
    }
    const viaTrpc = await trpc(s, 'mutation', 'schedules.redeliver', { id, event_id: eventId }, admin);
    expect(viaTrpc.body.result.data).toEqual({ code: 202, message: 'The event has been queued for delivery.', event_id: eventId });
  });

  it('end to end: the runner sends last week as report.generated, the dispatcher delivers it signed, the log shows it', async () => {
    const id = await schedule();
    // Last week (UTC) has ended and is not sent yet; runs overlapping with the server's own are idempotent.
    const monday =
      Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - ((new Date().getUTCDay() + 6) % 7) * DAY;
    const lastWeek = new Date(monday - 7 * DAY).toISOString().slice(0, 10);
    await s.app.database.dataSource.query('UPDATE report_schedules SET last_period_end = $1 WHERE id = $2', [lastWeek, id]);
    await new ScheduleRunner(s.app.database.dataSource, s.app.services.reports, () => Date.now()).run();
    s.app.services.webhooks.queued();
    const [event] = await eventually('the report event', async () => {
      const rows = (await deliveries(id)).filter((d) => d.type === 'report.generated' && d.status === 'delivered');
      return rows.length > 0 ? rows : undefined;
    });
    const [req] = r.of(event.event_id as string);
    const payload = new Webhook(SECRET).verify(req.body, req.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
    expect(payload.type).toBe('report.generated');
    expect(payload.data).toMatchObject({ schedule_id: id, schedule_name: 'weekly hook', start: lastWeek, csv: expect.any(String) });
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(req.body, req.headers as Record<string, string>)).toThrow();
  });
});
