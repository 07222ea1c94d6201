/** Whether a failed query's SQLSTATE is one of `states`: pg and PGlite put it on the error, TypeORM also under `driverError`. */
const hasSqlState = (err: unknown, ...states: string[]): boolean => {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  return [e?.code, e?.driverError?.code].some((code) => typeof code === 'string' && states.includes(code));
};

/** True when a query failed on a unique constraint (PostgreSQL and PGlite report the same SQLSTATE). */
export const isUniqueViolation = (err: unknown): boolean => hasSqlState(err, '23505');

/** True when a delete or update failed on a foreign key (a row still references the target). */
export const isForeignKeyViolation = (err: unknown): boolean => hasSqlState(err, '23503');

const CONFLICT_STATES = ['40P01', '40001'];

/** True when PostgreSQL aborted the transaction as a deadlock or serialization victim: running it again may succeed. */
export const isTransientConflict = (err: unknown): boolean => hasSqlState(err, ...CONFLICT_STATES);

/**
 * SQLSTATEs that say the database, not the request, is the problem: connection exceptions (class 08),
 * shutdown or start-up in progress, too many connections, a lock wait cut short by lock_timeout, and a
 * deadlock or serialization failure that outlasted `retriedTransaction` (transaction.ts).
 * 57014 (query_canceled) counts only when statement_timeout cancelled it; see `isDatabaseUnavailable`.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '55P03', ...CONFLICT_STATES]);
/** Socket failures reaching or talking to the server. */
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/**
 * What pg and pg-pool throw without a code: the server went away mid-query, the pool could not hand out
 * a connection in time (connectionTimeoutMillis), or a query got no answer within query_timeout.
 */
const UNAVAILABLE_MESSAGES = [/^Connection terminated/, /^timeout exceeded when trying to connect$/, /^Query read timeout$/, /is not queryable$/];

/**
 * True when a query failed because the database is unreachable, shutting down, overloaded or too slow:
 * a transient condition the client should retry (503), never its own mistake. Looks through TypeORM's
 * `driverError` and `cause` chains, where the pg error usually sits.
 */
export const isDatabaseUnavailable = (err: unknown): boolean => {
  const seen = new Set<unknown>();
  let current: unknown = err;
  const pending: unknown[] = [];
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    if (typeof current === 'object') {
      const e = current as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
      const code = typeof e.code === 'string' ? e.code : undefined;
      const message = typeof e.message === 'string' ? e.message : '';
      if (code && (UNAVAILABLE_STATES.has(code) || code.startsWith('08') || UNAVAILABLE_ERRNOS.has(code))) return true;
      // The same SQLSTATE also reports a cancel the server was asked for; only the timeout is an outage.
      if (code === '57014' && /statement timeout/.test(message)) return true;
      if (!code && UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return true;
      // TypeORM releases a query runner whose connection emitted 'error' (the server went away) while
      // the request still holds it; its next query fails with one of these instead of the connection error.
      if (/^QueryRunner(Provider)?AlreadyReleasedError$/.test(String((current as { name?: unknown }).name))) return true;
      pending.push(e.driverError, e.cause);
      // AggregateError (node's connect to every resolved address) carries the socket errors here.
      if (Array.isArray(e.errors)) pending.push(...(e.errors as unknown[]));
    }
    do current = pending.shift();
    while ((current === undefined || current === null) && pending.length > 0);
  }
  return false;
};
