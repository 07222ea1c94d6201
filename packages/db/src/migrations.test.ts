import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from './data-source.js';
import { migrations } from './migrations/index.js';

const adminUrl = process.env.ACC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  const name = `acc_mig_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  return {
    db,
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

describe.each(['pglite', 'postgres'] as const)('migrations on %s', (backend) => {
  let db: Database;
  let cleanup: () => Promise<void>;

  it('run from empty and leave no difference to the entity schemas', async () => {
    if (backend === 'pglite') {
      db = await openDatabase({ memory: true });
      cleanup = () => db.close();
    } else {
      const pgDb = await postgresDatabase();
      db = pgDb.db;
      cleanup = pgDb.drop;
    }
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('seed the spec unit types and metric types in order', async () => {
    const units: { name: string; creator_id: string }[] = await db.dataSource.query(
      'SELECT name, creator_id FROM unit_types ORDER BY created_at, id',
    );
    expect(units.map((u) => u.name)).toEqual([
      'TB',
      'TB/year',
      'Endpoints Monitored/hour',
      'Messages/hour',
      'Service Updates',
      '#',
      'count',
      'API reqs',
      'PID prefixes',
      'CPU Time',
      's',
    ]);
    expect(units.every((u) => u.creator_id === '')).toBe(true);
    const types: { name: string }[] = await db.dataSource.query('SELECT name FROM metric_types ORDER BY created_at, id');
    expect(types.map((t) => t.name)).toEqual(['aggregated', 'count', 'summarised', 'averaged']);
  });

  it('enforce case-insensitive uniqueness in the database itself', async () => {
    await expect(db.dataSource.query(`INSERT INTO unit_types (id, name, description) VALUES ('x1', 'tb', 'dup')`)).rejects.toMatchObject({
      driverError: { code: '23505' },
    });
  });

  it('roll back cleanly', async () => {
    for (let i = 0; i < migrations.length; i++) await db.dataSource.undoLastMigration();
    const tables: { n: number }[] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('unit_types', 'metrics', 'installations')`,
    );
    expect(tables[0].n).toBe(0);
    await cleanup();
  });
});
