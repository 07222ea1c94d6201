import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { MAX_SEARCH_CRITERIA, MAX_SEARCH_DEPTH, isSearchInstant, parseCriterion, type Criterion } from './dsl.js';
import { searchFields } from './fields.js';

const metrics = searchFields.metrics;
const providers = searchFields.providers;

/** The AppError a parse throws; fails the test if it does not throw one. */
function failure(body: unknown, fields = metrics): AppError {
  try {
    parseCriterion(body, fields);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
}

const message = (body: unknown, fields = metrics) => {
  const e = failure(body, fields);
  expect(e.status).toBe(400);
  return e.message;
};

const q = (field: string, values: unknown, operand?: unknown) => ({ type: 'query', field, values, operand });
const f = (operator: unknown, ...criteria: unknown[]) => ({ type: 'filter', operator, criteria });

const EMPTY = 'The request body is empty.';
const MALFORMED = 'Invalid search query: malformed JSON.';
const NEEDS = "Invalid search query: a query needs 'field' and 'values'.";
const NO_CRITERIA = 'Invalid search query: a filter needs at least one criterion.';
const type = (t: string) => `Invalid search query: unknown type '${t}'. Allowed types: query, filter.`;
const operand = (o: string) => `Invalid search query: unknown operand '${o}'. Allowed operands: eq, neq, lt, lte, gt, gte.`;
const operator = (o: string) => `Invalid search query: unknown operator '${o}'. Allowed operators: AND, OR.`;
const invalid = (fl: string) => `Invalid search query: invalid value for field '${fl}'.`;

describe('parseCriterion: accepted bodies', () => {
  it('parses the spec examples from raw text', () => {
    expect(parseCriterion('{"type":"query","field":"metric_type","values":"count","operand":"eq"}', searchFields.metricDefinitions)).toEqual({
      type: 'query',
      field: 'metric_type',
      operand: 'eq',
      value: 'count',
    });
    expect(
      parseCriterion(
        '{"type":"filter","operator":"OR","criteria":[{"type":"query","field":"installation","values":"GRNET-KNS-1","operand":"eq"},{"type":"query","field":"organisation","values":"grnet"}]}',
        searchFields.installations,
      ),
    ).toEqual({
      type: 'filter',
      operator: 'OR',
      criteria: [
        { type: 'query', field: 'installation', operand: 'eq', value: 'GRNET-KNS-1' },
        { type: 'query', field: 'organisation', operand: 'eq', value: 'grnet' },
      ],
    });
    expect(parseCriterion('{"type":"query","field":"time_period_start","values":"2023-01-01T00:00:00Z","operand":"gte"}', metrics)).toEqual({
      type: 'query',
      field: 'time_period_start',
      operand: 'gte',
      value: '2023-01-01T00:00:00Z',
    });
  });

  it('accepts an already-parsed object and a UTF-8 buffer alike', () => {
    const expected: Criterion = { type: 'query', field: 'name', operand: 'eq', value: 'x' };
    expect(parseCriterion(q('name', 'x'), providers)).toEqual(expected);
    expect(parseCriterion(Buffer.from(JSON.stringify(q('name', 'x'))), providers)).toEqual(expected);
  });

  it('matches type, operand and operator case-insensitively and normalises them', () => {
    expect(
      parseCriterion(
        f('oR', { type: 'QUERY', field: 'value', values: 1, operand: 'GtE' }, { type: 'Query', field: 'value', values: 2, operand: 'nEq' }),
        metrics,
      ),
    ).toEqual({
      type: 'filter',
      operator: 'OR',
      criteria: [
        { type: 'query', field: 'value', operand: 'gte', value: 1 },
        { type: 'query', field: 'value', operand: 'neq', value: 2 },
      ],
    });
    expect(parseCriterion({ type: 'FILTER', operator: 'and', criteria: [q('value', 1), q('value', 2)] }, metrics)).toMatchObject({
      type: 'filter',
      operator: 'AND',
    });
  });

  it('defaults the operand to eq (absent or null)', () => {
    expect(parseCriterion({ type: 'query', field: 'value', values: 3 }, metrics)).toEqual({
      type: 'query',
      field: 'value',
      operand: 'eq',
      value: 3,
    });
    expect(parseCriterion({ type: 'query', field: 'value', values: 3, operand: null }, metrics)).toMatchObject({ operand: 'eq' });
  });

  it('treats a filter with one criterion as that criterion, at any depth', () => {
    expect(parseCriterion(f('AND', q('value', 1, 'lt')), metrics)).toEqual({ type: 'query', field: 'value', operand: 'lt', value: 1 });
    expect(parseCriterion(f('OR', f('AND', f('OR', q('value', 1)))), metrics)).toEqual({
      type: 'query',
      field: 'value',
      operand: 'eq',
      value: 1,
    });
    expect(parseCriterion(f('OR', q('value', 1), f('AND', q('value', 2))), metrics)).toEqual({
      type: 'filter',
      operator: 'OR',
      criteria: [
        { type: 'query', field: 'value', operand: 'eq', value: 1 },
        { type: 'query', field: 'value', operand: 'eq', value: 2 },
      ],
    });
  });

  it('keeps deep nesting and order', () => {
    const body = f('AND', q('project', 'P1'), f('OR', q('value', 1, 'lt'), f('AND', q('provider', 'x'), q('user_id', 'u'))));
    expect(parseCriterion(JSON.stringify(body), metrics)).toEqual({
      type: 'filter',
      operator: 'AND',
      criteria: [
        { type: 'query', field: 'project', operand: 'eq', value: 'P1' },
        {
          type: 'filter',
          operator: 'OR',
          criteria: [
            { type: 'query', field: 'value', operand: 'lt', value: 1 },
            {
              type: 'filter',
              operator: 'AND',
              criteria: [
                { type: 'query', field: 'provider', operand: 'eq', value: 'x' },
                { type: 'query', field: 'user_id', operand: 'eq', value: 'u' },
              ],
            },
          ],
        },
      ],
    });
  });

  it('coerces a number for a string field to its string form', () => {
    expect(parseCriterion(q('_id', 777536), searchFields.projects)).toMatchObject({ value: '777536' });
    expect(parseCriterion('{"type":"query","field":"_id","values":1.50}', searchFields.projects)).toMatchObject({ value: '1.5' });
  });

  it('keeps string values verbatim (no trimming, metacharacters untouched)', () => {
    for (const v of ['', ' a ', '.*', '%', '_', '^a', '(', '\\', "' OR 1=1 --", '"; DROP TABLE x; --'])
      expect(parseCriterion(q('name', v), providers)).toMatchObject({ value: v });
  });

  it('ignores unknown properties, and operand on a filter / operator on a query', () => {
    expect(parseCriterion({ ...q('value', 1), operator: 'XOR', extra: { a: 1 } }, metrics)).toMatchObject({ operand: 'eq' });
    expect(parseCriterion({ ...f('OR', q('value', 1), q('value', 2)), operand: 'regex', field: 'nope' }, metrics)).toMatchObject({
      type: 'filter',
    });
  });

  it('accepts every field of every collection', () => {
    for (const fields of Object.values(searchFields))
      for (const field of fields) {
        const v = field.type === 'number' ? 1 : field.type === 'date' ? '2024-02-29T23:59:59Z' : 'x';
        expect(parseCriterion(q(field.name, v), fields)).toEqual({ type: 'query', field: field.name, operand: 'eq', value: v });
      }
  });
});

describe('parseCriterion: messages', () => {
  it('empty body', () => {
    for (const body of [undefined, null, '', '   \n\t', 'null', ' null ', Buffer.alloc(0)]) expect(message(body)).toBe(EMPTY);
  });

  it('malformed JSON or not an object', () => {
    for (const body of ['{', '{"type":"query",}', "{'type':'query'}", 'undefined', '[]', '[{"type":"query"}]', '"query"', '5', 'true', '\uFEFF{}'])
      expect(message(body)).toBe(MALFORMED);
    for (const body of [[], [q('value', 1)], 5, 'x', true]) expect(message(typeof body === 'string' ? JSON.stringify(body) : body)).toBe(MALFORMED);
  });

  it('malformed nested criteria', () => {
    expect(message(f('AND', q('value', 1), null))).toBe(MALFORMED);
    expect(message(f('AND', q('value', 1), 'x'))).toBe(MALFORMED);
    expect(message(f('AND', q('value', 1), [q('value', 2)]))).toBe(MALFORMED);
    expect(message({ type: 'filter', operator: 'AND', criteria: { 0: q('value', 1) } })).toBe(MALFORMED);
    expect(message({ type: 'filter', operator: 'AND', criteria: 'x' })).toBe(MALFORMED);
  });

  it('missing or unknown type', () => {
    expect(message({ field: 'value', values: 1 })).toBe(type(''));
    expect(message('{}')).toBe(type(''));
    expect(message({ type: null, field: 'value', values: 1 })).toBe(type('null'));
    expect(message({ type: 'regex', field: 'value', values: 1 })).toBe(type('regex'));
    expect(message({ type: 'Queries', field: 'value', values: 1 })).toBe(type('Queries'));
    expect(message({ type: 5 })).toBe(type('5'));
    expect(message({ type: ['query'] })).toBe(type('["query"]'));
    expect(message(f('AND', q('value', 1), { type: 'and' }))).toBe(type('and'));
  });

  it('unknown operand', () => {
    for (const o of ['in', 'exists', 'regex', 'like', 'ne', '==', '', ' eq']) expect(message(q('value', 1, o))).toBe(operand(o));
    expect(message(q('value', 1, 2))).toBe(operand('2'));
    expect(message(q('value', 1, false))).toBe(operand('false'));
  });

  it('unknown operator', () => {
    for (const o of ['XOR', 'NOT', '&&', '', 'AND ']) expect(message(f(o, q('value', 1), q('value', 2)))).toBe(operator(o));
    expect(message({ type: 'filter', criteria: [q('value', 1)] })).toBe(operator(''));
    expect(message(f(null, q('value', 1)))).toBe(operator('null'));
    expect(message(f(1, q('value', 1)))).toBe(operator('1'));
  });

  it("missing 'field' or 'values'", () => {
    expect(message({ type: 'query', values: 1 })).toBe(NEEDS);
    expect(message({ type: 'query', field: 'value' })).toBe(NEEDS);
    expect(message({ type: 'query', field: 'value', values: null })).toBe(NEEDS);
    expect(message({ type: 'query', field: null, values: 1 })).toBe(NEEDS);
    expect(message({ type: 'query', field: 'value', value: 1 })).toBe(NEEDS);
  });

  it('filter without criteria', () => {
    expect(message({ type: 'filter', operator: 'AND' })).toBe(NO_CRITERIA);
    expect(message({ type: 'filter', operator: 'AND', criteria: null })).toBe(NO_CRITERIA);
    expect(message(f('OR'))).toBe(NO_CRITERIA);
    expect(message(f('OR', q('value', 1), f('AND')))).toBe(NO_CRITERIA);
  });

  it('unknown field lists the allowed fields in table order', () => {
    const allowed = {
      metricDefinitions: 'metric_name, metric_description, unit_type, metric_type, creatorId',
      providers: '_id, name, website, abbreviation, logo',
      projects: '_id, acronym, title, start_date, end_date, call_identifier',
      installations: '_id, project, organisation, infrastructure, installation, resource, unit_of_access, external_id',
      metrics:
        'time_period_start, time_period_end, value, metric_definition_id, project, provider, installation, infrastructure, project_id, installation_id, resource, user_id, group_id, resource_id',
    };
    for (const [collection, list] of Object.entries(allowed))
      expect(message(q('nope', 'x'), searchFields[collection as keyof typeof allowed])).toBe(
        `Invalid search query: unknown field 'nope'. Allowed fields: ${list}.`,
      );
  });

  it('unknown field: names are exact and case-sensitive; no internal column names', () => {
    const unknown = (fl: string) => message(q(fl, 'x'), providers).split('.')[0];
    expect(unknown('Name')).toBe("Invalid search query: unknown field 'Name'");
    expect(unknown('id')).toBe("Invalid search query: unknown field 'id'");
    expect(unknown(' name')).toBe("Invalid search query: unknown field ' name'");
    expect(unknown('')).toBe("Invalid search query: unknown field ''");
    expect(unknown('__proto__')).toBe("Invalid search query: unknown field '__proto__'");
    expect(message(q('project_acronym', 'x'))).toMatch(/^Invalid search query: unknown field 'project_acronym'\./);
    expect(message(q('creator_id', 'x'), searchFields.metricDefinitions)).toMatch(/unknown field 'creator_id'/);
    expect(message({ type: 'query', field: 7, values: 'x' }, providers)).toMatch(/^Invalid search query: unknown field '7'\./);
  });

  it('invalid value: booleans anywhere', () => {
    expect(message(q('value', true))).toBe(invalid('value'));
    expect(message(q('project', false))).toBe(invalid('project'));
    expect(message(q('time_period_start', true))).toBe(invalid('time_period_start'));
  });

  it('invalid value: a string (even numeric) for a number field', () => {
    for (const v of ['10.8', '1', '', 'abc']) expect(message(q('value', v))).toBe(invalid('value'));
  });

  it('invalid value: objects and arrays', () => {
    for (const v of [{}, [], ['x'], { $regex: '.*' }]) {
      expect(message(q('project', v))).toBe(invalid('project'));
      expect(message(q('value', v))).toBe(invalid('value'));
    }
  });

  it('invalid value: non-finite numbers from a pre-parsed body', () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      expect(message(q('value', v))).toBe(invalid('value'));
      expect(message(q('project', v))).toBe(invalid('project'));
    }
  });

  it("invalid value: dates must be exactly yyyy-MM-dd'T'HH:mm:ss'Z' and a real instant", () => {
    const bad = [
      1672531200000,
      '2023-01-01',
      '2023-01-01T00:00:00',
      '2023-01-01T00:00:00.000Z',
      '2023-01-01T00:00:00z',
      '2023-01-01t00:00:00Z',
      '2023-01-01 00:00:00Z',
      '2023-01-01T00:00:00+00:00',
      ' 2023-01-01T00:00:00Z',
      '2023-01-01T00:00:00Z\n',
      '2023-1-01T00:00:00Z',
      '+2023-01-01T00:00:00Z',
      '20230-01-01T00:00:00Z',
      '2023-13-01T00:00:00Z',
      '2023-00-10T00:00:00Z',
      '2023-01-00T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2023-04-31T00:00:00Z',
      '2023-01-01T24:00:00Z',
      '2023-01-01T23:60:00Z',
      '2023-01-01T23:59:60Z',
      '0000-01-01T00:00:00Z',
      '２０２３-01-01T00:00:00Z',
      'now',
      '',
    ];
    for (const v of bad) expect(message(q('time_period_end', v))).toBe(invalid('time_period_end'));
  });

  it('date validation accepts real instants', () => {
    for (const v of ['2024-02-29T00:00:00Z', '2000-02-29T12:34:56Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'])
      expect(isSearchInstant(v)).toBe(true);
  });

  it('project dates are plain string fields', () => {
    expect(parseCriterion(q('start_date', '2023-01-01', 'gte'), searchFields.projects)).toMatchObject({ value: '2023-01-01' });
  });
});

describe('parseCriterion: precedence across the whole tree', () => {
  it('follows empty > malformed > type > operand > operator > field/values > criteria > field > value', () => {
    const badValue = q('value', 'x');
    const badField = q('nope', 1);
    const noCriteria = f('AND');
    const missing = { type: 'query', field: 'value' };
    const badOperator = f('XOR', q('value', 1), q('value', 2));
    const badOperand = q('value', 1, 'regex');
    const badType = { type: 'bogus' };
    const malformed = 42;
    const ladder: [unknown, string][] = [
      [malformed, MALFORMED],
      [badType, type('bogus')],
      [badOperand, operand('regex')],
      [badOperator, operator('XOR')],
      [missing, NEEDS],
      [noCriteria, NO_CRITERIA],
      [badField, message(badField)],
      [badValue, invalid('value')],
    ];
    // Put the lower-precedence offenders first in document order: the higher-precedence one must still win.
    for (let i = 0; i < ladder.length; i++) {
      const offenders = ladder
        .slice(i)
        .map(([b]) => b)
        .reverse();
      expect(message(f('AND', ...offenders))).toBe(ladder[i][1]);
      expect(message(f('OR', q('value', 1), f('AND', ...offenders, q('value', 2))))).toBe(ladder[i][1]);
    }
  });

  it('reports the first offender of a class in document order', () => {
    expect(message(f('AND', q('a', 1), q('b', 1)))).toMatch(/unknown field 'a'/);
    expect(message(f('AND', f('OR', q('value', 1), q('user_id', true)), q('value', 'x')))).toBe(invalid('user_id'));
  });

  it('checks the operator of a single-criterion filter before collapsing it', () => {
    expect(message(f('XOR', q('value', 1)))).toBe(operator('XOR'));
  });
});

describe('parseCriterion: hostile input never crashes', () => {
  it('limits nesting depth', () => {
    let body: unknown = q('value', 1);
    for (let i = 1; i < MAX_SEARCH_DEPTH; i++) body = f('AND', body, q('value', 2));
    expect(() => parseCriterion(body, metrics)).not.toThrow();
    expect(message(f('AND', body, q('value', 3)))).toBe(`Invalid search query: criteria may be nested at most ${MAX_SEARCH_DEPTH} levels deep.`);
    const deep = '{"type":"filter","operator":"AND","criteria":['.repeat(100_000) + ']}'.repeat(100_000);
    expect(message(deep)).toMatch(/nested at most/);
  });

  it('limits the number of criteria', () => {
    const ok = f('OR', ...Array.from({ length: MAX_SEARCH_CRITERIA - 1 }, (_, i) => q('value', i)));
    expect(() => parseCriterion(ok, metrics)).not.toThrow();
    const tooMany = f('OR', ...Array.from({ length: MAX_SEARCH_CRITERIA }, (_, i) => q('value', i)));
    expect(message(JSON.stringify(tooMany))).toBe(`Invalid search query: at most ${MAX_SEARCH_CRITERIA} criteria are allowed.`);
  });

  it('survives a cyclic pre-parsed object', () => {
    const cyclic: Record<string, unknown> = { type: 'filter', operator: 'AND' };
    cyclic.criteria = [cyclic, cyclic];
    expect(message(cyclic)).toMatch(/^Invalid search query: /);
  });

  it('does not read inherited properties', () => {
    const body = JSON.parse('{"__proto__":{"type":"query","field":"value","values":1}}');
    expect(message(body)).toBe(type(''));
    expect(message(Object.create({ type: 'query', field: 'value', values: 1 }))).toBe(type(''));
  });

  it('only ever throws a 400 AppError on random input', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const atoms = [
      null,
      true,
      false,
      0,
      -1,
      1.5,
      '',
      'x',
      'query',
      'filter',
      'QUERY',
      'and',
      'OR',
      'eq',
      'gte',
      'value',
      'project',
      '2023-01-01T00:00:00Z',
    ];
    const keys = ['type', 'field', 'values', 'operand', 'operator', 'criteria', 'other'];
    const gen = (depth: number): unknown => {
      const k = rnd(depth > 3 ? 2 : 5);
      if (k < 2) return atoms[rnd(atoms.length)];
      if (k === 2) return Array.from({ length: rnd(4) }, () => gen(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rnd(6); i > 0; i--) o[keys[rnd(keys.length)]] = gen(depth + 1);
      return o;
    };
    for (let i = 0; i < 3000; i++) {
      const body = gen(0);
      try {
        parseCriterion(i % 2 ? (JSON.stringify(body) ?? '') : body, metrics);
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).status).toBe(400);
      }
    }
  });
});
