import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueWebhookEvent } from '../src/modules/webhooks/outbox.js';
import { backends } from './support/database.js';
import { Fixtures, stage, tokenWith, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';
import { eventually, startReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const API = '/accounting-system';
const FORBIDDEN = { code: 403, message: 'The authenticated client is not permitted to perform the requested operation.' };
const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const PRIVATE = 'webhook_url must not point to a private or loopback address.';

/** Fast retries so the schedule plays out in a test; the spec's defaults are checked in config.test.ts. */
const FAST = {
  ACC_WEBHOOK_ALLOW_HTTP: 'true',
  ACC_WEBHOOK_POLL_MS: '50',
  ACC_WEBHOOK_BACKOFF_MS: '50,100',
  ACC_WEBHOOK_TIMEOUT_MS: '300',
  ACC_WEBHOOK_LEASE_MS: '2000',
};

describe.each(backends)('webhook delivery (%s)', (backend) => {
  let s: TestServer;
  let admin: string;
  let inst: InstallationFixture;
  let def: string;
  let P: string;
  let prov: string;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    s = await startTestServer(backend, { ...FAST, ACC_WEBHOOK_ALLOW_PRIVATE: 'true' });
    admin = await tokenWith(s, ent('role=admin'));
    ({ inst, def, projectId: P, providerId: prov } = await stage(Fixtures.of(s)));
  });
  afterAll(async () => {
    await s?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };
  /** A capacity rule with no capacity in force: idle, so only the events a test sends go out. */
  const rule = async (url: string, token = admin): Promise<string> => {
    const res = await s.call('POST', `${API}/alert-rules`, {
      token,
      body: {
        name: 'hook',
        scope: { installation_id: inst.id },
        kind: 'capacity',
        metric_definition_id: def,
        threshold_percent: 80,
        webhook_url: url,
        webhook_secret: SECRET,
      },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const sendTest = async (ruleId: string, token = admin) => {
    const res = await s.call('POST', `${API}/alert-rules/${ruleId}/test`, { token });
    expect(res.status, res.text).toBe(202);
    expect(res.body).toEqual({ code: 202, message: 'A test event has been queued for delivery.', event_id: expect.stringMatching(/^msg_/) });
    return res.body.event_id as string;
  };
  const deliveries = async (ruleId: string, token = admin) => {
    const res = await s.call('GET', `${API}/alert-rules/${ruleId}/deliveries?size=100`, { token });
    expect(res.status, res.text).toBe(200);
    return res.body.content as Record<string, unknown>[];
  };
  const delivery = async (ruleId: string, eventId: string) => (await deliveries(ruleId)).find((d) => d.event_id === eventId);
  const settled = (ruleId: string, eventId: string, status: string) =>
    eventually(`${eventId} ${status}`, async () => {
      const d = await delivery(ruleId, eventId);
      return d?.status === status ? d : undefined;
    });

  it('signs with Standard Webhooks: the receiver verifies with standardwebhooks; the log shows the delivery', async () => {
    const verified: unknown[] = [];
    const r = await receiver((_n, req) => {
      verified.push(new Webhook(SECRET).verify(req.body, req.headers as Record<string, string>));
      return 204;
    });
    const ruleId = await rule(r.url);
    const eventId = await sendTest(ruleId);
    const d = await settled(ruleId, eventId, 'delivered');
    expect(d).toEqual({
      event_id: eventId,
      type: 'alert.test',
      created_at: expect.stringMatching(/Z$/),
      attempts: 1,
      status: 'delivered',
      last_status_code: 204,
      last_error: null,
      next_attempt_at: null,
      delivered_at: expect.stringMatching(/Z$/),
    });
    const [req] = r.of(eventId);
    expect(req.headers['webhook-id']).toBe(eventId);
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Math.abs(Number(req.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    expect(req.headers['content-type']).toBe('application/json');
    expect(verified).toEqual([
      {
        type: 'alert.test',
        timestamp: expect.stringMatching(/Z$/),
        data: { rule_id: ruleId, rule_name: 'hook', kind: 'capacity', scope: { installation_id: inst.id } },
      },
    ]);
    // A wrong secret does not verify: the signature really depends on it.
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(req.body, req.headers as Record<string, string>)).toThrow();
    // tRPC reads the same log.
    const page = await trpc(s, 'query', 'alerts.deliveries', { id: ruleId }, admin);
    expect(page.body.result.data.content.map((x: { event_id: string }) => x.event_id)).toContain(eventId);
  });

  it('retries a receiver answering 500 three times, with the same webhook-id, and records the 4th attempt as delivered', async () => {
    const r = await receiver((n) => (n < 3 ? 500 : 200));
    const ruleId = await rule(r.url);
    const eventId = await sendTest(ruleId);
    const d = await settled(ruleId, eventId, 'delivered');
    expect(d).toMatchObject({ attempts: 4, last_status_code: 200, last_error: null });
    expect(r.of(eventId)).toHaveLength(4);
    const bodies = new Set(r.of(eventId).map((x) => x.body));
    expect(bodies.size).toBe(1);
    for (const req of r.of(eventId)) expect(() => new Webhook(SECRET).verify(req.body, req.headers as Record<string, string>)).not.toThrow();
  });

  it('times out on a receiver that never answers, retries it, and marks it failed once its retry window has passed', async () => {
    const r = await receiver(() => 'hang');
    const ruleId = await rule(r.url);
    const eventId = await sendTest(ruleId);
    const retried = await eventually('a second timed-out attempt', async () => {
      const d = await delivery(ruleId, eventId);
      return d && (d.attempts as number) >= 2 ? d : undefined;
    });
    expect(retried).toMatchObject({ status: 'pending', last_status_code: null, last_error: 'no answer within 300 ms', delivered_at: null });
    expect(retried.next_attempt_at).toEqual(expect.stringMatching(/Z$/));
    // The 24 h (ACC_WEBHOOK_RETRY_FOR_MS) run from when the event was queued: move that a day back.
    await s.app.database.dataSource.query(`UPDATE webhook_events SET queued_at = queued_at - interval '1 day' WHERE id = $1`, [eventId]);
    const failed = await settled(ruleId, eventId, 'failed');
    expect(failed).toMatchObject({ last_error: 'no answer within 300 ms', next_attempt_at: null, delivered_at: null });
    expect(r.of(eventId).length).toBe(failed.attempts);
  });

  it('redelivers an event: the same webhook-id again, attempts counted afresh; unknown or foreign events are 404', async () => {
    const r = await receiver();
    const ruleId = await rule(r.url);
    const other = await rule(r.url);
    const eventId = await sendTest(ruleId);
    await settled(ruleId, eventId, 'delivered');
    const res = await s.call('POST', `${API}/alert-rules/${ruleId}/deliveries/${eventId}/redeliver`, { token: admin });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ code: 202, message: 'The event has been queued for delivery.', event_id: eventId });
    await eventually('the second delivery', () => (r.of(eventId).length === 2 ? true : undefined));
    expect(r.of(eventId)[1].body).toBe(r.of(eventId)[0].body);
    expect(await settled(ruleId, eventId, 'delivered')).toMatchObject({ attempts: 1 });
    for (const [owner, id] of [
      [ruleId, 'msg_nope'],
      [other, eventId],
    ]) {
      const missing = await s.call('POST', `${API}/alert-rules/${owner}/deliveries/${id}/redeliver`, { token: admin });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ code: 404, message: `There is no event with the following id: ${id}` });
    }
    // tRPC, same contract.
    const viaTrpc = await trpc(s, 'mutation', 'alerts.redeliver', { id: ruleId, event_id: eventId }, admin);
    expect(viaTrpc.body.result.data).toEqual({ code: 202, message: 'The event has been queued for delivery.', event_id: eventId });
  });

  it('lists newest first, paged; reading needs read access to the rule, redeliver and test need change access', async () => {
    const r = await receiver();
    const ruleId = await rule(r.url);
    const first = await sendTest(ruleId);
    const second = await sendTest(ruleId);
    expect((await deliveries(ruleId)).map((d) => d.event_id)).toEqual([second, first]);
    const page = await s.call('GET', `${API}/alert-rules/${ruleId}/deliveries?size=1&page=2`, { token: admin });
    expect(page.body).toMatchObject({ size_of_page: 1, number_of_page: 2, total_elements: 2, total_pages: 2 });
    expect(page.body.content[0].event_id).toBe(first);
    expect(page.text).not.toContain(SECRET.slice(6));

    const viewer = await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=viewer`));
    const stranger = await tokenWith(s, ent('other-project:role=admin'));
    expect((await s.call('GET', `${API}/alert-rules/${ruleId}/deliveries`, { token: viewer })).status).toBe(200);
    expect((await s.call('GET', `${API}/alert-rules/${ruleId}/deliveries`, { token: stranger })).body).toEqual(FORBIDDEN);
    expect((await s.call('POST', `${API}/alert-rules/${ruleId}/test`, { token: viewer })).body).toEqual(FORBIDDEN);
    expect((await s.call('POST', `${API}/alert-rules/${ruleId}/deliveries/${first}/redeliver`, { token: viewer })).body).toEqual(FORBIDDEN);
    const unknown = await s.call('GET', `${API}/alert-rules/000000000000000000000000/deliveries`, { token: admin });
    expect(unknown.body).toEqual({ code: 404, message: 'There is no Alert Rule with the following id: 000000000000000000000000' });
    expect((await s.call('GET', `${API}/alert-rules/${ruleId}/deliveries?size=0`, { token: admin })).status).toBe(400);
  });

  it("delivers a report schedule's events to the schedule's URL, signed with its secret", async () => {
    const r = await receiver();
    const created = await s.call('POST', `${API}/report-schedules`, {
      token: admin,
      body: { name: 'weekly', scope: { installation_id: inst.id }, every: 'week', webhook_url: r.url, webhook_secret: SECRET },
    });
    expect(created.status, created.text).toBe(201);
    const eventId = await enqueueWebhookEvent(s.app.database.dataSource.manager, {
      scheduleId: created.body.id as string,
      type: 'report.generated',
      data: { name: 'weekly' },
    });
    s.app.services.webhooks.queued();
    const [req] = await eventually('the schedule event', () => (r.of(eventId).length > 0 ? r.of(eventId) : undefined));
    expect(new Webhook(SECRET).verify(req.body, req.headers as Record<string, string>)).toMatchObject({ type: 'report.generated' });
  });

  it('deleting the rule deletes its delivery log', async () => {
    const r = await receiver();
    const ruleId = await rule(r.url);
    const eventId = await sendTest(ruleId);
    await settled(ruleId, eventId, 'delivered');
    expect((await s.call('DELETE', `${API}/alert-rules/${ruleId}`, { token: admin })).status).toBe(200);
    const rows: unknown[] = await s.app.database.dataSource.query('SELECT 1 FROM webhook_events WHERE id = $1', [eventId]);
    expect(rows).toHaveLength(0);
  });
});

describe.each(backends)('webhook delivery re-checks the target (%s)', (backend) => {
  let s: TestServer;
  let admin: string;
  let inst: InstallationFixture;
  let def: string;
  let r: WebhookReceiver;

  beforeAll(async () => {
    // Private targets not allowed: a rule pointing at one can only exist if its DNS changed after creation.
    s = await startTestServer(backend, { ...FAST, ACC_WEBHOOK_ALLOW_PRIVATE: 'false' });
    admin = await tokenWith(s, ent('role=admin'));
    ({ inst, def } = await stage(Fixtures.of(s)));
    r = await startReceiver();
  });
  afterAll(async () => {
    await s?.close();
    await r?.close();
  });

  it('refuses at delivery a target that now resolves to a private address, and sends nothing there', async () => {
    for (const [n, url] of [`http://localhost:${r.port}/hook`, r.url].entries()) {
      const ruleId = `ffffffffffffffffffff100${n}`;
      // Written as if the name had resolved publicly when the rule was made.
      await s.app.database.dataSource.query(
        `INSERT INTO alert_rules (id, name, kind, installation_id, metric_definition_id, threshold_percent, webhook_url, webhook_secret)
         VALUES ($1, 'rebound', 'capacity', $2, $3, 80, $4, $5)`,
        [ruleId, inst.id, def, url, SECRET],
      );
      const res = await s.call('POST', `${API}/alert-rules/${ruleId}/test`, { token: admin });
      expect(res.status).toBe(202);
      const eventId = res.body.event_id as string;
      const d = await eventually('a refused attempt', async () => {
        const page = await s.call('GET', `${API}/alert-rules/${ruleId}/deliveries`, { token: admin });
        const row = page.body.content.find((x: { event_id: string }) => x.event_id === eventId);
        return row && row.attempts >= 1 ? row : undefined;
      });
      expect({ url, d }).toMatchObject({ url, d: { status: 'pending', last_status_code: null, last_error: PRIVATE } });
    }
    expect(r.received).toEqual([]);
  });
});
