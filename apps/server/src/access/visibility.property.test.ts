import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglite, pgliteDriver } from '@acc/db';
import type { PGlite } from '@electric-sql/pglite';
import { admits, visibilitySql, type HierarchyColumns, type Visibility } from './visibility.js';

/**
 * The listing SQL and the in-memory `admits` must agree on every row for every visibility, at each depth
 * a caller may name columns to (project, provider, installation). Few names, so random visibilities hit
 * the rows; one odd name to keep quoting honest.
 */
const name = fc.constantFrom('P', 'Q', 'a', 'b', 'i1', "o'd");
const visibility: fc.Arbitrary<Visibility> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Visibility>({ all: true }) },
  {
    weight: 9,
    arbitrary: fc.record({
      all: fc.constant(false as const),
      projects: fc.array(name, { maxLength: 3 }),
      projectProviders: fc.array(fc.tuple(name, name), { maxLength: 3 }),
      installations: fc.array(fc.tuple(name, name, name), { maxLength: 3 }),
      providers: fc.array(name, { maxLength: 3 }),
    }),
  },
);
const rows = fc.uniqueArray(fc.tuple(name, name, name), { minLength: 1, maxLength: 12, selector: (r) => r.join('\u0000') });

const depths: { cols: HierarchyColumns; at: (r: [string, string, string]) => { project: string; provider?: string; installation?: string } }[] = [
  { cols: { project: 't.p' }, at: ([project]) => ({ project }) },
  { cols: { project: 't.p', provider: 't.v' }, at: ([project, provider]) => ({ project, provider }) },
  {
    cols: { project: 't.p', provider: 't.v', installation: 't.i' },
    at: ([project, provider, installation]) => ({ project, provider, installation }),
  },
];

describe('visibilitySql and admits', () => {
  let db: PGlite;
  let session: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>; release(): void };
  beforeAll(async () => {
    db = await createPglite();
    // pg's parameter encoding (arrays included), as the server's driver uses it.
    session = await new (pgliteDriver(db).Pool)().connect();
    await session.query('CREATE TABLE t (n int, p text, v text, i text)');
  });
  afterAll(async () => {
    session.release();
    await db.close();
  });

  it('admit the same rows at every depth', async () => {
    await fc.assert(
      fc.asyncProperty(visibility, rows, fc.integer({ min: 1, max: 4 }), async (v, table, firstParam) => {
        await session.query('DELETE FROM t');
        for (const [n, [p, pv, i]] of table.entries()) await session.query('INSERT INTO t VALUES ($1, $2, $3, $4)', [n, p, pv, i]);
        for (const { cols, at } of depths) {
          const where = visibilitySql(v, cols, firstParam);
          // Leading placeholders the fragment must not touch: it numbers its own from `firstParam`.
          const filler = Array.from({ length: firstParam - 1 }, (_, k) => `$${k + 1}::int IS NOT NULL`);
          const sql = `SELECT n FROM t WHERE ${[...filler, where.sql].join(' AND ')} ORDER BY n`;
          const params = [...filler.map((_, k) => k), ...where.params];
          const fromSql = ((await session.query(sql, params)).rows as { n: number }[]).map((r) => r.n);
          const inMemory = table.flatMap((r, n) => (admits(v, at(r)) ? [n] : []));
          expect(fromSql, JSON.stringify({ v, cols })).toEqual(inMemory);
        }
      }),
      { numRuns: 150 },
    );
  });
});
