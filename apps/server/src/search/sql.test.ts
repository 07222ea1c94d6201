import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { OPERANDS, parseCriterion, type Criterion } from './dsl.js';
import { searchAliases, searchFields, type SearchCollection } from './fields.js';
import { criterionToSql } from './sql.js';

const tables: Record<SearchCollection, string> = {
  metricDefinitions: 'metric_definitions',
  providers: 'providers',
  projects: 'projects',
  installations: 'installations',
  metrics: 'metrics',
};

// providers.name uses an ICU collation under which 'alpha' < 'Zeta', so the code-point tests below fail unless
// the translator really forces COLLATE "C" (PGlite's default collation is already C).
const SCHEMA = `
  CREATE TABLE metric_definitions (id text PRIMARY KEY, metric_name text, metric_description text, unit_type text,
    metric_type text, creator_id text);
  CREATE TABLE providers (id text PRIMARY KEY, name text COLLATE "unicode", website text, abbreviation text, logo text);
  CREATE TABLE projects (id text PRIMARY KEY, acronym text, title text, start_date text, end_date text, call_identifier text);
  CREATE TABLE installations (id text PRIMARY KEY, project_id text, provider_id text, infrastructure text, installation text,
    resource_id text, unit_of_access text, external_id text);
  CREATE TABLE metrics (id text PRIMARY KEY, time_period_start timestamptz NOT NULL, time_period_end timestamptz NOT NULL,
    value double precision NOT NULL, metric_definition_id text, project_acronym text, provider_id text,
    installation_name text, infrastructure text, project_id text, installation_id text, resource text, user_id text,
    group_id text, resource_id text);
  CREATE TABLE x (id int);
  INSERT INTO x VALUES (1);
`;

const providerNames: Record<string, string | null> = {
  p01: 'Alpha',
  p02: 'alpha',
  p03: 'ALPHA',
  p04: 'Alphabet',
  p05: '.*',
  p06: 'a.c',
  p07: 'abc',
  p08: '%',
  p09: '50%',
  p10: '_',
  p11: 'a_c',
  p12: '^a',
  p13: '(',
  p14: '\\',
  p15: "' OR 1=1 --",
  p16: '"; DROP TABLE x; --',
  p17: 'Zeta',
  p18: 'éclair',
  p19: 'Éclair',
  p20: '\u{1F600}',
  p21: '\uFF21',
  p22: null,
  p23: 'zeta',
  p24: 'a\\c',
  p25: 'a(c',
};

type MetricRow = [id: string, start: string, end: string, value: number, project: string, provider: string, installation: string];
const metricRows: MetricRow[] = [
  ['m1', '2023-01-01T00:00:00Z', '2023-01-31T23:59:59Z', 10.8, 'P1', 'grnet', 'GRNET-KNS-1'],
  ['m2', '2022-12-31T23:59:59Z', '2023-01-01T00:00:00Z', 2, 'P1', 'cnrs', 'CNRS-1'],
  ['m3', '2023-06-15T12:00:00Z', '2023-06-16T00:00:00Z', 100, 'P2', 'grnet', 'GRNET-KNS-2'],
  ['m4', '2021-03-01T08:30:00Z', '2021-03-02T08:30:00Z', -1.5, 'P2', 'cnrs', 'CNRS-1'],
  ['m5', '2023-01-01T00:00:01Z', '2023-02-01T00:00:00Z', 9, 'P3', 'egi', 'EGI-1'],
];

let db: PGlite;

beforeAll(async () => {
  db = new PGlite();
  await db.exec(SCHEMA);
  for (const [id, name] of Object.entries(providerNames))
    await db.query('INSERT INTO providers (id, name, website) VALUES ($1, $2, $3)', [id, name, `https://${id}.example`]);
  for (const [id, start, end, value, project, provider, installation] of metricRows)
    await db.query(
      `INSERT INTO metrics (id, time_period_start, time_period_end, value, metric_definition_id, project_acronym, provider_id,
         installation_name, infrastructure, project_id, installation_id, resource, user_id, group_id, resource_id)
       VALUES ($1, $2, $3, $4, 'md1', $5, $6, $7, 'infra', $5 || '-id', $7 || '-id', 'res', 'u-' || $1, 'g1', $5 || '.' || $6 || '.' || $7)`,
      [id, start, end, value, project, provider, installation],
    );
  await db.exec(`
    INSERT INTO projects VALUES
      ('777536', 'EGI-ACE', 'EGI Advanced Computing', '2021-01-01', '2023-06-30', 'H2020-INFRAEOSC-2020-2'),
      ('101017567', 'C-SCALE', 'Copernicus', '2021-01-01', '2023-12-31', 'H2020-INFRAEOSC-2020-2'),
      ('101131096', 'EOSC-Beyond', 'EOSC Beyond', '2024-04-01', '2027-03-31', 'HORIZON-INFRA-2023-EOSC-01');
    INSERT INTO installations VALUES
      ('i1', '777536', 'grnet', 'okeanos', 'GRNET-KNS-1', 'r1', 'md1', 'ext-1'),
      ('i2', '777536', 'cnrs', 'GRNET cloud', 'grnet-kns-1', 'r2', 'md2', NULL),
      ('i3', '101017567', 'GRNET', 'hpc', 'HPC-1', 'r1', 'md1', 'ext-3'),
      ('i4', '101017567', 'egi', 'cloud', 'EGI-1', 'r3', 'md1', 'ext-4');
    INSERT INTO metric_definitions VALUES
      ('md1', 'CPU hours', 'cpu', 'Hours', 'Aggregated', 'alice'),
      ('md2', 'Storage', 'disk', 'TB', 'count', 'Alice'),
      ('md3', 'Jobs', 'jobs', '#', 'Count', 'bob');
  `);
});

afterAll(async () => {
  await db?.close();
});

async function search(collection: SearchCollection, body: unknown): Promise<string[]> {
  const fields = searchFields[collection];
  const { sql, params } = criterionToSql(parseCriterion(body, fields), fields);
  const a = searchAliases[collection];
  const r = await db.query<{ id: string }>(`SELECT "${a}".id FROM ${tables[collection]} "${a}" WHERE ${sql} ORDER BY "${a}".id`, params);
  return r.rows.map((row) => row.id);
}

const q = (field: string, values: unknown, operand?: string) => ({ type: 'query', field, values, operand });
const f = (operator: string, ...criteria: unknown[]) => ({ type: 'filter', operator, criteria });

function rejection(run: () => unknown): AppError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).status).toBe(400);
    return e as AppError;
  }
  throw new Error('expected a 400');
}

describe('criterionToSql: SQL shape', () => {
  it('binds values as numbered parameters and writes only allow-listed columns', () => {
    const c = parseCriterion(f('OR', q('name', "x' OR 1=1 --"), f('AND', q('logo', 'y', 'neq'), q('website', 'z', 'gte'))), searchFields.providers);
    expect(criterionToSql(c, searchFields.providers, 4)).toEqual({
      sql:
        '((lower(("pv"."name")::text) COLLATE "C" = lower($4::text))' +
        ' OR ((("pv"."logo")::text COLLATE "C" IS DISTINCT FROM $5::text)' +
        ' AND (("pv"."website")::text COLLATE "C" >= $6::text)))',
      params: ["x' OR 1=1 --", 'y', 'z'],
    });
  });

  it('uses typed casts for numbers and dates', () => {
    const m = searchFields.metrics;
    expect(criterionToSql(parseCriterion(q('value', 1.5, 'lt'), m), m)).toEqual({
      sql: '(("m"."value") < $1::double precision)',
      params: [1.5],
    });
    expect(criterionToSql(parseCriterion(q('time_period_end', '2023-01-01T00:00:00Z', 'neq'), m), m)).toEqual({
      sql: '(("m"."time_period_end") IS DISTINCT FROM $1::timestamptz)',
      params: ['2023-01-01T00:00:00Z'],
    });
  });

  it('never copies input text into the SQL', () => {
    const payloads = ["' OR 1=1 --", '"; DROP TABLE x; --', '$$ OR 1=1 $$', '); DELETE FROM providers; --', '*/ SELECT 1 /*'];
    for (const p of payloads) {
      const c = parseCriterion(f('OR', q('name', p), q('abbreviation', p, 'lt')), searchFields.providers);
      const { sql, params } = criterionToSql(c, searchFields.providers);
      expect(sql).not.toContain(p);
      expect(params).toEqual([p, p]);
    }
  });

  it('re-validates hand-built criteria against the allow-list', () => {
    const pv = searchFields.providers;
    const run = (c: unknown) => () => criterionToSql(c as Criterion, pv);
    expect(rejection(run({ type: 'query', field: 'name" OR 1=1 --', operand: 'eq', value: 'x' })).message).toMatch(
      /^Invalid search query: unknown field 'name" OR 1=1 --'\. Allowed fields: _id, name, website, abbreviation, logo\.$/,
    );
    expect(rejection(run({ type: 'query', field: 'name', operand: 'eq; DROP TABLE x', value: 'x' })).message).toMatch(
      /unknown operand 'eq; DROP TABLE x'/,
    );
    expect(rejection(run({ type: 'query', field: 'name', operand: 'eq', value: true })).message).toBe(
      "Invalid search query: invalid value for field 'name'.",
    );
    expect(rejection(run({ type: 'filter', operator: 'OR 1=1', criteria: [] })).message).toMatch(/unknown operator 'OR 1=1'/);
    expect(rejection(run({ type: 'filter', operator: 'OR', criteria: [] })).message).toBe(
      'Invalid search query: a filter needs at least one criterion.',
    );
    expect(rejection(run({ type: 'raw', sql: '1=1' })).message).toMatch(/unknown type 'raw'/);
    expect(rejection(run(null)).message).toMatch(/unknown type ''/);
    expect(() => criterionToSql(parseCriterion(q('name', 'x'), pv), pv, 0)).toThrow(RangeError);
  });

  it('translates a hand-built single-criterion filter', () => {
    const c: Criterion = { type: 'filter', operator: 'AND', criteria: [{ type: 'query', field: 'value', operand: 'gt', value: 3 }] };
    expect(criterionToSql(c, searchFields.metrics)).toEqual({ sql: '((("m"."value") > $1::double precision))', params: [3] });
  });
});

describe('criterionToSql on PGlite: strings', () => {
  it('the ICU column really does not sort by code point, so the tests below are meaningful', async () => {
    const r = await db.query<{ id: string }>(`SELECT id FROM providers WHERE name > 'Zeta' AND id = 'p02'`);
    expect(r.rows).toEqual([]);
  });

  it('eq is case-insensitive and exact', async () => {
    expect(await search('providers', q('name', 'alpha'))).toEqual(['p01', 'p02', 'p03']);
    expect(await search('providers', q('name', 'ALPHA', 'EQ'))).toEqual(['p01', 'p02', 'p03']);
    expect(await search('providers', q('name', 'alph'))).toEqual([]);
    expect(await search('providers', q('name', 'ÉCLAIR'))).toEqual(['p18', 'p19']);
    expect(await search('providers', q('name', ' alpha'))).toEqual([]);
  });

  it('treats regex and LIKE metacharacters literally', async () => {
    const cases: [string, string[]][] = [
      ['.*', ['p05']],
      ['a.c', ['p06']],
      ['%', ['p08']],
      ['50%', ['p09']],
      ['_', ['p10']],
      ['a_c', ['p11']],
      ['^a', ['p12']],
      ['(', ['p13']],
      ['\\', ['p14']],
      ['a\\c', ['p24']],
      ['a(c', ['p25']],
      ['%alpha%', []],
      ['a%', []],
      ['alpha.*', []],
      ['^alpha$', []],
      ['[a]bc', []],
      ['a\\.c', []],
    ];
    for (const [value, ids] of cases) expect(await search('providers', q('name', value)), value).toEqual(ids);
  });

  it('SQL-injection payloads are plain values', async () => {
    expect(await search('providers', q('name', "' OR 1=1 --"))).toEqual(['p15']);
    expect(await search('providers', q('name', '"; DROP TABLE x; --'))).toEqual(['p16']);
    expect(await search('providers', q('name', "x' OR '1'='1"))).toEqual([]);
    expect(await search('providers', q('name', "'; DROP TABLE x; --", 'neq'))).toHaveLength(Object.keys(providerNames).length);
    expect(await search('providers', f('OR', q('name', "') OR (1=1"), q('logo', 'nothing')))).toEqual([]);
    expect((await db.query('SELECT count(*)::int AS n FROM x')).rows).toEqual([{ n: 1 }]);
    expect(rejection(() => parseCriterion(q('name" = name OR "name', 'x'), searchFields.providers)).message).toMatch(/unknown field/);
  });

  it('neq is exact, case-sensitive inequality (rows without a value included)', async () => {
    const all = Object.keys(providerNames).sort();
    expect(await search('providers', q('name', 'alpha', 'neq'))).toEqual(all.filter((id) => id !== 'p02'));
    expect(await search('providers', q('name', '%', 'neq'))).toEqual(all.filter((id) => id !== 'p08'));
    expect(await search('providers', q('name', 'alpha', 'neq'))).toContain('p22');
  });

  it('lt/lte/gt/gte compare by code point', async () => {
    const cp = (s: string) => Array.from(s, (ch) => ch.codePointAt(0)!);
    const cmp = (a: string, b: string) => {
      const x = cp(a);
      const y = cp(b);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
      return x.length - y.length;
    };
    const expected = (pred: (c: number) => boolean, pivot: string) =>
      Object.entries(providerNames)
        .filter(([, n]) => n !== null && pred(cmp(n, pivot)))
        .map(([id]) => id)
        .sort();
    for (const pivot of ['Zeta', 'a', 'alpha', '\uFF21', 'é', '']) {
      expect(await search('providers', q('name', pivot, 'gt')), `gt ${pivot}`).toEqual(expected((c) => c > 0, pivot));
      expect(await search('providers', q('name', pivot, 'gte')), `gte ${pivot}`).toEqual(expected((c) => c >= 0, pivot));
      expect(await search('providers', q('name', pivot, 'lt')), `lt ${pivot}`).toEqual(expected((c) => c < 0, pivot));
      expect(await search('providers', q('name', pivot, 'lte')), `lte ${pivot}`).toEqual(expected((c) => c <= 0, pivot));
    }
    // Uppercase sorts before lowercase, and an astral character after U+FF21 (UTF-16 order would say otherwise).
    expect(await search('providers', q('name', 'Zeta', 'gt'))).toContain('p02');
    expect(await search('providers', q('name', '\uFF21', 'gt'))).toEqual(['p20']);
  });

  it('project dates compare as yyyy-MM-dd strings', async () => {
    expect(await search('projects', q('start_date', '2024-01-01', 'gte'))).toEqual(['101131096']);
    expect(await search('projects', q('end_date', '2023-06-30', 'lte'))).toEqual(['777536']);
  });

  it('a number for a string field matches its string form', async () => {
    expect(await search('projects', q('_id', 777536))).toEqual(['777536']);
    expect(await search('projects', q('_id', 101017567, 'neq'))).toEqual(['101131096', '777536']);
  });

  it('maps DSL names to columns (creatorId, _id, project, organisation, resource)', async () => {
    expect(await search('metricDefinitions', q('creatorId', 'ALICE'))).toEqual(['md1', 'md2']);
    expect(await search('metricDefinitions', q('metric_type', 'count'))).toEqual(['md2', 'md3']);
    expect(await search('providers', q('_id', 'P01'))).toEqual(['p01']);
    expect(await search('installations', q('project', '101017567'))).toEqual(['i3', 'i4']);
    expect(await search('installations', q('resource', 'r1'))).toEqual(['i1', 'i3']);
    expect(await search('installations', q('external_id', 'ext-1', 'neq'))).toEqual(['i2', 'i3', 'i4']);
    expect(await search('metrics', q('project', 'p2'))).toEqual(['m3', 'm4']);
    expect(await search('metrics', q('installation', 'cnrs-1'))).toEqual(['m2', 'm4']);
    expect(await search('metrics', q('resource_id', 'P1.grnet.GRNET-KNS-1'))).toEqual(['m1']);
    expect(await search('metrics', q('resource_id', 'P1.', 'gt'))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('runs the spec example (OR of two installations queries)', async () => {
    expect(
      await search(
        'installations',
        '{"type":"filter","operator":"OR","criteria":[{"type":"query","field":"installation","values":"GRNET-KNS-1","operand":"eq"},{"type":"query","field":"organisation","values":"grnet"}]}',
      ),
    ).toEqual(['i1', 'i2', 'i3']);
  });
});

describe('criterionToSql on PGlite: numbers and dates', () => {
  it('numbers compare numerically, not as text', async () => {
    expect(await search('metrics', q('value', 9, 'gt'))).toEqual(['m1', 'm3']);
    expect(await search('metrics', q('value', 10, 'lt'))).toEqual(['m2', 'm4', 'm5']);
    expect(await search('metrics', q('value', 10.8))).toEqual(['m1']);
    expect(await search('metrics', q('value', 10.8, 'lte'))).toEqual(['m1', 'm2', 'm4', 'm5']);
    expect(await search('metrics', q('value', -1.5, 'gte'))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(await search('metrics', q('value', 2, 'neq'))).toEqual(['m1', 'm3', 'm4', 'm5']);
    expect(await search('metrics', '{"type":"query","field":"value","values":1e2}')).toEqual(['m3']);
  });

  it('dates compare as instants, whatever the session time zone', async () => {
    await db.exec(`SET TIME ZONE 'Pacific/Kiritimati'`);
    try {
      expect(await search('metrics', q('time_period_start', '2023-01-01T00:00:00Z', 'gte'))).toEqual(['m1', 'm3', 'm5']);
      expect(await search('metrics', q('time_period_start', '2023-01-01T00:00:00Z', 'gt'))).toEqual(['m3', 'm5']);
      expect(await search('metrics', q('time_period_start', '2023-01-01T00:00:00Z', 'lt'))).toEqual(['m2', 'm4']);
      expect(await search('metrics', q('time_period_start', '2023-01-01T00:00:00Z', 'lte'))).toEqual(['m1', 'm2', 'm4']);
      expect(await search('metrics', q('time_period_start', '2023-01-01T00:00:00Z'))).toEqual(['m1']);
      expect(await search('metrics', q('time_period_end', '2023-01-01T00:00:00Z', 'neq'))).toEqual(['m1', 'm3', 'm4', 'm5']);
      expect(await search('metrics', q('time_period_end', '2024-02-29T00:00:00Z', 'lt'))).toHaveLength(5);
    } finally {
      await db.exec(`SET TIME ZONE 'UTC'`);
    }
  });
});

describe('criterionToSql on PGlite: AND/OR nesting', () => {
  it('combines criteria with the right grouping', async () => {
    // P1 AND (value > 50 OR provider = GRNET): m1 only; without grouping m3 would leak in.
    expect(await search('metrics', f('AND', q('project', 'P1'), f('OR', q('value', 50, 'gt'), q('provider', 'GRNET'))))).toEqual(['m1']);
    // (P1 AND value < 5) OR (P3): m2, m5.
    expect(await search('metrics', f('or', f('and', q('project', 'P1'), q('value', 5, 'lt')), q('project', 'P3')))).toEqual(['m2', 'm5']);
    expect(
      await search(
        'metrics',
        f(
          'AND',
          q('time_period_start', '2022-01-01T00:00:00Z', 'gte'),
          f('OR', q('provider', 'cnrs'), f('AND', q('provider', 'grnet'), q('value', 100, 'lt'))),
          q('installation', 'EGI-1', 'neq'),
        ),
      ),
    ).toEqual(['m1', 'm2']);
    expect(await search('metrics', f('AND', q('project', 'P1'), q('project', 'P2')))).toEqual([]);
    expect(await search('metrics', f('OR', q('project', 'P1'), q('project', 'P2'), q('project', 'P3')))).toHaveLength(5);
  });

  it('composes with a repository WHERE clause via firstParam', async () => {
    const fields = searchFields.metrics;
    const { sql, params } = criterionToSql(parseCriterion(f('OR', q('value', 50, 'gt'), q('value', 5, 'lt')), fields), fields, 3);
    const r = await db.query<{ id: string }>(
      `SELECT m.id FROM metrics m WHERE m.resource_id LIKE $1 || '%' AND m.group_id = $2 AND ${sql} ORDER BY m.id`,
      ['P2.', 'g1', ...params],
    );
    expect(r.rows.map((row) => row.id)).toEqual(['m3', 'm4']);
  });
});

describe('criterionToSql on PGlite: every field and operand executes', () => {
  it('produces valid SQL for each allow-listed column', async () => {
    for (const collection of Object.keys(tables) as SearchCollection[])
      for (const field of searchFields[collection])
        for (const operand of OPERANDS) {
          const value = field.type === 'number' ? 1 : field.type === 'date' ? '2023-01-01T00:00:00Z' : 'x';
          await expect(search(collection, q(field.name, value, operand)), `${collection}.${field.name} ${operand}`).resolves.toBeInstanceOf(Array);
        }
  });
});
