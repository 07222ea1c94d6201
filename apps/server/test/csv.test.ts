import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountingClient } from '@acc/client';
import { METRIC_CSV_COLUMNS, PAGE_SIZE, REPORT_CSV_COLUMNS } from '@acc/contracts';
import { backends } from './support/database.js';
import { Fixtures, tokenWith, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const CSV = { Accept: 'text/csv' };
/** Every character CSV must escape, and some it must carry through unchanged. */
const AWKWARD = 'a,"quoted" group\nwith a line, ünïcödé ∑ 🚀';

const records = (text: string): string[][] => parse(text);

/**
 * `Accept: text/csv` (usage-api.md §3) over real HTTP: listings stream every matching metric past one
 * page, reports give one row per period, usage one row per point; escaping round-trips; errors stay JSON.
 */
describe.each(backends)('CSV answers (%s)', (backend) => {
  let s: TestServer;
  let f: Fixtures;
  let admin: string;
  let inst: InstallationFixture;
  let def: string;
  const MANY = PAGE_SIZE.max * 2 + 37;

  beforeAll(async () => {
    s = await startTestServer(backend);
    f = Fixtures.of(s);
    admin = await tokenWith(s, ent('role=admin'));
    await f.project('P1');
    await f.provider('prov1');
    await f.associate('P1', 'prov1');
    inst = await f.installation('P1', 'prov1', { installation: 'INST "one", ü' });
    def = await f.definition({ metricName: 'storage, "hot"', unitType: 'TB' });
    await f.capacity(inst.id, def, '100', '2024-01-01T00:00:00Z');
    await f.metric(inst, def, '2024-02-01T00:00:00Z', '2024-02-02T00:00:00Z', 2.5, { groupId: AWKWARD, userId: 'u1' });
    // The rest in one statement: three pages and a bit.
    await s.app.database.dataSource.query(
      `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, value, creator_id,
                            project_id, provider_id, project_acronym, installation_name, resource_id)
       SELECT $1, 'm' || lpad(n::text, 6, '0'), $2, timestamptz '2024-03-01' + n * interval '1 hour',
              timestamptz '2024-03-01' + (n + 1) * interval '1 hour', n, 'seed', 'P1', 'prov1', 'ACR-P1', 'x', 'P1.prov1.' || $1
         FROM generate_series(1, $3::int) AS n`,
      [inst.id, def, MANY - 1],
    );
    // A PGlite server's start-up on a loaded runner; nothing here is timed.
  }, 180_000);
  afterAll(() => s?.close());

  it('streams every metric of a listing, not one page, with every field and the definition flattened', async () => {
    const r = await s.call('GET', `${API}/installations/${inst.id}/metrics?page=2&size=5`, { token: admin, headers: CSV });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = records(r.text);
    expect(header).toEqual(METRIC_CSV_COLUMNS);
    expect(rows).toHaveLength(MANY);
    expect(new Set(rows.map((row) => row[0])).size).toBe(MANY);
    const json = await s.call('GET', `${API}/installations/${inst.id}/metrics?size=1`, { token: admin });
    const first = json.body.content[0];
    const col = (name: string) => header.indexOf(name);
    const csvFirst = rows.find((row) => row[0] === first.id);
    expect(csvFirst?.[col('group_id')]).toBe(AWKWARD);
    expect(csvFirst?.[col('value')]).toBe(String(first.value));
    expect(csvFirst?.[col('time_period_start')]).toBe(first.time_period_start);
    expect(csvFirst?.[col('metric_definition.metric_name')]).toBe('storage, "hot"');
    expect(csvFirst?.[col('resource')]).toBe(first.resource ?? '');
  });

  it('streams a search past one page too', async () => {
    const criterion = { type: 'query', field: 'installation_id', values: inst.id, operand: 'eq' };
    const r = await s.call('POST', `${API}/metrics/search`, { token: admin, body: criterion, headers: CSV });
    expect(r.status).toBe(200);
    expect(records(r.text)).toHaveLength(MANY + 1);
  });

  it('answers a report with one row per period, equal to the JSON report', async () => {
    const path = `${API}/installations/${inst.id}/report?start=2024-01-01&end=2025-01-01`;
    const json = (await s.call('GET', path, { token: admin })).body;
    const r = await s.call('GET', path, { token: admin, headers: CSV });
    expect(r.status).toBe(200);
    const [header, ...rows] = records(r.text);
    expect(header).toEqual([...REPORT_CSV_COLUMNS]);
    const periods = json.data.flatMap((d: { periods: unknown[] }) => d.periods) as { from: string; total_value: number; usage_percentage?: number }[];
    expect(rows).toHaveLength(periods.length);
    expect(rows[0].slice(0, 7)).toEqual([inst.id, 'INST "one", ü', 'prov1', 'P1', def, 'storage, "hot"', 'TB']);
    expect(rows.map((row) => [row[7], Number(row[9])])).toEqual(periods.map((p) => [p.from, p.total_value]));
    // The project report lists the same installation's rows.
    const project = await s.call('GET', `${API}/projects/P1/report?start=2024-01-01&end=2025-01-01`, { token: admin, headers: CSV });
    expect(records(project.text).slice(1)).toEqual(rows);
  });

  it('answers usage with one row per point, the group_by keys as columns, equal to the JSON answer', async () => {
    const q = `start=2024-02-01&end=2024-02-03&window=day&tz=UTC&group_by=group_id`;
    const path = `${API}/installations/${inst.id}/usage?${q}`;
    const json = (await s.call('GET', path, { token: admin })).body;
    const r = await s.call('GET', path, { token: admin, headers: CSV });
    expect(r.status).toBe(200);
    const [header, ...rows] = records(r.text);
    expect(header).toEqual(['metric_definition_id', 'metric_name', 'unit_type', 'group_id', 'window_start', 'window_end', 'value', 'count']);
    const expected = (
      json.series as {
        metric_definition_id: string;
        group: Record<string, string | null>;
        points: { start: string; value: number | null; count: number }[];
      }[]
    ).flatMap((se) =>
      se.points.map((p) => [se.metric_definition_id, se.group.group_id ?? '', p.start, p.value === null ? '' : String(p.value), String(p.count)]),
    );
    expect(rows.map((row) => [row[0], row[3], row[4], row[6], row[7]])).toEqual(expected);
    expect(rows.some((row) => row[3] === AWKWARD)).toBe(true);
  });

  it('keeps errors JSON, and JSON for clients that do not ask for CSV first', async () => {
    const missing = await s.call('GET', `${API}/installations/nope/metrics`, { token: admin, headers: CSV });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
    expect(missing.body.code).toBe(404);
    const anonymous = await s.call('GET', `${API}/installations/${inst.id}/report?start=2024-01-01&end=2025-01-01`, { headers: CSV });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe(401);
    const bad = await s.call('GET', `${API}/installations/${inst.id}/usage?window=fortnight`, { token: admin, headers: CSV });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/json');
    for (const accept of ['*/*', 'application/json', 'application/json, text/csv;q=0.5', 'text/csv;q=0']) {
      const r = await s.call('GET', `${API}/installations/${inst.id}/metrics?size=1`, { token: admin, headers: { Accept: accept } });
      expect(r.headers.get('content-type')).toContain('application/json');
      expect(r.body.content).toHaveLength(1);
    }
    // A contract without a CSV form answers JSON whatever is asked.
    const one = await s.call('GET', `${API}/installations/${inst.id}`, { token: admin, headers: CSV });
    expect(one.headers.get('content-type')).toContain('application/json');
  });

  it('is what the client returns from acc.csv(name, input), and the client refuses a contract without a CSV form', async () => {
    const acc = new AccountingClient({ endpoint: s.url, token: admin });
    const text = await acc.csv('installation_metrics_list', { installation_id: inst.id });
    expect(records(text)).toHaveLength(MANY + 1);
    const report = await acc.csv('installation_report', { installation_id: inst.id, start: '2024-01-01', end: '2025-01-01' });
    expect(records(report)[0]).toEqual([...REPORT_CSV_COLUMNS]);
    await expect(acc.csv('installation_report', { installation_id: 'nope', start: '2024-01-01', end: '2025-01-01' })).rejects.toMatchObject({
      status: 404,
    });
    await expect(acc.csv('installation_entry', { id: inst.id })).rejects.toThrow(TypeError);
  });

  it('documents text/csv beside JSON in the OpenAPI document for exactly the operations with a CSV form', async () => {
    const doc = (await s.call('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
    };
    const content = (path: string, method = 'get') => Object.keys(doc.paths[`${API}${path}`][method].responses['200'].content ?? {});
    expect(content('/installations/{installation_id}/metrics')).toContain('text/csv');
    expect(content('/installations/{installation_id}/report')).toContain('text/csv');
    expect(content('/installations/{installation_id}/usage')).toContain('text/csv');
    expect(content('/metrics/search', 'post')).toContain('text/csv');
    expect(content('/installations/{id}')).not.toContain('text/csv');
  });
});
