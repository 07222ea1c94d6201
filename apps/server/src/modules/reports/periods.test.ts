import { describe, expect, it } from 'vitest';
import { splitPeriods, type CapacityPoint } from './periods.js';

const at = (day: string) => new Date(`${day}T00:00:00Z`);
const cap = (day: string, value: string): CapacityPoint => ({ registeredOn: at(day), value });
const show = (periods: ReturnType<typeof splitPeriods>) =>
  periods.map((p) => [p.from.toISOString().slice(0, 10), p.to.toISOString().slice(0, 10), p.capacity]);

const S = at('2024-01-01');
const E = at('2024-12-31');

describe('splitPeriods (§5)', () => {
  it('is the whole window without capacity when there are no capacities', () => {
    expect(show(splitPeriods(S, E, []))).toEqual([['2024-01-01', '2024-12-31', null]]);
  });

  it('applies a capacity registered before the window to all of it', () => {
    expect(show(splitPeriods(S, E, [cap('2023-06-01', '10')]))).toEqual([['2024-01-01', '2024-12-31', '10']]);
  });

  it('applies a capacity registered exactly at the start to all of it', () => {
    expect(show(splitPeriods(S, E, [cap('2024-01-01', '10')]))).toEqual([['2024-01-01', '2024-12-31', '10']]);
  });

  it('leads with a capacity-less period up to the first capacity', () => {
    expect(show(splitPeriods(S, E, [cap('2024-07-01', '10')]))).toEqual([
      ['2024-01-01', '2024-07-01', null],
      ['2024-07-01', '2024-12-31', '10'],
    ]);
  });

  it('splits at every capacity change inside the window', () => {
    expect(show(splitPeriods(S, E, [cap('2024-03-01', '1'), cap('2024-09-01', '2')]))).toEqual([
      ['2024-01-01', '2024-03-01', null],
      ['2024-03-01', '2024-09-01', '1'],
      ['2024-09-01', '2024-12-31', '2'],
    ]);
  });

  it('stops at the end when the next capacity comes after it', () => {
    expect(show(splitPeriods(S, E, [cap('2023-01-01', '1'), cap('2025-02-01', '2')]))).toEqual([['2024-01-01', '2024-12-31', '1']]);
    expect(show(splitPeriods(S, E, [cap('2024-03-01', '1'), cap('2025-02-01', '2')]))).toEqual([
      ['2024-01-01', '2024-03-01', null],
      ['2024-03-01', '2024-12-31', '1'],
    ]);
  });

  it('skips capacities superseded before the window', () => {
    expect(show(splitPeriods(S, E, [cap('2023-01-01', '1'), cap('2023-06-01', '2'), cap('2024-05-01', '3')]))).toEqual([
      ['2024-01-01', '2024-05-01', '2'],
      ['2024-05-01', '2024-12-31', '3'],
    ]);
  });

  it('has only the capacity-less period when every capacity comes after the window', () => {
    expect(show(splitPeriods(S, E, [cap('2025-03-01', '1')]))).toEqual([['2024-01-01', '2024-12-31', null]]);
    expect(show(splitPeriods(S, E, [cap('2024-12-31', '1')]))).toEqual([['2024-01-01', '2024-12-31', null]]);
  });

  describe('equal start and end', () => {
    const D = at('2024-03-01');

    it('keeps the zero-length period without capacities', () => {
      expect(show(splitPeriods(D, D, []))).toEqual([['2024-03-01', '2024-03-01', null]]);
    });

    it('keeps the zero-length period under a capacity whose successor comes later', () => {
      expect(show(splitPeriods(D, D, [cap('2023-06-01', '1'), cap('2024-07-01', '2')]))).toEqual([['2024-03-01', '2024-03-01', '1']]);
    });

    it('yields no period when the only capacity is older (the loop reaches E at once)', () => {
      expect(show(splitPeriods(D, D, [cap('2024-01-01', '1')]))).toEqual([]);
    });

    it('yields the capacity-less period when the capacity comes later', () => {
      expect(show(splitPeriods(D, D, [cap('2024-05-01', '1')]))).toEqual([['2024-03-01', '2024-03-01', null]]);
    });
  });
});
