import { describe, expect, it } from 'vitest';
import { AuthCache } from './auth-cache.js';

/** A loader that counts its calls and answers `value` (or fails with it when it is an Error). */
const loader = (value: unknown = 'v') => {
  const calls = { n: 0 };
  const load = async () => {
    calls.n++;
    if (value instanceof Error) throw value;
    return value;
  };
  return { calls, load };
};

describe('AuthCache', () => {
  it('with a TTL of 0 loads every time', async () => {
    const cache = new AuthCache(0);
    const { calls, load } = loader();
    await cache.get('k', load);
    await cache.get('k', load);
    expect(calls.n).toBe(2);
  });

  it('remembers a value for the TTL, then loads again', async () => {
    const clock = { t: 1_000, now: () => clock.t };
    const cache = new AuthCache(5_000, { clock });
    const { calls, load } = loader('x');
    expect(await cache.get('k', load)).toBe('x');
    clock.t += 4_999;
    expect(await cache.get('k', load)).toBe('x');
    expect(calls.n).toBe(1);
    clock.t += 2;
    await cache.get('k', load);
    expect(calls.n).toBe(2);
  });

  it('keeps keys apart and shares one load between concurrent misses', async () => {
    const cache = new AuthCache(60_000);
    const a = loader('a');
    const b = loader('b');
    expect(await Promise.all([cache.get('a', a.load), cache.get('a', a.load), cache.get('b', b.load)])).toEqual(['a', 'a', 'b']);
    expect([a.calls.n, b.calls.n]).toEqual([1, 1]);
  });

  it('never serves a failed load from the cache', async () => {
    const cache = new AuthCache(60_000);
    const failing = loader(new Error('database down'));
    await expect(cache.get('k', failing.load)).rejects.toThrow('database down');
    const ok = loader('back');
    expect(await cache.get('k', ok.load)).toBe('back');
  });

  it('forgets everything on invalidate, including a load still in flight', async () => {
    const cache = new AuthCache(60_000);
    const { calls, load } = loader('old');
    await cache.get('k', load);
    cache.invalidate();
    await cache.get('k', load);
    expect(calls.n).toBe(2);

    let release!: (v: string) => void;
    const inFlight = cache.get('slow', () => new Promise<string>((r) => (release = r)));
    cache.invalidate();
    release('read before the change');
    expect(await inFlight).toBe('read before the change');
    expect(await cache.get('slow', async () => 'read after the change')).toBe('read after the change');
  });

  it('is bounded: the least recently used entry goes first', async () => {
    const cache = new AuthCache(60_000, { max: 2 });
    const a = loader('a');
    const b = loader('b');
    await cache.get('a', a.load);
    await cache.get('b', b.load);
    await cache.get('a', a.load);
    await cache.get('c', async () => 'c');
    await cache.get('a', a.load);
    expect(a.calls.n).toBe(1);
    await cache.get('b', b.load);
    expect(b.calls.n).toBe(2);
  });
});
