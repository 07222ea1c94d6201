import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@acc/db';
import { backends, freshDatabase } from '../../../test/support/database.js';
import { expireIdempotencyKeys } from './idempotency.js';

describe.each(backends)('idempotency key expiry (%s)', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(backend);
  });
  afterAll(() => db?.close());

  it('deletes the keys older than 24 hours, in batches, and keeps the others', async () => {
    const q = (sql: string, params?: unknown[]) => db.dataSource.query(sql, params);
    await q(
      `INSERT INTO idempotency_keys (caller_id, route, key, request_hash, status, created_at)
       SELECT 'c', 'POST /x', 'old-' || i, 'h', 201, clock_timestamp() - interval '25 hours' FROM generate_series(1, 5) AS i`,
    );
    await q(
      `INSERT INTO idempotency_keys (caller_id, route, key, request_hash, status, created_at)
       SELECT 'c', 'POST /x', 'new-' || i, 'h', 201, clock_timestamp() - interval '23 hours' FROM generate_series(1, 3) AS i`,
    );
    expect(await expireIdempotencyKeys(db.dataSource, undefined, 2)).toBe(5);
    const left: { key: string }[] = await q('SELECT key FROM idempotency_keys ORDER BY key');
    expect(left.map((r) => r.key)).toEqual(['new-1', 'new-2', 'new-3']);
    expect(await expireIdempotencyKeys(db.dataSource)).toBe(0);
  });
});
