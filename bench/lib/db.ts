import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import pgCopy from 'pg-copy-streams';
import { createPglite, openDatabase } from '@acc/db';

export type Backend = 'postgres' | 'pglite';

/** Direct SQL access for loaders and floors, the same on both backends. */
export interface Sql {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters. */
  exec(sql: string): Promise<void>;
  /** `COPY table (cols) FROM STDIN (FORMAT csv)` fed with `csv`. */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
  /** Runs `fn` inside BEGIN … COMMIT on one session. */
  transaction<T>(fn: (tx: Pick<Sql, 'query'>) => Promise<T>): Promise<T>;
}

/**
 * One benchmark database: a fresh PostgreSQL database (dropped afterwards) or a temp PGlite folder
 * (removed afterwards), migrated by the server's own migrations. PGlite is one process's: while a server
 * child has the folder open, the harness must not, so `direct()` and `release()` bracket harness access
 * (`release` is a no-op for PostgreSQL, whose pool stays open beside the server).
 */
export class BenchDatabase {
  private pool?: pg.Pool;
  private pglite?: PGlite;

  private constructor(
    readonly backend: Backend,
    /** PostgreSQL: the database URL. */
    readonly url: string | undefined,
    /** PGlite: the data folder. */
    readonly dataDir: string | undefined,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async create(backend: Backend, adminUrl: string): Promise<BenchDatabase> {
    if (backend === 'postgres') {
      const name = `acc_bench_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      try {
        await admin.connect();
      } catch (err) {
        throw new Error(`PostgreSQL is not reachable at ${adminUrl} (set ACC_BENCH_DATABASE_URL): ${(err as Error).message}`);
      }
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = new BenchDatabase('postgres', url.toString(), undefined, async () => {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      });
      await db.migrate();
      return db;
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'acc-bench-pglite-'));
    const db = new BenchDatabase('pglite', undefined, dataDir, async () => rmSync(dataDir, { recursive: true, force: true }));
    await db.migrate();
    return db;
  }

  /** The server's own migrations, as `startApp` would run them. */
  private async migrate(): Promise<void> {
    const opened = await openDatabase(this.url ? { url: this.url } : { dataDir: this.dataDir! }, { poolSize: 2 });
    await opened.close();
  }

  /** ACC_* variables that point a server at this database. */
  serverEnv(): Record<string, string> {
    return this.url ? { ACC_DATABASE_URL: this.url } : { ACC_DATA_DIR: this.dataDir! };
  }

  /** Harness access; for PGlite only while no server process holds the folder. */
  async direct(): Promise<Sql> {
    if (this.backend === 'postgres') {
      this.pool ??= new pg.Pool({ connectionString: this.url, max: 4 });
      return pgSql(this.pool);
    }
    this.pglite ??= await createPglite(this.dataDir);
    return pgliteSql(this.pglite);
  }

  /** Lets a server process open the database (PGlite); PostgreSQL's pool stays. */
  async release(): Promise<void> {
    if (this.pglite) {
      const db = this.pglite;
      this.pglite = undefined;
      await db.close();
    }
  }

  /** Whether harness access and a server process can overlap (PostgreSQL) or must take turns (PGlite). */
  get concurrent(): boolean {
    return this.backend === 'postgres';
  }

  /** `keep`: leave the database (or PGlite folder) in place for inspection, and say where it is. */
  async dispose(keep = false): Promise<void> {
    await this.release();
    if (this.pool) await this.pool.end();
    this.pool = undefined;
    if (keep) console.error(`kept the ${this.backend} database: ${this.url ?? this.dataDir}`);
    else await this.cleanup();
  }
}

function pgSql(pool: pg.Pool): Sql {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async copyCsv(table, columns, csv) {
      const client = await pool.connect();
      try {
        await new Promise<void>((resolve, reject) => {
          const stream = client.query(pgCopy.from(`COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT csv)`));
          stream.on('error', reject);
          stream.on('finish', () => resolve());
          stream.end(csv);
        });
      } finally {
        client.release();
      }
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[] });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

function pgliteSql(db: PGlite): Sql {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async copyCsv(table, columns, csv) {
      await db.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' (FORMAT csv)`, [], { blob: new Blob([csv]) });
    },
    transaction(fn) {
      return db.transaction((tx) => fn({ query: async <T>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows }));
    },
  };
}
