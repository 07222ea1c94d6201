import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@acc/db';
import { isDatabaseUnavailable } from '../src/db-errors.js';
import { retriedTransaction } from '../src/transaction.js';
import { freshDatabase } from './support/database.js';

interface Gate {
  promise: Promise<void>;
  open: () => void;
}
const gate = (): Gate => {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
};

const failure = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

describe('retriedTransaction on PostgreSQL', () => {
  let database: Database;

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    await database.dataSource.query('CREATE TABLE deadlock_probe (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)');
  }, 60_000);
  afterAll(() => database?.close());

  it('runs again the transaction PostgreSQL aborted as a deadlock victim, and both commit', async () => {
    const db = database.dataSource;
    await db.query('DELETE FROM deadlock_probe');
    await db.query('INSERT INTO deadlock_probe (id) VALUES (1), (2)');
    const holding = [gate(), gate()];
    let runs = 0;
    // Each takes its first row, waits until the other holds its own, then asks for the other's: a real
    // deadlock, which PostgreSQL breaks (after deadlock_timeout) by aborting one of them with 40P01.
    const crosswise = (first: number, second: number, mine: Gate, theirs: Gate) =>
      retriedTransaction(db, async (m) => {
        runs++;
        await m.query('UPDATE deadlock_probe SET n = n + 1 WHERE id = $1', [first]);
        mine.open();
        await theirs.promise;
        await m.query('UPDATE deadlock_probe SET n = n + 1 WHERE id = $1', [second]);
      });
    await Promise.all([crosswise(1, 2, holding[0], holding[1]), crosswise(2, 1, holding[1], holding[0])]);
    expect(runs).toBe(3);
    expect(await db.query('SELECT id, n FROM deadlock_probe ORDER BY id')).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('gives up after the third conflict with an error that answers 503, and rolls each run back', async () => {
    const db = database.dataSource;
    await db.query('DELETE FROM deadlock_probe');
    let runs = 0;
    const err = await retriedTransaction(db, async (m) => {
      runs++;
      await m.query('INSERT INTO deadlock_probe (id) VALUES ($1)', [runs]);
      throw failure(runs % 2 === 0 ? '40001' : '40P01');
    }).catch((e: unknown) => e);
    expect(runs).toBe(3);
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(await db.query('SELECT count(*)::int AS n FROM deadlock_probe')).toEqual([{ n: 0 }]);
  });

  it('does not run again a transaction that failed for any other reason', async () => {
    const db = database.dataSource;
    let runs = 0;
    const err = await retriedTransaction(db, () => {
      runs++;
      return Promise.reject(failure('23505'));
    }).catch((e: unknown) => e);
    expect(runs).toBe(1);
    expect((err as { code?: string }).code).toBe('23505');
  });
});
