import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from './migrations/index.js';
import { createPglite, pgliteDriver } from './pglite-driver.js';
import { entities } from './schema/index.js';

/** PostgreSQL by URL, or embedded PGlite persisted in a folder (or kept in memory for tests). */
export type DatabaseConfig = { url: string; timeouts?: Partial<DatabaseTimeouts> } | { dataDir: string } | { memory: true };

/** Limits that turn a down, overloaded or frozen PostgreSQL into a prompt error instead of a hung request. */
export interface DatabaseTimeouts {
  /** Server-side limit of one statement, lock waits included (`statement_timeout`); 0: none. */
  statementTimeoutMs: number;
  /** How long a query waits for a pooled or a new connection (pg-pool `connectionTimeoutMillis`). */
  connectTimeoutMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { statementTimeoutMs: 5_000, connectTimeoutMs: 3_000 };

/**
 * The client gives up on an answer (pg `query_timeout`) this long after the server would have cancelled
 * the statement itself: a live server's own cancel (a clean 57014) always comes first, and only a server
 * that cannot answer at all (stopped with SIGSTOP, a dead network path) is left to the client's timer.
 */
const CLIENT_GRACE_MS = 2_000;

/**
 * A pg client that drops its connection once a query got no answer in time. pg only stops waiting: the
 * query stays in flight, so the transaction's ROLLBACK (and the next borrower's queries) would queue
 * behind it and each wait out the timeout again. Closed, the rest fail at once and the pool replaces it.
 */
class TimeoutClosingClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    super(config);
    const query = pg.Client.prototype.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      const result = query(...args);
      if (result instanceof Promise) {
        result.catch((err: unknown) => {
          if ((err as Error | undefined)?.message === 'Query read timeout') this.end().catch(() => {});
        });
      }
      return result;
    }) as pg.Client['query'];
  }
}

/** pg Pool and Client settings (TypeORM hands `extra` to the pool) for the given limits. */
export function poolSettings(timeouts: DatabaseTimeouts, schema?: string): Record<string, unknown> {
  const statement = timeouts.statementTimeoutMs;
  return {
    Client: TimeoutClosingClient,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    // Without a statement limit (migrations) there is no bound the client could safely add either.
    ...(statement > 0 && { statement_timeout: statement, query_timeout: statement + CLIENT_GRACE_MS }),
    // A peer that vanished without closing the socket (host down, network cut) is noticed by the kernel.
    keepAlive: true,
    // JIT compiles a plan whose *estimated* cost passes jit_above_cost, and estimates grow with the
    // tables: a report's sub-millisecond probes of a 10^6-metric table paid ~10 ms of compilation, more
    // (with inlining and optimisation) at 10^7. acc runs short indexed statements, which JIT never repays.
    options: ['-c jit=off', ...(schema ? [`-c search_path=${schema}`] : [])].join(' '),
  };
}

export interface Database {
  dataSource: DataSource;
  backend: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Run pending migrations before returning (the server does; tests of migrations may not). */
  migrate?: boolean;
  /** Search path for PostgreSQL, so test files can each own a schema. */
  schema?: string;
  logging?: boolean;
  poolSize?: number;
}

const common = (options: OpenOptions): Partial<DataSourceOptions> => ({
  entities,
  migrations,
  migrationsRun: false,
  synchronize: false,
  logging: options.logging ?? false,
  // The same migrations run on PGlite, which cannot install extensions at run time.
  uuidExtension: 'pgcrypto',
  installExtensions: false,
});

export async function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): Promise<Database> {
  let pglite: PGlite | undefined;
  let dataSource: DataSource;
  let migrationSource: DataSource | undefined;
  if ('url' in config) {
    const timeouts = { ...DEFAULT_DATABASE_TIMEOUTS, ...config.timeouts };
    const postgres = { ...common(options), type: 'postgres', url: config.url, schema: options.schema } as const;
    dataSource = new DataSource({
      ...postgres,
      poolSize: options.poolSize ?? 10,
      extra: poolSettings(timeouts, options.schema),
    } as DataSourceOptions);
    // Migrations may rewrite whole tables: they get their own connection without the per-statement limit.
    if (options.migrate !== false) {
      const untimed = { ...timeouts, statementTimeoutMs: 0 };
      migrationSource = new DataSource({ ...postgres, poolSize: 1, extra: poolSettings(untimed, options.schema) } as DataSourceOptions);
    }
  } else {
    pglite = await createPglite('dataDir' in config ? config.dataDir : undefined);
    dataSource = new DataSource({ ...common(options), type: 'postgres', driver: pgliteDriver(pglite) } as DataSourceOptions);
  }
  try {
    if (migrationSource) {
      await migrationSource.initialize();
      await migrationSource.runMigrations({ transaction: 'each' });
      await migrationSource.destroy();
    }
    await dataSource.initialize();
    if (options.migrate !== false && !migrationSource) await dataSource.runMigrations({ transaction: 'each' });
  } catch (err) {
    if (migrationSource?.isInitialized) await migrationSource.destroy();
    if (dataSource.isInitialized) await dataSource.destroy();
    await pglite?.close();
    throw err;
  }
  return {
    dataSource,
    backend: pglite ? 'pglite' : 'postgres',
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (pglite && !pglite.closed) await pglite.close();
    },
  };
}

/**
 * True when the database answers `SELECT 1` within `timeoutMs`. Readiness probes use this rather than a
 * bare query: against a frozen server a query waits out `query_timeout`, longer than a probe may take.
 * The abandoned query keeps its connection until its own timeout closes it.
 */
export async function pingDatabase(dataSource: DataSource, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const answered = dataSource.query('SELECT 1').then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([answered, expired]);
  } finally {
    clearTimeout(timer);
  }
}
