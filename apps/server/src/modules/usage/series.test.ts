import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sumDecimals } from '../reports/decimal.js';
import { exactSum } from './series.js';

describe('exactSum', () => {
  it('equals the BigInt sum for any decimal texts, on its fast path and off it', () => {
    const decimal = fc.tuple(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.integer({ min: 0, max: 9 })).map(([units, scale]) =>
      sumDecimals([
        `${units < 0n ? '-' : ''}${(units < 0n ? -units : units)
          .toString()
          .padStart(scale + 1, '0')
          .replace(new RegExp(`(\\d{${scale}})$`), scale ? '.$1' : '$1')}`,
      ]),
    );
    fc.assert(
      fc.property(fc.array(decimal, { maxLength: 40 }), (texts) => {
        expect(exactSum(texts)).toBe(sumDecimals(texts));
      }),
      { numRuns: 500 },
    );
  });

  it('has no binary noise', () => {
    expect(exactSum(['0.1', '0.2'])).toBe('0.3');
    expect(exactSum(['20102.8', '20102.8', '20102.8'])).toBe('60308.4');
    expect(exactSum(['-0.5', '0.25'])).toBe('-0.25');
    expect(exactSum([])).toBe('0');
  });
});
