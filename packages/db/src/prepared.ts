import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** A statement the server parses and plans once per connection, under `name`. */
export interface NamedStatement {
  /** Unique per SQL text: pg refuses to prepare a different text under a name it has prepared already. */
  name: string;
  text: string;
}

/**
 * Runs `statement` with `values` and returns its rows. On PostgreSQL it goes straight to TypeORM's pg
 * pool as a named prepared statement (`{name, text, values}`): no query runner, and the server skips
 * parsing and planning after the first use on each connection, which for a short statement is most of
 * its cost. PGlite (one in-process session, no network) takes TypeORM's ordinary path. Either way the
 * statement passes through the DataSource's logger, as every TypeORM query does. Errors are the
 * driver's own (`code` is the SQLSTATE), not TypeORM's QueryFailedError.
 */
export async function runPrepared<Row>(dataSource: DataSource, statement: NamedStatement, values: unknown[]): Promise<Row[]> {
  const pool: unknown = (dataSource.driver as PostgresDriver).master;
  if (pool instanceof pg.Pool) {
    dataSource.logger.logQuery(statement.text, values);
    const result = await pool.query<Row & pg.QueryResultRow>({ name: statement.name, text: statement.text, values });
    return result.rows;
  }
  try {
    return await dataSource.query<Row[]>(statement.text, values);
  } catch (err) {
    throw (err as { driverError?: unknown }).driverError ?? err;
  }
}
