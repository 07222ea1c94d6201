import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ent } from '../../server/test/support/issuer.js';
import { ACC_JS, buildCli, freshHome, lines, META_JSON, REPO_ROOT, runAcc } from './support/cli.js';
import { seedWorld, type World } from '../../../packages/client/test/support/world.js';

let w: World;
let env: Record<string, string>;
const acc = (...args: string[]) => runAcc(args, { env });

beforeAll(async () => {
  buildCli();
  w = await seedWorld();
  env = { ACC_URL: w.server.url, ACC_TOKEN: w.token };
});
afterAll(() => w?.close());

describe('the bundle', () => {
  it('is one file with a shebang and no server code', () => {
    expect(readFileSync(ACC_JS, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const meta = JSON.parse(readFileSync(META_JSON, 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((f) => f.startsWith('packages/client/src/'))).toBe(true);
    expect(inputs.filter((f) => f.includes('apps/server/') || f.includes('packages/db/'))).toEqual([]);
    // CSV is read and written by the maintained libraries, bundled in.
    expect(inputs.some((f) => f.includes('node_modules/csv-parse/'))).toBe(true);
    expect(inputs.some((f) => f.includes('node_modules/csv-stringify/'))).toBe(true);
  });

  it('runs as `npx --no-install acc` from the repository root once built', () => {
    const r = spawnSync('npx', ['--no-install', 'acc', '--help'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      // Offline and without the update check, so npm stays off the network.
      env: { PATH: process.env.PATH ?? '', HOME: freshHome(), NPM_CONFIG_UPDATE_NOTIFIER: 'false', NPM_CONFIG_OFFLINE: 'true' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: acc /);
  });
});

describe('listing commands', () => {
  it('projects list: text, json, table and csv', async () => {
    const text = await acc('projects', 'list');
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(lines(text.stdout)).toEqual(['EOSC Beyond (ID: 777536)', 'EGI-ACE, "quoted" (ID: 101017567)']);

    const json = await acc('projects', 'list', '--output', 'json');
    const parsed = JSON.parse(json.stdout) as { id: string; providers: unknown[] }[];
    expect(parsed.map((p) => p.id)).toEqual(['777536', '101017567']);
    expect(parsed[0].providers).toHaveLength(2);
    expect(json.stdout).toBe(`${JSON.stringify(parsed, null, 2)}\n`);

    const table = lines((await acc('projects', 'list', '--output', 'table')).stdout);
    expect(table[0]).toMatch(/^id {9}acronym {6}title {14}start_date {2}end_date {4}call_identifier$/);
    expect(table[1]).toMatch(/^777536 +EOSC-Beyond +EOSC Beyond +2024-01-01 +2026-12-31 +HORIZON-INFRA-2023$/);

    const csv = (await acc('projects', 'list', '--output', 'csv')).stdout;
    expect(csv).toBe(
      'id,acronym,title,start_date,end_date,call_identifier\n' +
        '777536,EOSC-Beyond,EOSC Beyond,2024-01-01,2026-12-31,HORIZON-INFRA-2023\n' +
        '101017567,EGI-ACE,"EGI-ACE, ""quoted""",2021-01-01,2023-06-30,H2020\n',
    );
  });

  it('providers list', async () => {
    const r = await acc('providers', 'list', '--page-size', '1');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([`GRNET (ID: ${w.grnet})`, `Cyfronet (ID: ${w.cyfronet})`]);
    expect(lines((await acc('providers', 'list', '--output', 'csv')).stdout)[0]).toBe('id,name,abbreviation,website');
  });

  it('installations list prints one compact JSON object per line', async () => {
    const r = await acc('installations', 'list');
    expect(r.code).toBe(0);
    const items = lines(r.stdout).map((l) => JSON.parse(l) as { id: string; installation: string });
    expect(items.map((i) => i.installation)).toEqual(['GRNET-KNS-1', 'CYF-CLOUD']);
    expect(lines(r.stdout)[0]).toBe(JSON.stringify(items[0]));
  });

  it('unit-types and metric-types list over tRPC, for any page size', async () => {
    const text = await acc('unit-types', 'list', '--page-size', '3');
    expect(lines(text.stdout)).toHaveLength(11);
    expect(lines(text.stdout)[0]).toMatch(/^TB \(ID: [0-9a-f]{24}\)$/);
    const json = JSON.parse((await acc('unit-types', 'list', '--output', 'json')).stdout) as { unit_type: string }[];
    expect(json.map((u) => u.unit_type)).toContain('CPU Time');
    const table = lines((await acc('metric-types', 'list', '--output', 'table')).stdout);
    expect(table[0]).toMatch(/^id +metric_type +description +creator_id$/);
    expect(table).toHaveLength(5);
  });

  it('reports a server error with the command prefix and exits 1', async () => {
    const r = await runAcc(['providers', 'list'], { env: { ...env, ACC_TOKEN: await w.server.issuer.foreignToken() } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error while iterating providers: While trying the [provider_list]: The access token is invalid.\n');
  });
});

describe('metrics', () => {
  it('lists an installation, a project and a provider within a project', async () => {
    const inst = await acc('metrics', 'list', '--installation', w.kns);
    expect(inst).toMatchObject({ code: 0, stderr: '' });
    expect(lines(inst.stdout)).toEqual(['500 aggregated', '250 aggregated', '12.5 summarised']);
    expect(lines((await acc('metrics', 'list', '--project', '777536')).stdout)).toEqual([
      '500 aggregated',
      '250 aggregated',
      '12.5 summarised',
      '7 aggregated',
    ]);
    expect(lines((await acc('metrics', 'list', '--project', '777536', '--provider', w.cyfronet)).stdout)).toEqual(['7 aggregated']);
  });

  it('applies --metricdefid, --start and --end', async () => {
    const r = await acc('metrics', 'list', '--installation', w.kns, '--metricdefid', w.cpu, '--start', '2024-01-01', '--end', '2024-02-15');
    expect(lines(r.stdout)).toEqual(['500 aggregated']);
  });

  it('prints the "No metrics found" lines only in text mode', async () => {
    expect((await acc('metrics', 'list', '--project', '101017567')).stdout).toBe('No metrics found for requested project\n');
    expect((await acc('metrics', 'list', '--project', '101017567', '--provider', w.grnet)).stdout).toBe(
      'No metrics found for requested provider / project combination\n',
    );
    expect((await acc('metrics', 'list', '--project', '101017567', '--output', 'json')).stdout).toBe('[]\n');
    expect((await acc('metrics', 'list', '--project', '101017567', '--output', 'csv')).stdout).toBe(
      'id,metric_definition_id,metric_name,metric_type,value,time_period_start,time_period_end,group_id,user_id\n',
    );
  });

  it('metric table and csv take definition fields from metric_definition', async () => {
    const csv = lines((await acc('metrics', 'list', '--installation', w.kns, '--output', 'csv')).stdout);
    expect(csv[1]).toMatch(new RegExp(`^[0-9a-f]{24},${w.cpu},cpu_hours,aggregated,500,2024-01-01T00:00:00Z,2024-01-31T00:00:00Z,,$`));
    expect(csv[2].endsWith(',g1,')).toBe(true);
  });

  it('names the failing scope on errors', async () => {
    const inst = await acc('metrics', 'list', '--installation', 'nope');
    expect(inst.code).toBe(1);
    expect(inst.stderr).toBe(
      'Installation not found: While trying the [installation_metrics_list]: There is no Installation with the following id: nope\n',
    );
    const proj = await acc('metrics', 'list', '--project', 'nope');
    expect(proj.stderr).toBe('Project not found: While trying the [project_metrics_list]: There is no Project with the following id: nope\n');
    const prov = await acc('metrics', 'list', '--project', '777536', '--provider', 'nope');
    expect(prov.stderr).toBe(
      'Error while iterating providers: While trying the [project_provider_metric_list]: There is no Provider with the following id: nope\n',
    );
  });

  it('refuses ambiguous scopes as usage errors (exit 2)', async () => {
    for (const args of [[], ['--provider', 'x'], ['--installation', 'i', '--project', 'p'], ['--installation', 'i', '--provider', 'v']]) {
      const r = await acc('metrics', 'list', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: metrics list needs exactly one of/);
    }
  });

  it('pushes a metric with a numeric value and prints its id', async () => {
    const r = await acc(
      'metrics',
      'push',
      '--installation',
      w.cyf,
      '--metricdefid',
      w.cpu,
      '--tstart',
      '2024-04-01T00:00:00Z',
      '--tend',
      '2024-04-02T00:00:00Z',
      '--value',
      '42.5',
      '--gid',
      'grp',
      '--uid',
      'usr',
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^[0-9a-f]{24}\n$/);
    const listed = JSON.parse((await acc('metrics', 'list', '--installation', w.cyf, '--output', 'json')).stdout) as {
      id: string;
      value: unknown;
      group_id?: string;
      user_id?: string;
    }[];
    expect(listed.at(-1)).toMatchObject({ id: r.stdout.trim(), value: 42.5, group_id: 'grp', user_id: 'usr' });
  });

  it('push --output csv and table print the stored metric as one row', async () => {
    const push = (day: string, output: string) =>
      acc(
        'metrics',
        'push',
        '--installation',
        w.cyf,
        '--metricdefid',
        w.cpu,
        '--tstart',
        `2024-05-${day}T00:00:00Z`,
        '--tend',
        `2024-05-${day}T12:00:00Z`,
        '--value',
        '3',
        '--output',
        output,
      );
    const csv = lines((await push('01', 'csv')).stdout);
    expect(csv).toHaveLength(2);
    expect(csv[0]).toBe('id,metric_definition_id,metric_name,metric_type,value,time_period_start,time_period_end,group_id,user_id');
    expect(csv[1]).toMatch(new RegExp(`^[0-9a-f]{24},${w.cpu},,,3,2024-05-01T00:00:00Z,2024-05-01T12:00:00Z,,$`));
    const table = lines((await push('02', 'table')).stdout);
    expect(table[0]).toMatch(/^id +metric_definition_id +metric_name +metric_type +value +time_period_start/);
    expect(table[1]).toMatch(new RegExp(`^[0-9a-f]{24} +${w.cpu} +3 +2024-05-02T00:00:00Z +2024-05-02T12:00:00Z$`));
  });

  it('push --output json prints the created metric with its id', async () => {
    const r = await acc(
      'metrics',
      'push',
      '--installation',
      w.cyf,
      '--metricdefid',
      w.cpu,
      '--tstart',
      '2024-04-03T00:00:00Z',
      '--tend',
      '2024-04-04T00:00:00Z',
      '--value',
      '1e2',
      '--output',
      'json',
      '--idempotency-key',
      'push-once',
    );
    const created = JSON.parse(r.stdout) as { id: string; metric_id: string; value: number };
    expect(created.value).toBe(100);
    expect(created.id).toBe(created.metric_id);
  });

  it('push: a non-numeric value is a usage error, a server refusal a runtime error', async () => {
    const bad = await acc('metrics', 'push', '--installation', w.cyf, '--metricdefid', w.cpu, '--tstart', 'a', '--tend', 'b', '--value', 'ten');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("error: option '--value <v>' argument 'ten' is invalid. must be a number.\n");
    const missing = await acc('metrics', 'push', '--installation', w.cyf);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: required option '--metricdefid <id>' not specified/);
    const refused = await acc(
      'metrics',
      'push',
      '--installation',
      w.cyf,
      '--metricdefid',
      w.cpu,
      '--tstart',
      '2024-04-01',
      '--tend',
      '2024-04-02T00:00:00Z',
      '--value',
      '1',
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'Error while assigning metric to installation: While trying the [installation_metrics_add]: time_period_start must be a valid zulu timestamp. found: 2024-04-01\n',
    );
  });
});

describe('metrics import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acc-import-'));
  const record = (day: number, value: number | string, definition = w.storage) => ({
    metric_definition_id: definition,
    time_period_start: `2023-01-${String(day).padStart(2, '0')}T00:00:00Z`,
    time_period_end: `2023-01-${String(day).padStart(2, '0')}T12:00:00Z`,
    value,
  });
  const count = async () =>
    JSON.parse(
      (
        await acc(
          'metrics',
          'list',
          '--installation',
          w.kns,
          '--metricdefid',
          w.storage,
          '--start',
          '2023-01-01',
          '--end',
          '2023-02-01',
          '--output',
          'json',
        )
      ).stdout,
    ).length as number;

  it('imports a CSV in bulk chunks, quoting and all', async () => {
    const file = join(dir, 'metrics.csv');
    const rows = [1, 2, 3, 4, 5].map((d) => record(d, d * 1.5));
    writeFileSync(
      file,
      'metric_definition_id,time_period_start,time_period_end,value,group_id\r\n' +
        rows
          .map(
            (r, i) => `${r.metric_definition_id},${r.time_period_start},${r.time_period_end},${r.value},${i === 0 ? '"group, with ""quotes"""' : ''}`,
          )
          .join('\r\n') +
        '\r\n',
    );
    const r = await acc('metrics', 'import', file, '--installation', w.kns, '--chunk-size', '2');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`Sent 5 metric(s) from metrics.csv to installation ${w.kns} in 3 request(s): 5 new, 0 already there.\n`);
    const listed = JSON.parse(
      (
        await acc(
          'metrics',
          'list',
          '--installation',
          w.kns,
          '--metricdefid',
          w.storage,
          '--start',
          '2023-01-01',
          '--end',
          '2023-02-01',
          '--output',
          'json',
        )
      ).stdout,
    ) as { value: number; group_id?: string }[];
    expect(listed.map((m) => m.value)).toEqual([1.5, 3, 4.5, 6, 7.5]);
    expect(listed[0].group_id).toBe('group, with "quotes"');

    // The same file again: every chunk is replayed from its idempotency key, nothing is stored twice.
    const again = await acc('metrics', 'import', file, '--installation', w.kns, '--chunk-size', '2');
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toBe(`Sent 5 metric(s) from metrics.csv to installation ${w.kns} in 3 request(s): 0 new, 5 already there.\n`);
    expect(await count()).toBe(5);
  });

  it('resumes a failed JSONL import without duplicating what was stored', async () => {
    const before = await count();
    const file = join(dir, 'metrics.jsonl');
    const good = [10, 11, 12, 13, 14].map((d) => record(d, d));
    const broken = good.map((m, i) => (i === 3 ? { ...m, metric_definition_id: 'ffffffffffffffffffffffff' } : m));
    writeFileSync(file, broken.map((m) => JSON.stringify(m)).join('\n'));
    const failed = await acc('metrics', 'import', file, '--installation', w.kns, '--chunk-size', '2');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      `Error while importing metrics from ${file} (line 4): While trying the [installation_metrics_bulk]: [1] There is no Metric Definition with the following id: ffffffffffffffffffffffff\n`,
    );
    expect(await count()).toBe(before + 2);

    writeFileSync(file, `${good.map((m) => JSON.stringify(m)).join('\n')}\n`);
    const resumed = await acc('metrics', 'import', file, '--installation', w.kns, '--chunk-size', '2', '--output', 'json');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual({ file: 'metrics.jsonl', installation: w.kns, metrics: 5, new: 3, already_there: 2, requests: 3 });
    // The first chunk was replayed from its idempotency key, not stored twice.
    expect(await count()).toBe(before + 5);
  });

  it('shows a progress bar on stderr when progress is on', async () => {
    const file = join(dir, 'progress.jsonl');
    writeFileSync(file, [20, 21, 22].map((d) => JSON.stringify(record(d, d))).join('\n'));
    const r = await runAcc(['metrics', 'import', file, '--installation', w.kns, '--chunk-size', '1'], { env: { ...env, ACC_PROGRESS: 'always' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('[##########] 100% | 3 metric(s) sent');
    expect(r.stdout).toBe(`Sent 3 metric(s) from progress.jsonl to installation ${w.kns} in 3 request(s): 3 new, 0 already there.\n`);
  });

  it('stops at an invalid line with its number', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, `metric_definition_id,time_period_start,time_period_end,value\n${w.storage},2023-02-01T00:00:00Z,2023-02-02T00:00:00Z,abc\n`);
    const r = await acc('metrics', 'import', file, '--installation', w.kns);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error in ${file} line 2: value must be a number, found "abc"\n`);
    const unknown = await acc('metrics', 'import', join(dir, 'metrics.txt'), '--installation', w.kns);
    expect(unknown.code).toBe(2);
    const ragged = join(dir, 'ragged.csv');
    writeFileSync(ragged, `metric_definition_id,time_period_start,time_period_end,value\n"${w.storage}","2023-02-01T00:00:00Z",\n`);
    expect((await acc('metrics', 'import', ragged, '--installation', w.kns)).stderr).toBe(`Error in ${ragged} line 2: expected 4 fields, found 3\n`);
    const open = join(dir, 'open.csv');
    writeFileSync(open, `metric_definition_id,time_period_start,time_period_end,value\n${w.storage},"2023-02-01T00:00:00Z,x,1\n`);
    const unterminated = await acc('metrics', 'import', open, '--installation', w.kns);
    expect(unterminated.code).toBe(1);
    expect(unterminated.stderr).toMatch(new RegExp(`^Error in ${open}: Quote Not Closed: .* at line 2\n$`));
  });

  it('reports a header without the required columns as one usage error line, sending nothing', async () => {
    const file = join(dir, 'header.csv');
    writeFileSync(file, `\uFEFFdefinition,time_period_start,value,comment\n${w.storage},2023-03-01T00:00:00Z,1,x\n`);
    const r = await acc('metrics', 'import', file, '--installation', w.kns);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(
      `Error in ${file} header: missing column(s) metric_definition_id, time_period_end; found definition, time_period_start, value, comment; ` +
        'expected metric_definition_id, time_period_start, time_period_end, value (optional: group_id, user_id)\n',
    );
    // With --metricdefid the definition column is optional, so only time_period_end is missing.
    const withDefault = await acc('metrics', 'import', file, '--installation', w.kns, '--metricdefid', w.storage);
    expect(withDefault.code).toBe(2);
    expect(withDefault.stderr).toBe(
      `Error in ${file} header: missing column(s) time_period_end; found definition, time_period_start, value, comment; ` +
        'expected time_period_start, time_period_end, value (optional: metric_definition_id, group_id, user_id)\n',
    );
    const stored = await acc(
      'metrics',
      'list',
      '--installation',
      w.kns,
      '--metricdefid',
      w.storage,
      '--start',
      '2023-03-01',
      '--end',
      '2023-03-02',
      '--output',
      'json',
    );
    expect(stored.stdout).toBe('[]\n');
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '\n');
    expect((await acc('metrics', 'import', empty, '--installation', w.kns)).stderr).toMatch(
      /^Error in .*empty\.csv header: missing column\(s\) metric_definition_id, time_period_start, time_period_end, value; found no columns; /,
    );
  });
});

describe('metric definitions, capacities, reports, search, version', () => {
  it('metric-definitions create, list and get', async () => {
    const created = await acc(
      'metric-definitions',
      'create',
      '--name',
      'ram',
      '--unit-type',
      'TB',
      '--metric-type',
      'summarised',
      '--description',
      'RAM',
    );
    expect(created.code).toBe(0);
    const id = /^ram \(ID: ([0-9a-f]{24})\)\n$/.exec(created.stdout)![1];
    expect(lines((await acc('metric-definitions', 'list')).stdout)).toEqual([
      `cpu_hours (ID: ${w.cpu})`,
      `storage (ID: ${w.storage})`,
      `ram (ID: ${id})`,
    ]);
    expect(JSON.parse((await acc('metric-definitions', 'get', id, '--output', 'json')).stdout)).toMatchObject({
      metric_definition_id: id,
      metric_description: 'RAM',
    });
    const dup = await acc('metric-definitions', 'create', '--name', 'RAM', '--unit-type', 'tb', '--metric-type', 'summarised');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe(
      `Error while creating metric definition: While trying the [metric_definition_add]: There is a Metric Definition with unit type tb and name RAM. Its id is ${id}\n`,
    );
    const missing = await acc('metric-definitions', 'get', 'nope');
    expect(missing.stderr).toBe(
      'Metric definition not found: While trying the [metric_definition_entry]: There is no Metric Definition with the following id: nope\n',
    );
  });

  it('capacities add and list', async () => {
    const added = await acc('capacities', 'add', '--installation', w.cyf, '--metricdefid', w.cpu, '--value', '20', '--registered-on', '2024-01-01');
    expect(added).toMatchObject({ code: 0, stdout: 'Capacity has been successfully registered.\n' });
    const listed = await acc('capacities', 'list', '--installation', w.cyf);
    expect(lines(listed.stdout)).toEqual([`20 ${w.cpu} (registered on 2024-01-01T00:00:00Z)`]);
  });

  it('report installation: usage against capacity, as a table or JSON', async () => {
    const r = await acc('report', 'installation', w.kns, '--start', '2024-01-01', '--end', '2024-12-31');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toBe(`Installation GRNET-KNS-1 (ID: ${w.kns}) — project 777536, provider ${w.grnet}`);
    expect(out[1]).toMatch(/^ {2}METRIC +UNIT +FROM +TO +TOTAL +CAPACITY +USAGE$/);
    expect(out.find((l) => l.includes('cpu_hours'))).toMatch(/cpu_hours +CPU Time +2024-01-01 +2024-12-31 +750 +1000 +75\.00% \[########\.\.\]$/);
    const json = JSON.parse((await acc('report', 'installation', w.kns, '--start', '2024-01-01', '--end', '2024-12-31', '--output', 'json')).stdout);
    expect(json.installation_id).toBe(w.kns);
  });

  it('report project and provider, with totals and csv', async () => {
    const project = lines((await acc('report', 'project', '777536', '--start', '2024-01-01', '--end', '2024-12-31')).stdout);
    expect(project[0]).toBe('Project EOSC-Beyond — EOSC Beyond (ID: 777536)');
    expect(project).toContain('Project totals:');
    // Other tests push more metrics into this window, so only the shape is fixed here.
    expect(project.at(-2)).toMatch(/^ {2}cpu_hours +CPU Time +\d+(\.\d+)?$/);
    const csv = lines(
      (await acc('report', 'provider', w.grnet, '--project', '777536', '--start', '2024-01-01', '--end', '2024-12-31', '--output', 'csv')).stdout,
    );
    expect(csv[0]).toBe(
      'project,provider,installation_id,installation,metric_definition_id,metric_name,unit_type,from,to,total_value,capacity_value,usage_percentage',
    );
    expect(csv).toContain(`777536,${w.grnet},${w.kns},GRNET-KNS-1,${w.cpu},cpu_hours,CPU Time,2024-01-01T00:00:00Z,2024-12-31T00:00:00Z,750,1000,75`);
    const generic = await acc('report', 'provider', w.grnet, '--start', '2024-01-01', '--end', '2024-12-31', '--output', 'json');
    expect(JSON.parse(generic.stdout).reports).toHaveLength(1);
    const bad = await acc('report', 'project', '777536', '--start', '2024-12-31', '--end', '2024-01-01');
    expect(bad).toMatchObject({
      code: 1,
      stderr: 'Error while fetching the report: While trying the [project_report]: Start date must be before or equal to end date.\n',
    });
    expect((await acc('report', 'project', '777536', '--start', '2024-01-01')).code).toBe(2);
  });

  it('search with the DSL, any page size up to 1000 for metrics', async () => {
    const q = JSON.stringify({ type: 'query', field: 'installation', values: 'cyf-cloud' });
    const r = await acc('search', 'installations', '--query', q);
    expect(r.code).toBe(0);
    expect(lines(r.stdout).map((l) => JSON.parse(l).installation)).toEqual(['CYF-CLOUD']);
    const metrics = await acc(
      'search',
      'metrics',
      '--query',
      JSON.stringify({ type: 'query', field: 'value', values: 500, operand: 'eq' }),
      '--page-size',
      '1000',
      '--output',
      'csv',
    );
    expect(lines(metrics.stdout)).toHaveLength(2);
    const bad = await acc('search', 'installations', '--query', JSON.stringify({ type: 'query', field: 'nope', values: 'x' }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^Error while searching installations: While trying the \[installation_search\]: Invalid search query: unknown field 'nope'\. Allowed fields: /,
    );
    expect((await acc('search', 'installations', '--query', '{nope')).code).toBe(2);
    expect((await acc('search', 'things', '--query', '{}')).code).toBe(2);
    expect((await acc('search', 'providers', '--query', q, '--page-size', '500')).code).toBe(2);
  });

  it('version shows the client and server versions', async () => {
    expect(await acc('version')).toMatchObject({ code: 0, stdout: 'client 0.1.0\nserver 1.8.1\n', stderr: '' });
    expect(JSON.parse((await acc('version', '--output', 'json')).stdout)).toEqual({ client: '0.1.0', server: '1.8.1' });
    const viewer = await runAcc(['version'], { env: { ...env, ACC_TOKEN: await w.server.issuer.token({ entitlements: [ent('role=viewer')] }) } });
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toBe(
      'Error while fetching the server version: While trying the [admin_version]: The authenticated client is not permitted to perform the requested operation.\n',
    );
  });

  it('admin rollups check finds rollups that differ from the metrics, and --rebuild repairs them', async () => {
    const clean = await acc('admin', 'rollups', 'check');
    expect(clean).toMatchObject({ code: 0, stderr: '' });
    const rows = Number(/^(\d+) rollup rows; 0 differences from the raw metrics\.\n$/.exec(clean.stdout)![1]);
    expect(rows).toBeGreaterThan(0);
    const db = w.server.app.database.dataSource;
    const [bucket] = await db.query<{ row: string; installation_id: string; bucket_start: Date }[]>(
      'SELECT ctid::text AS row, installation_id, bucket_start FROM metric_rollups WHERE level = 4 LIMIT 1',
    );
    await db.query('UPDATE metric_rollups SET total = total + 1 WHERE ctid = $1::tid', [bucket.row]);
    const broken = await acc('admin', 'rollups', 'check');
    expect(broken.code).toBe(1);
    expect(lines(broken.stdout)[0]).toBe(`${rows} rollup rows; 2 differences from the raw metrics.`);
    expect(broken.stdout).toContain(bucket.installation_id);
    expect(broken.stderr).toBe('The rollups differ from the raw metrics; `acc admin rollups check --rebuild` rebuilds them.\n');
    const json = JSON.parse((await acc('admin', 'rollups', 'check', '--output', 'json')).stdout) as {
      sample: { side: string; bucket_start: string }[];
    };
    expect(json.sample.map((d) => [d.side, d.bucket_start])).toEqual([
      ['expected', bucket.bucket_start.toISOString().replace('.000Z', 'Z')],
      ['stored', bucket.bucket_start.toISOString().replace('.000Z', 'Z')],
    ]);
    expect(await acc('admin', 'rollups', 'check', '--rebuild')).toMatchObject({
      code: 0,
      stdout: `Rebuilt the rollups: ${rows} rows (2 differences before).\n`,
    });
    expect((await acc('admin', 'rollups', 'check')).stdout).toBe(`${rows} rollup rows; 0 differences from the raw metrics.\n`);
    const viewer = await runAcc(['admin', 'rollups', 'check'], {
      env: { ...env, ACC_TOKEN: await w.server.issuer.token({ entitlements: [ent('role=viewer')] }) },
    });
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toBe(
      'Error while checking the rollups: While trying the [admin_rollups_check]: The authenticated client is not permitted to perform the requested operation.\n',
    );
  });
});
