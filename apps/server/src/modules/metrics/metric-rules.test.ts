import { describe, expect, it } from 'vitest';
import { metricChanges, MetricRequestFields, pushVerdicts } from '@acc/contracts';
import { checkMetric as checkVerdicts, checkNewTimes } from './metric-rules.js';

const now = new Date('2024-06-01T00:00:00Z');
const known = new Set(['d1']);

/** The request as the contract parses it, then rule 2 against `known`: the whole push check of §4.7. */
const checkMetric = (raw: Record<string, unknown>, definitions: ReadonlySet<string>, at: Date) =>
  checkVerdicts(pushVerdicts(MetricRequestFields.parse(raw), at), definitions);
const parseMetricChanges = (raw: Record<string, unknown>) => {
  const r = metricChanges(MetricRequestFields.parse(raw));
  return r.ok ? { ok: true as const, changes: r.value } : { ok: false as const, violation: { status: 400, message: r.message } };
};
const ok = { metric_definition_id: 'd1', time_period_start: '2024-01-01T00:00:00Z', time_period_end: '2024-01-02T00:00:00Z', value: 10.8 };

const failure = (raw: Record<string, unknown>) => {
  const r = checkMetric(raw, known, now);
  if (r.ok) throw new Error(`expected ${JSON.stringify(raw)} to fail`);
  return [r.violation.status, r.violation.message];
};

describe('checkMetric: the seven push rules in order (§4.7)', () => {
  it('rule 1 before everything', () => {
    expect(failure({ time_period_start: 'x', time_period_end: '' })).toEqual([400, 'metric_definition_id may not be empty.']);
    expect(failure({ ...ok, metric_definition_id: '  ' })).toEqual([400, 'metric_definition_id may not be empty.']);
    expect(failure({ ...ok, metric_definition_id: null })).toEqual([400, 'metric_definition_id may not be empty.']);
  });

  it('rule 2 (404) before the timestamp rules', () => {
    expect(failure({ metric_definition_id: 'nope', time_period_start: '', time_period_end: 'x' })).toEqual([
      404,
      'There is no Metric Definition with the following id: nope',
    ]);
  });

  it('rule 3: start before end', () => {
    expect(failure({ metric_definition_id: 'd1' })).toEqual([400, 'time_period_start may not be empty.']);
    expect(failure({ metric_definition_id: 'd1', time_period_start: 'garbage' })).toEqual([400, 'time_period_end may not be empty.']);
  });

  it('rule 4: start before end, echoing the value', () => {
    expect(failure({ ...ok, time_period_start: '2024-01-01', time_period_end: 'x' })).toEqual([
      400,
      'time_period_start must be a valid zulu timestamp. found: 2024-01-01',
    ]);
    expect(failure({ ...ok, time_period_end: '2024-01-02T00:00:00+01:00' })).toEqual([
      400,
      'time_period_end must be a valid zulu timestamp. found: 2024-01-02T00:00:00+01:00',
    ]);
    expect(failure({ ...ok, time_period_end: 1704153600 })).toEqual([400, 'time_period_end must be a valid zulu timestamp. found: 1704153600']);
  });

  it('rules 5, 6 and 7', () => {
    expect(failure({ ...ok, time_period_end: '2024-06-01T00:00:01Z' })).toEqual([400, 'Timestamp cannot be after the current date-time.']);
    expect(failure({ ...ok, time_period_start: '2025-01-01T00:00:00Z', time_period_end: '2024-01-01T00:00:00Z' })).toEqual([
      400,
      'Timestamp cannot be after the current date-time.',
    ]);
    expect(failure({ ...ok, time_period_end: ok.time_period_start })).toEqual([
      400,
      'Timestamp of the starting date time cannot be equal to Timestamp of the end date time.',
    ]);
    expect(failure({ ...ok, time_period_start: ok.time_period_end, time_period_end: ok.time_period_start })).toEqual([
      400,
      'Timestamp of the starting date time cannot be after of Timestamp of the end date time.',
    ]);
  });

  it('accepts now itself, numeric strings for value and numbers for ids', () => {
    const r = checkMetric({ ...ok, time_period_end: '2024-06-01T00:00:00Z', value: '10.8', group_id: 7, user_id: '' }, known, now);
    expect(r).toEqual({
      ok: true,
      metric: {
        metricDefinitionId: 'd1',
        timePeriodStart: new Date('2024-01-01T00:00:00Z'),
        timePeriodEnd: new Date('2024-06-01T00:00:00Z'),
        value: 10.8,
        groupId: '7',
        userId: null,
      },
    });
  });

  it('defaults value to 0 and allows negatives; refuses non-numbers', () => {
    const value = (v: unknown) => {
      const r = checkMetric({ ...ok, value: v }, known, now);
      return r.ok ? r.metric.value : r.violation.message;
    };
    expect(value(undefined)).toBe(0);
    expect(value(null)).toBe(0);
    expect(value(-3.5)).toBe(-3.5);
    expect(value('abc')).toBe('value must be a number.');
    expect(value(true)).toBe('value must be a number.');
    expect(failure({ ...ok, group_id: { a: 1 } })).toEqual([400, 'group_id must be a string.']);
  });
});

describe('PATCH rules (§4.7)', () => {
  const stored = { start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-01-02T00:00:00Z') };
  const times = (raw: Record<string, unknown>) => {
    const parsed = parseMetricChanges(raw);
    if (!parsed.ok) return parsed.violation.message;
    return checkNewTimes(parsed.changes, stored, now);
  };

  it('ignores blank and null values', () => {
    expect(parseMetricChanges({ metric_definition_id: '', time_period_start: null, value: '', group_id: ' ' })).toEqual({ ok: true, changes: {} });
  });

  it('checks the zulu format of given bounds', () => {
    expect(times({ time_period_end: 'yesterday' })).toBe('time_period_end must be a valid zulu timestamp. found: yesterday');
  });

  it('future first, then ordering against the stored bounds, then equality', () => {
    expect(times({ time_period_start: '2030-01-01T00:00:00Z' })).toBe('Timestamp cannot be after the current date-time.');
    expect(times({ time_period_start: '2024-01-03T00:00:00Z' })).toBe(
      'Timestamp of the starting date time cannot be after of Timestamp of the end date time.',
    );
    expect(times({ time_period_end: '2023-12-31T00:00:00Z' })).toBe(
      'Timestamp of the end date time cannot be before of Timestamp of the starting date time.',
    );
    expect(times({ time_period_start: '2024-03-02T00:00:00Z', time_period_end: '2024-03-01T00:00:00Z' })).toBe(
      'Timestamp of the starting date time cannot be after of Timestamp of the end date time.',
    );
    expect(times({ time_period_start: '2024-01-02T00:00:00Z' })).toBe(
      'Timestamp of the starting date time cannot be equal to Timestamp of the end date time.',
    );
    expect(times({ time_period_end: '2024-01-01T00:00:00Z' })).toBe(
      'Timestamp of the starting date time cannot be equal to Timestamp of the end date time.',
    );
    expect(times({ time_period_start: '2024-03-01T00:00:00Z', time_period_end: '2024-03-05T00:00:00Z' })).toBeUndefined();
  });
});
