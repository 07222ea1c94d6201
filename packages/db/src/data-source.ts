import type { PGlite } from '@electric-sql/pglite';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from './migrations/index.js';
import { createPglite, pgliteDriver } from './pglite-driver.js';
import { entities } from './schema/index.js';

/** PostgreSQL by URL, or embedded PGlite persisted in a folder (or kept in memory for tests). */
export type DatabaseConfig = { url: string } | { dataDir: string } | { memory: true };

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
  if ('url' in config) {
    dataSource = new DataSource({
      ...common(options),
      type: 'postgres',
      url: config.url,
      schema: options.schema,
      poolSize: options.poolSize ?? 10,
      extra: options.schema ? { options: `-c search_path=${options.schema}` } : undefined,
    } as DataSourceOptions);
  } else {
    pglite = await createPglite('dataDir' in config ? config.dataDir : undefined);
    dataSource = new DataSource({ ...common(options), type: 'postgres', driver: pgliteDriver(pglite) } as DataSourceOptions);
  }
  try {
    await dataSource.initialize();
    if (options.migrate !== false) await dataSource.runMigrations({ transaction: 'each' });
  } catch (err) {
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
