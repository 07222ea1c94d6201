import { describe, expect, it } from 'vitest';
import { currentPeriodStart, dueAt, localDate, periodEnd, periodStart } from './periods.js';

const at = (iso: string) => Date.parse(iso);

describe('report periods', () => {
  it('start weeks on Monday and months on the first, stepping over year ends and leap days', () => {
    expect(periodStart('2024-03-31', 'week')).toBe('2024-03-25');
    expect(periodStart('2024-04-01', 'week')).toBe('2024-04-01');
    expect(periodStart('2025-01-01', 'week')).toBe('2024-12-30');
    expect(periodEnd('2024-12-30', 'week')).toBe('2025-01-06');
    expect(periodStart('2024-02-29', 'month')).toBe('2024-02-01');
    expect(periodEnd('2024-02-01', 'month')).toBe('2024-03-01');
    expect(periodEnd('2024-12-01', 'month')).toBe('2025-01-01');
  });

  it('read "now" as a local date of the zone', () => {
    // Monday 00:30 in Athens (EEST since the night before) is still Sunday in UTC.
    expect(localDate(at('2024-03-31T21:30:00Z'), 'Europe/Athens')).toBe('2024-04-01');
    expect(currentPeriodStart(at('2024-03-31T21:30:00Z'), 'week', 'Europe/Athens')).toBe('2024-04-01');
    expect(currentPeriodStart(at('2024-03-31T21:30:00Z'), 'week', 'UTC')).toBe('2024-03-25');
    // 1 November 00:30 in Athens (EET again after 27 October) is 31 October 22:30Z.
    expect(currentPeriodStart(at('2024-10-31T22:30:00Z'), 'month', 'Europe/Athens')).toBe('2024-11-01');
    expect(currentPeriodStart(at('2024-10-31T22:30:00Z'), 'month', 'UTC')).toBe('2024-10-01');
    expect(currentPeriodStart(at('2024-11-01T03:30:00Z'), 'month', 'America/New_York')).toBe('2024-10-01');
  });

  it('are due at their local end, and east of UTC not before their last UTC day is over', () => {
    expect(new Date(dueAt('2024-11-01', 'America/New_York')).toISOString()).toBe('2024-11-01T04:00:00.000Z');
    expect(new Date(dueAt('2024-11-04', 'America/New_York')).toISOString()).toBe('2024-11-04T05:00:00.000Z');
    expect(new Date(dueAt('2024-04-01', 'Europe/Athens')).toISOString()).toBe('2024-04-01T00:00:00.000Z');
    expect(new Date(dueAt('2024-04-01', 'UTC')).toISOString()).toBe('2024-04-01T00:00:00.000Z');
  });
});
