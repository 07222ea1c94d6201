import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '@acc/db';

export type Backend = 'pglite' | 'postgres';

/** Both backends run every integration suite; PostgreSQL at ACC_TEST_DATABASE_URL or the local default. */
export const backends: Backend[] = ['pglite', 'postgres'];

export const adminUrl = () => process.env.ACC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, migrated database: in-memory PGlite, or a new PostgreSQL database dropped on close. */
export async function freshDatabase(backend: Backend): Promise<Database> {
  if (backend === 'pglite') return openDatabase({ memory: true });
  const name = `acc_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${adminUrl()} (set ACC_TEST_DATABASE_URL): ${(err as Error).message}`, { cause: err });
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() }, { poolSize: 5 });
  return {
    ...db,
    async close() {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
