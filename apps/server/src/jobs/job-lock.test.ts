import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@acc/db';
import { freshDatabase } from '../../test/support/database.js';
import { underJobLock } from './background.js';

describe('underJobLock on PostgreSQL (the EOSC sync and exclusive jobs)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase('postgres');
  });
  afterAll(() => db?.close());

  it('runs one holder at a time: a second caller skips while the first runs, and runs once it is done', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = underJobLock(db.dataSource, 'postgres', 'test-job', async () => {
      started();
      await held;
    });
    await running;
    let ran = false;
    expect(await underJobLock(db.dataSource, 'postgres', 'test-job', async () => void (ran = true))).toBe(false);
    expect(ran).toBe(false);
    // Another job's lock is its own.
    expect(await underJobLock(db.dataSource, 'postgres', 'other-job', async () => {})).toBe(true);
    release();
    expect(await first).toBe(true);
    expect(await underJobLock(db.dataSource, 'postgres', 'test-job', async () => void (ran = true))).toBe(true);
    expect(ran).toBe(true);
  });
});
