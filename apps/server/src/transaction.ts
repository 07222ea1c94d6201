import pRetry from 'p-retry';
import type { DataSource, EntityManager } from 'typeorm';
import { isTransientConflict } from './db-errors.js';

/**
 * Writes that touch shared rollup buckets can lose a lock race to another writer: PostgreSQL then
 * aborts one transaction with deadlock_detected (40P01) or, under stricter isolation,
 * serialization_failure (40001), and its docs ask the application to run it again. An update adds the
 * new rows' buckets and then subtracts the old ones in two statements, so it can meet a bulk push that
 * holds them in the other order. The whole transaction is re-run, briefly and with jitter so the two do
 * not collide again; anything else, or a third conflict, propagates (a conflict then answers 503).
 */
const RETRY = { retries: 2, minTimeout: 10, maxTimeout: 100, factor: 3, randomize: true } as const;

/** `db.transaction(work)`, re-run when PostgreSQL picks it as a deadlock or serialization victim. `work` must only touch the database. */
export function retriedTransaction<T>(db: DataSource, work: (m: EntityManager) => Promise<T>): Promise<T> {
  return pRetry(() => db.transaction(work), { ...RETRY, shouldRetry: ({ error }) => isTransientConflict(error) });
}
