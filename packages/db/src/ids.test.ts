import { describe, expect, it } from 'vitest';
import { newObjectId } from './ids.js';

describe('newObjectId', () => {
  it('is 24 lowercase hex characters with the current time in its first 4 bytes', () => {
    const id = newObjectId();
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(Math.abs(parseInt(id.slice(0, 8), 16) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('sorts in creation order within a process', () => {
    const ids = Array.from({ length: 10_000 }, () => newObjectId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
