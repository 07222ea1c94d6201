import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, lines, runAcc } from './support/cli.js';
import { seedWorld, type World } from '../../../packages/client/test/support/world.js';

let w: World;
let env: Record<string, string>;
const acc = (...args: string[]) => runAcc(args, { env });
const Q1 = ['--start', '2024-01-01', '--end', '2024-04-01'];

/**
 * The world (packages/client/test/support/world.ts): in project 777536, GRNET-KNS-1 has cpu_hours 500 on
 * 2024-01-01 and 250 on 2024-02-01 and storage 12.5 on 2024-03-01; CYF-CLOUD has cpu_hours 7 on 2024-01-05.
 */
beforeAll(async () => {
  buildCli();
  w = await seedWorld();
  env = { ACC_URL: w.server.url, ACC_TOKEN: w.token };
});
afterAll(() => w?.close());

describe('acc usage', () => {
  it('answers a project by month, grouped by provider, in a time zone, as JSON', async () => {
    const r = await acc(
      'usage',
      '--project',
      '777536',
      ...Q1,
      '--window',
      'month',
      '--group-by',
      'provider',
      '--tz',
      'Europe/Athens',
      '--output',
      'json',
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const answer = JSON.parse(r.stdout);
    expect(answer).toMatchObject({ start: '2023-12-31T22:00:00Z', end: '2024-03-31T21:00:00Z', window: 'month', tz: 'Europe/Athens' });
    const cpu = answer.series.filter((s: { metric_name: string }) => s.metric_name === 'cpu_hours');
    expect(cpu.map((s: { group: unknown; points: { value: number }[] }) => [s.group, s.points.map((p) => p.value)])).toEqual(
      expect.arrayContaining([
        [{ provider_id: w.grnet }, [500, 250, 0]],
        [{ provider_id: w.cyfronet }, [7, 0, 0]],
      ]),
    );
  });

  it('writes the spec CSV, one row per point, and a table by default', async () => {
    const csv = lines((await acc('usage', '--project', '777536', ...Q1, '--window', 'month', '--group-by', 'provider', '--output', 'csv')).stdout);
    expect(csv[0]).toBe('metric_definition_id,metric_name,unit_type,provider_id,window_start,window_end,value,count');
    expect(csv).toHaveLength(1 + 3 * 3);
    expect(csv).toContain(`${w.cpu},cpu_hours,CPU Time,${w.grnet},2024-01-01T00:00:00Z,2024-02-01T00:00:00Z,500,1`);

    const table = lines((await acc('usage', '--installation', w.kns, ...Q1, '--window', 'total')).stdout);
    expect(table[0]).toMatch(/^METRIC +UNIT +START +END +SUM +COUNT$/);
    expect(table.slice(1)).toEqual([
      expect.stringMatching(/^cpu_hours +CPU Time +2024-01-01T00:00:00Z +2024-04-01T00:00:00Z +750 +2$/),
      expect.stringMatching(/^storage +TB +2024-01-01T00:00:00Z +2024-04-01T00:00:00Z +12\.5 +1$/),
    ]);
  });

  it('draws each series as a terminal chart', async () => {
    const r = await acc(
      'usage',
      '--provider',
      w.grnet,
      '--project',
      '777536',
      ...Q1,
      '--window',
      'week',
      '--metric-definition-id',
      w.cpu,
      '--output',
      'chart',
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const out = lines(r.stdout);
    expect(out[0]).toBe('cpu_hours (CPU Time) — sum per week, total 750');
    expect(out.filter((l) => /[┤┼]/.test(l)).length).toBeGreaterThanOrEqual(8);
    expect(out[out.length - 1]).toBe('2024-01-01T00:00:00Z … 2024-04-01T00:00:00Z (13 windows, UTC)');
  });

  it('answers everything the caller sees without a scope, and a provider across its projects', async () => {
    const all = JSON.parse((await acc('usage', ...Q1, '--window', 'total', '--aggregation', 'max', '--output', 'json')).stdout);
    expect(all.series.map((s: { metric_name: string; total: number }) => [s.metric_name, s.total]).sort()).toEqual([
      ['cpu_hours', 500],
      ['storage', 12.5],
    ]);
    const provider = JSON.parse(
      (await acc('usage', '--provider', w.grnet, ...Q1, '--window', 'total', '--group-by', 'user_id,group_id', '--output', 'json')).stdout,
    );
    expect(provider.series.map((s: { group: unknown }) => s.group)).toContainEqual({ user_id: 'u1', group_id: null });
  });

  it("prints the server's message for a bad parameter and exits 1; refuses conflicting scopes", async () => {
    const r = await acc('usage', '--project', '777536', ...Q1, '--tz', 'Mars/Olympus');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error while fetching usage: While trying the [project_usage]: Unknown time zone: Mars/Olympus\n');
    const both = await acc('usage', '--project', '777536', '--installation', w.kns, ...Q1);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--installation cannot be combined with --project or --provider.');
  });
});

describe('acc freshness', () => {
  it('lists installations stalest first, as a table or JSON', async () => {
    const json = JSON.parse((await acc('freshness', '--output', 'json')).stdout);
    expect(json.map((r: { installation: string }) => r.installation).sort()).toEqual(['CYF-CLOUD', 'GRNET-KNS-1']);
    expect(json[0]).toMatchObject({ project: '777536', metrics_last_24h: expect.any(Number), last_period_end: expect.any(String) });
    const table = lines((await acc('freshness')).stdout);
    expect(table[0]).toMatch(/^installation_id +installation +project +provider +last_pushed_at +last_period_end +metrics_last_24h$/);
    const stale = await acc('freshness', '--stale-after-hours', '1', '--output', 'json');
    expect(JSON.parse(stale.stdout)).toEqual([]);
    const bad = await acc('freshness', '--stale-after-hours', '0');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('must be a positive integer.');
  });
});
