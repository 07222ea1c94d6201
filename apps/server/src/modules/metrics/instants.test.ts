import { describe, expect, it } from 'vitest';
import { formatInstant, nextDayStart, parseZulu } from './instants.js';

describe('parseZulu', () => {
  it('accepts ISO-8601 instants with Z, with or without fractional seconds', () => {
    expect(parseZulu('2022-01-05T09:13:07Z')?.toISOString()).toBe('2022-01-05T09:13:07.000Z');
    expect(parseZulu('2022-01-05T09:13:07.5Z')?.toISOString()).toBe('2022-01-05T09:13:07.500Z');
    expect(parseZulu('2024-02-29T23:59:59.123456Z')?.toISOString()).toBe('2024-02-29T23:59:59.123Z');
  });

  it('refuses other forms and impossible instants', () => {
    for (const v of [
      '2022-01-05T09:13:07',
      '2022-01-05T09:13:07+00:00',
      '2022-01-05 09:13:07Z',
      '2022-01-05T09:13Z',
      '2022-01-05t09:13:07z',
      '2022-01-05',
      '2023-02-29T00:00:00Z',
      '2022-13-01T00:00:00Z',
      '2022-01-05T24:00:00Z',
      '2022-01-05T23:60:00Z',
      ' 2022-01-05T09:13:07Z',
      'now',
    ])
      expect(parseZulu(v), v).toBeUndefined();
  });
});

describe('formatInstant', () => {
  it('drops zero milliseconds and keeps others', () => {
    expect(formatInstant(new Date('2022-01-05T09:13:07.000Z'))).toBe('2022-01-05T09:13:07Z');
    expect(formatInstant(new Date('2022-01-05T09:13:07.250Z'))).toBe('2022-01-05T09:13:07.250Z');
  });
});

describe('nextDayStart', () => {
  it('crosses month and leap-day boundaries', () => {
    expect(nextDayStart('2024-02-28').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(nextDayStart('2024-12-31').toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });
});
