import type { DataSource } from 'typeorm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EoscProviderClient } from './eosc-client.js';
import { msUntilNextMidnightUtc, ProviderSync } from './provider-sync.js';

/** A registry with nothing to sync, counting calls; the database is never touched for an empty list. */
const countingClient = () => {
  const calls = { n: 0 };
  const client = {
    fetchAll: async () => {
      calls.n++;
      return { providers: [], skipped: 0 };
    },
  } as unknown as EoscProviderClient;
  return { client, calls };
};
const noDb = { manager: {} } as DataSource;

describe('msUntilNextMidnightUtc', () => {
  it('counts to the next 00:00 UTC, a full day at midnight itself', () => {
    expect(msUntilNextMidnightUtc(new Date('2024-03-10T23:59:59.000Z'))).toBe(1000);
    expect(msUntilNextMidnightUtc(new Date('2024-03-10T00:00:00.000Z'))).toBe(24 * 3600_000);
    expect(msUntilNextMidnightUtc(new Date('2024-12-31T12:00:00.000Z'))).toBe(12 * 3600_000);
    expect(msUntilNextMidnightUtc(new Date('2024-02-28T18:30:00.000Z'))).toBe(5.5 * 3600_000);
  });
});

describe('ProviderSync schedule', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs at start, then at each midnight UTC, and not after stop()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const start = new Date('2024-05-01T22:00:00.000Z');
    let now = start;
    const { client, calls } = countingClient();
    const synced = vi.fn();
    const sync = new ProviderSync({
      db: noDb,
      client,
      onError: (e) => {
        throw e;
      },
      onSynced: synced,
      now: () => now,
    });

    await sync.start();
    expect(calls.n).toBe(1);
    expect(synced).toHaveBeenCalledWith({ upserted: 0, skipped: 0 });

    await vi.advanceTimersByTimeAsync(2 * 3600_000 - 1);
    expect(calls.n).toBe(1);
    now = new Date('2024-05-02T00:00:00.000Z');
    await vi.advanceTimersByTimeAsync(1);
    await sync.idle();
    expect(calls.n).toBe(2);

    now = new Date('2024-05-03T00:00:00.000Z');
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    await sync.idle();
    expect(calls.n).toBe(3);

    await sync.stop();
    await vi.advanceTimersByTimeAsync(3 * 24 * 3600_000);
    expect(calls.n).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports a failed run through onError and keeps the schedule', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const errors: unknown[] = [];
    const client = { fetchAll: async () => Promise.reject(new Error('registry down')) } as unknown as EoscProviderClient;
    const sync = new ProviderSync({ db: noDb, client, onError: (e) => errors.push(e), now: () => new Date('2024-05-01T12:00:00Z') });
    await sync.start();
    expect(errors.map(String)).toEqual(['Error: registry down']);
    expect(vi.getTimerCount()).toBe(1);
    await sync.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
