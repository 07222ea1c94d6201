import { describe, expect, it } from 'vitest';
import { openDatabase } from './data-source.js';

const url = process.env.ACC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('PostgreSQL sessions', () => {
  it('run without JIT, whose compile time grew with the tables while the statements stayed short', async () => {
    const db = await openDatabase({ url }, { migrate: false, poolSize: 2 });
    try {
      const [{ jit }] = await db.dataSource.query<{ jit: string }[]>('SHOW jit');
      expect(jit).toBe('off');
    } finally {
      await db.close();
    }
  });
});
