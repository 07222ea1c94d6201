import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, lines, runAcc } from './support/cli.js';
import { seedWorld, type World } from '../../../packages/client/test/support/world.js';

// A public address literal: accepted without DNS, and nothing is sent on create. The rules' thresholds
// stay far above the world's usage, so none fires and the dispatcher never reaches for it.
const HOOK = 'https://93.184.215.14/acc';

let w: World;
let env: Record<string, string>;
const acc = (...args: string[]) => runAcc(args, { env });

beforeAll(async () => {
  buildCli();
  w = await seedWorld();
  env = { ACC_URL: w.server.url, ACC_TOKEN: w.token };
});
afterAll(() => w?.close());

describe('acc alerts against the real server', () => {
  it('create prints the rule and its secret once; list, get, update and delete', async () => {
    const created = await acc(
      'alerts',
      'create',
      '--name',
      'KNS near capacity',
      '--kind',
      'capacity',
      '--installation',
      w.kns,
      '--metricdefid',
      w.cpu,
      '--threshold-percent',
      '1000',
      '--webhook-url',
      HOOK,
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const [line, secretLine] = lines(created.stdout);
    const id = /^KNS near capacity \(ID: ([0-9a-f]{24})\) capacity on installation:[0-9a-f]{24}: (idle|ok|firing)$/.exec(line)![1];
    const secret = /^Webhook secret \(shown only now\): (whsec_[A-Za-z0-9+/=]+)$/.exec(secretLine)![1];

    const list = await acc('alerts', 'list');
    expect(list.code).toBe(0);
    expect(lines(list.stdout).some((l) => l.startsWith(`KNS near capacity (ID: ${id}) capacity on installation:${w.kns}`))).toBe(true);
    expect(list.stdout).not.toContain(secret);
    const csv = lines((await acc('alerts', 'list', '--output', 'csv')).stdout);
    expect(csv[0]).toBe(
      'id,name,kind,scope,metric_definition_id,threshold_percent,threshold_value,window,tz,silence_minutes,state,last_value,enabled,webhook_url',
    );
    expect(csv).toContainEqual(
      expect.stringMatching(new RegExp(`^${id},KNS near capacity,capacity,installation:${w.kns},${w.cpu},1000,,,,,\\w+,[\\d.]*,true,${HOOK}$`)),
    );
    const got = JSON.parse((await acc('alerts', 'get', id, '--output', 'json')).stdout);
    expect(got).toMatchObject({ id, threshold_percent: 1000, scope: { installation_id: w.kns } });
    expect(got).not.toHaveProperty('webhook_secret');

    const updated = await acc('alerts', 'update', id, '--threshold-percent', '900', '--disable', '--output', 'json');
    expect(JSON.parse(updated.stdout)).toMatchObject({ id, threshold_percent: 900, enabled: false, state: 'idle' });
    expect(lines((await acc('alerts', 'update', id, '--enable')).stdout)[0]).toMatch(new RegExp(`^KNS near capacity \\(ID: ${id}\\) capacity`));

    expect(await acc('alerts', 'delete', id)).toMatchObject({ code: 0, stdout: 'Alert Rule has been deleted.\n' });
    expect(await acc('alerts', 'get', id)).toMatchObject({
      code: 1,
      stderr: `Alert rule not found: While trying the [alert_rule_entry]: There is no Alert Rule with the following id: ${id}\n`,
    });
  });

  it("passes the server's validation messages through, and refuses unknown kinds itself", async () => {
    const usage = await acc(
      'alerts',
      'create',
      '--name',
      'x',
      '--kind',
      'usage',
      '--project',
      '777536',
      '--metricdefid',
      w.cpu,
      '--threshold-value',
      '5',
      '--webhook-url',
      HOOK,
    );
    expect(usage).toMatchObject({
      code: 1,
      stderr: 'Error while creating alert rule: While trying the [alert_rule_add]: window may not be empty.\n',
    });
    const scope = await acc('alerts', 'create', '--name', 'x', '--kind', 'silence', '--silence-minutes', '5', '--webhook-url', HOOK);
    expect(scope.stderr).toBe(
      'Error while creating alert rule: While trying the [alert_rule_add]: scope must be exactly one of {installation_id}, {project_id}, {project_id, provider_id}, {provider_id}.\n',
    );
    const kind = await acc('alerts', 'create', '--name', 'x', '--kind', 'loud', '--project', '777536', '--webhook-url', HOOK);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain("option '--kind <kind>' argument 'loud' is invalid. Allowed choices are capacity, usage, silence.");
    expect((await acc('alerts', 'create', '--name', 'x', '--kind', 'silence', '--project', '777536')).code).toBe(2);
  });
});

describe('acc schedules against the real server', () => {
  it('create prints the schedule and its secret once; list, get, update and delete', async () => {
    const created = await acc(
      'schedules',
      'create',
      '--name',
      'EOSC Beyond monthly',
      '--every',
      'month',
      '--tz',
      'Europe/Athens',
      '--project',
      '777536',
      '--webhook-url',
      HOOK,
      '--output',
      'json',
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const schedule = JSON.parse(created.stdout);
    expect(schedule).toMatchObject({ name: 'EOSC Beyond monthly', every: 'month', tz: 'Europe/Athens', scope: { project_id: '777536' } });
    expect(schedule.webhook_secret).toMatch(/^whsec_/);
    const { id } = schedule as { id: string };

    const text = lines((await acc('schedules', 'list')).stdout);
    expect(text).toContainEqual(
      `EOSC Beyond monthly (ID: ${id}) every month (Europe/Athens) on project:777536: next ${schedule.next_period.start}..${schedule.next_period.end}`,
    );
    const table = lines((await acc('schedules', 'list', '--output', 'table')).stdout);
    expect(table[0]).toMatch(/^id +name +scope +every +tz +next_start +next_end +enabled +webhook_url$/);
    expect((await acc('schedules', 'list', '--output', 'csv')).stdout).not.toContain(schedule.webhook_secret);
    expect(JSON.parse((await acc('schedules', 'get', id, '--output', 'json')).stdout)).toMatchObject({ id, every: 'month' });

    const weekly = await acc('schedules', 'update', id, '--every', 'week', '--tz', 'UTC', '--disable');
    expect(lines(weekly.stdout)[0]).toMatch(
      new RegExp(`^EOSC Beyond monthly \\(ID: ${id}\\) every week \\(UTC\\) on project:777536: next \\S+ \\(disabled\\)$`),
    );
    const badTz = await acc('schedules', 'update', id, '--tz', 'Mars/Base');
    expect(badTz).toMatchObject({
      code: 1,
      stderr:
        'Error while updating report schedule: While trying the [report_schedule_update]: tz must be an IANA time zone such as Europe/Athens.\n',
    });
    expect((await acc('schedules', 'update', id, '--every', 'day')).code).toBe(2);

    expect(await acc('schedules', 'delete', id)).toMatchObject({ code: 0, stdout: 'Report Schedule has been deleted.\n' });
    expect((await acc('schedules', 'list')).stdout).toBe('No report schedules.\n');
  });

  it('refuses a private webhook target with the server message', async () => {
    const r = await acc('schedules', 'create', '--name', 'x', '--every', 'week', '--provider', w.grnet, '--webhook-url', 'https://127.0.0.1/x');
    expect(r).toMatchObject({
      code: 1,
      stderr:
        'Error while creating report schedule: While trying the [report_schedule_add]: webhook_url must not point to a private or loopback address.\n',
    });
  });
});

describe.each([
  {
    group: 'alerts',
    table: 'alert_rules',
    testType: 'alert.test',
    contract: 'alert_rule',
    // Far above the world's usage: the rule never fires, so only the test events are in its log.
    args: () => ['--kind', 'capacity', '--metricdefid', w.cpu, '--threshold-percent', '1000', '--installation', w.kns],
  },
  {
    group: 'schedules',
    table: 'report_schedules',
    testType: 'report.test',
    contract: 'report_schedule',
    args: () => ['--every', 'month', '--installation', w.kns],
  },
])('acc $group test, deliveries and redeliver against the real server', ({ group, table, testType, contract, args }) => {
  it('test queues an event; deliveries lists it newest first (text, csv, json); redeliver queues it again', async () => {
    const created = await acc(group, 'create', '--name', `${group} hook`, ...args(), '--webhook-url', HOOK, '--output', 'json');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const { id } = JSON.parse(created.stdout) as { id: string };
    // Re-pointed at loopback behind the API's back, which this server refuses at delivery: the test events
    // are queued and logged, but sent nowhere.
    await w.server.app.database.dataSource.query(`UPDATE ${table} SET webhook_url = 'https://127.0.0.1:9/acc-cli' WHERE id = $1`, [id]);

    const first = await acc(group, 'test', id);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const firstId = /^A test event has been queued for delivery\. Event: (msg_\w+)$/.exec(lines(first.stdout)[0])![1];
    const second = JSON.parse((await acc(group, 'test', id, '--output', 'json')).stdout) as { code: number; event_id: string };
    expect(second).toEqual({ code: 202, message: 'A test event has been queued for delivery.', event_id: expect.stringMatching(/^msg_/) });

    const json = JSON.parse((await acc(group, 'deliveries', id, '--output', 'json')).stdout) as { event_id: string; type: string }[];
    expect(json.map((d) => [d.event_id, d.type])).toEqual([
      [second.event_id, testType],
      [firstId, testType],
    ]);
    const text = lines((await acc(group, 'deliveries', id)).stdout);
    expect(text[0]).toMatch(new RegExp(`^${second.event_id} ${testType.replace('.', '\\.')} (pending|delivered|failed) after \\d+ attempt\\(s\\)`));
    const csv = lines((await acc(group, 'deliveries', id, '--output', 'csv', '--size', '1', '--page', '2')).stdout);
    expect(csv[0]).toBe('event_id,type,created_at,attempts,status,last_status_code,last_error,next_attempt_at,delivered_at');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual([firstId]);

    expect(await acc(group, 'redeliver', id, firstId)).toMatchObject({
      code: 0,
      stdout: `The event has been queued for delivery. Event: ${firstId}\n`,
    });
    expect(await acc(group, 'redeliver', id, 'msg_nope')).toMatchObject({
      code: 1,
      stderr: `Error while redelivering event: While trying the [${contract}_redeliver]: There is no event with the following id: msg_nope\n`,
    });
    expect((await acc(group, 'test', '000000000000000000000000')).code).toBe(1);
    expect((await acc(group, 'redeliver', id)).code).toBe(2);
    expect((await acc(group, 'delete', id)).code).toBe(0);
  });
});
