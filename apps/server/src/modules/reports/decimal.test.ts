import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sumDecimals } from './decimal.js';

describe('sumDecimals', () => {
  it('adds exactly where binary floating point drifts', () => {
    expect(sumDecimals(Array(10).fill('0.1'))).toBe('1');
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['60000.1', '308.3'])).toBe('60308.4');
  });

  it('handles signs, scales, trailing zeros and the empty sum', () => {
    expect(sumDecimals([])).toBe('0');
    expect(sumDecimals(['1.2500', '-1.25'])).toBe('0');
    expect(sumDecimals(['-0.5', '0.25'])).toBe('-0.25');
    expect(sumDecimals(['-3', '-0.000001'])).toBe('-3.000001');
    expect(sumDecimals(['12345678901234567890.5', '0.5'])).toBe('12345678901234567891');
  });

  it('refuses text that is not a plain decimal', () => {
    expect(() => sumDecimals(['1e5'])).toThrow('Not a plain decimal');
    expect(() => sumDecimals(['NaN'])).toThrow('Not a plain decimal');
  });

  it('agrees with integer arithmetic on scaled values', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n })), fc.integer({ min: 0, max: 12 }), (units, scale) => {
        const text = (u: bigint) => {
          const digits = (u < 0n ? -u : u).toString().padStart(scale + 1, '0');
          return `${u < 0n ? '-' : ''}${digits.slice(0, digits.length - scale)}${scale ? `.${digits.slice(digits.length - scale)}` : ''}`;
        };
        const total = units.reduce((a, b) => a + b, 0n);
        expect(sumDecimals(units.map(text))).toBe(sumDecimals([text(total)]));
      }),
    );
  });
});
