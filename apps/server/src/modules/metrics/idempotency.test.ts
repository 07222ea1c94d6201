import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { canonicalJson, idempotencyKeyOf, requestHash } from './idempotency.js';

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('makes key order irrelevant to the hash but not values or array order', () => {
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
    expect(requestHash({ a: 1, b: 2 })).not.toBe(requestHash({ a: 1, b: 3 }));
    expect(requestHash([1, 2])).not.toBe(requestHash([2, 1]));
  });
});

describe('idempotencyKeyOf', () => {
  const message = (v: string) => {
    try {
      idempotencyKeyOf({ 'idempotency-key': v });
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      return (e as AppError).message;
    }
    return 'accepted';
  };

  it('is optional', () => {
    expect(idempotencyKeyOf({})).toBeUndefined();
  });

  it('accepts 1 to 255 printable ASCII characters', () => {
    expect(message('k')).toBe('accepted');
    expect(message(' ~!"#key with spaces')).toBe('accepted');
    expect(message('x'.repeat(255))).toBe('accepted');
  });

  it('refuses empty, too long and non-printable keys', () => {
    for (const v of ['', 'x'.repeat(256), 'tab\there', 'caf\u00e9', 'bell\u0007'])
      expect(message(v)).toBe('Idempotency-Key must be 1 to 255 printable ASCII characters.');
  });
});
