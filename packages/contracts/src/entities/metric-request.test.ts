import { describe, expect, it } from 'vitest';
import {
  judgeBulkElement,
  metricBulkItems,
  MetricRequestFields,
  pushVerdicts,
  requestedDefinition,
  sentFields,
  sentOfBulkElement,
} from './metric-request.js';

describe('bulk elements', () => {
  const elements: unknown[] = [
    { metric_definition_id: 'd', time_period_start: '2023-01-01T00:00:00Z', time_period_end: '2023-01-01T01:00:00.5Z', value: 3 },
    { metric_definition_id: 7, time_period_start: '2023-02-30T00:00:00Z', time_period_end: 'x', value: 'abc', group_id: 5, user_id: ' ' },
    { metric_definition_id: '', time_period_start: null, value: null, group_id: 'x'.repeat(256), unknown: true },
    { metric_definition_id: ['d'], time_period_start: 20230101, time_period_end: '2023-01-01T00:00:00.123456789Z', value: '1e16' },
    { metric_definition_id: 'd\u0000', group_id: null, user_id: 'u', value: ' 2.5 ' },
    { metric_definition_id: 'x'.repeat(256) },
    {},
    [],
    'text',
    null,
  ];

  it("are judged exactly as the single push's schema judges a request", () => {
    const expected = elements.map((el) => (el === null ? null : MetricRequestFields.parse(typeof el === 'object' && !Array.isArray(el) ? el : {})));
    const judged = elements.map(judgeBulkElement);
    expect(judged).toEqual(expected);
    // Key order too: the idempotency hash reads the fields in order.
    expect(judged.map((v) => v && Object.keys(v))).toEqual(expected.map((v) => v && Object.keys(v)));
  });

  it('name the definition that rule 1 lets through', () => {
    const now = new Date();
    expect(elements.map(requestedDefinition)).toEqual(
      elements.map((el) => {
        const fields = judgeBulkElement(el);
        const definition = fields && pushVerdicts(fields, now).definition;
        return definition?.ok ? definition.value : undefined;
      }),
    );
  });

  it('give what they sent, for the idempotency hash, as their judged fields do', () => {
    const sent = elements.map(sentOfBulkElement);
    expect(sent).toEqual(
      elements.map((el) => {
        const fields = judgeBulkElement(el);
        return fields && sentFields(fields);
      }),
    );
    expect(sent.map((v) => v && Object.keys(v))).toEqual(elements.map((el) => judgeBulkElement(el)).map((f) => f && Object.keys(sentFields(f))));
  });

  it('are handed over as sent once the array passes its rules', () => {
    expect(metricBulkItems.parse(elements)).toEqual({ ok: true, value: elements });
    expect(metricBulkItems.parse([]).ok).toBe(false);
    expect(metricBulkItems.parse({}).ok).toBe(false);
  });
});
