import { EventEmitter } from 'node:events';
import { messages, PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * A `pg`-shaped module for TypeORM's Postgres driver, backed by one PGlite instance:
 *
 *     new DataSource({ type: 'postgres', driver: pgliteDriver(db), installExtensions: false, ... })
 *
 * PGlite is a single Postgres session, so a "connection" handed out by this pool is a lease on
 * that one session. Leases are exclusive and granted FIFO: a query runner that connects while
 * another one is checked out waits until it is released. Without that, two TypeORM transactions
 * would interleave on the session and one's ROLLBACK would undo the other's work.
 *
 * Consequences worth knowing:
 * - Code running inside a transaction must use the transaction's EntityManager. Touching the
 *   DataSource (or a repository obtained from it) there needs a second lease, which can never be
 *   granted while the transaction holds the first: it deadlocks. Pass `connectTimeoutMS` to the
 *   DataSource to turn that hang into a "timeout exceeded when trying to connect" error.
 * - Every pool built on the same PGlite instance shares the lease queue, but direct `db.query()`
 *   calls bypass it and would run inside whichever transaction currently holds the session.
 * - Session state (SET, temp tables, prepared statements) outlives a lease, as it would on a
 *   pooled pg connection. An open transaction does not: releasing a lease mid-transaction rolls
 *   it back (and reports it as a pool 'error') so it cannot leak into the next holder.
 * - `pool.end()` (i.e. `dataSource.destroy()`) never closes the PGlite instance: whoever created
 *   it owns it and must `close()` it.
 * - `query()` takes SQL strings only; `dataSource.stream()` (pg-query-stream) is not supported.
 */
export function pgliteDriver(db: PGlite): PgliteDriverModule {
  return {
    Pool: class extends PglitePool {
      constructor(options?: PglitePoolOptions) {
        super(db, options);
      }
    },
  };
}

export interface PgliteDriverModule {
  Pool: new (options?: PglitePoolOptions) => PglitePool;
}

/** The subset of pg.Pool options that means something for a single in-process session. */
export interface PglitePoolOptions {
  /** As in pg: reject `connect()` after waiting this long for the session; 0/undefined waits forever. */
  connectionTimeoutMillis?: number;
}

/**
 * Creates a PGlite instance (in memory unless `dataDir` is given) whose result parsing matches
 * node-postgres, so code and TypeORM behave the same on PGlite and on a real server.
 */
export async function createPglite(dataDir?: string): Promise<PGlite> {
  const db = dataDir === undefined ? await PGlite.create() : await PGlite.create({ dataDir });
  usePgTypeParsers(db);
  return db;
}

/**
 * PGlite's own parsers disagree with pg's in ways that corrupt data silently: int8 becomes a
 * number (or bigint), `date` becomes UTC midnight (TypeORM formats it with local getters, so
 * west of UTC it reads back as the previous day), bytea is a Uint8Array rather than a Buffer,
 * interval/point stay strings, and arrays of types pg leaves alone (enums, custom types) get
 * parsed. Every type PGlite would parse is therefore routed through pg's registry, whose
 * fallback for unregistered types is the raw text, exactly as pg returns it. The registry is
 * consulted per value so `pg.types.setTypeParser` overrides apply here too. numeric needs no
 * entry: neither library parses it, both return the exact decimal string.
 *
 * This patches `db.parsers` after initialisation because PGlite (re)installs its array parsers
 * at startup, over anything passed as the `parsers` option. `db.refreshArrayTypes()` would
 * reinstall them, so don't call it on an instance used through this driver.
 */
function usePgTypeParsers(db: PGlite): void {
  for (const key of Object.keys(db.parsers)) {
    const oid = Number(key);
    if (!Number.isInteger(oid)) continue;
    const parse = pg.types.getTypeParser(oid, 'text') as (text: string) => unknown;
    db.parsers[oid] = (text: string) => parse(text);
  }
}

// pg's own parameter encoding (pg.utils is present at runtime but missing from @types/pg).
// PGlite's differs: it sends a Date as UTC ISO text, so a `timestamp without time zone` column
// stores UTC wall-clock time where pg stores local time, and it sends objects bound to untyped
// parameters as "[object Object]" where pg sends JSON.
const prepareValue = (pg as unknown as { utils: { prepareValue(this: void, value: unknown): unknown } }).utils.prepareValue;

/** FIFO mutual exclusion over one PGlite session, shared by every pool built on that instance. */
class SessionLock {
  #held = false;
  readonly #queue: Array<() => void> = [];

  /** `cancel` withdraws a request that has not been granted yet and reports whether it did. */
  acquire(): { granted: Promise<void>; cancel: () => boolean } {
    if (!this.#held) {
      this.#held = true;
      return { granted: Promise.resolve(), cancel: () => false };
    }
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    this.#queue.push(grant);
    return {
      granted,
      cancel: () => {
        const index = this.#queue.indexOf(grant);
        if (index === -1) return false;
        this.#queue.splice(index, 1);
        return true;
      },
    };
  }

  release(): void {
    const next = this.#queue.shift();
    // Handing over directly (rather than clearing #held and letting waiters race) keeps FIFO order.
    if (next) next();
    else this.#held = false;
  }
}

const locks = new WeakMap<PGlite, SessionLock>();

function lockFor(db: PGlite): SessionLock {
  let lock = locks.get(db);
  if (!lock) locks.set(db, (lock = new SessionLock()));
  return lock;
}

type ConnectCallback = (err: Error | undefined, client: PgliteClient | undefined, release: (err?: unknown) => void) => void;
type EndCallback = (err?: Error) => void;

export class PglitePool extends EventEmitter {
  readonly #db: PGlite;
  readonly #lock: SessionLock;
  readonly #timeoutMs: number;
  readonly #pending = new Set<(err: Error) => void>();
  #checkedOut = 0;
  #ending = false;
  #drained?: () => void;

  constructor(db: PGlite, options: PglitePoolOptions = {}) {
    super();
    this.#db = db;
    this.#lock = lockFor(db);
    this.#timeoutMs = options.connectionTimeoutMillis ?? 0;
  }

  /** Clients of this pool waiting for the session (pg.Pool has the same counter). */
  get waitingCount(): number {
    return this.#pending.size;
  }

  connect(): Promise<PgliteClient>;
  connect(callback: ConnectCallback): void;
  connect(callback?: ConnectCallback): Promise<PgliteClient> | void {
    const checkout = this.#checkout();
    if (!callback) return checkout;
    checkout.then(
      (client) => callback(undefined, client, client.release),
      (err: Error) => callback(err, undefined, () => {}),
    );
  }

  /** Resolves once this pool's clients are all released; the PGlite instance stays open. */
  end(): Promise<void>;
  end(callback: EndCallback): void;
  end(callback?: EndCallback): Promise<void> | void {
    const done = this.#end();
    if (!callback) return done;
    done.then(() => callback(), callback);
  }

  async #end(): Promise<void> {
    if (this.#ending) throw new Error('Called end on pool more than once');
    this.#ending = true;
    for (const abort of [...this.#pending]) abort(new Error('Cannot use a pool after calling end on the pool'));
    if (this.#checkedOut > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
  }

  async #checkout(): Promise<PgliteClient> {
    if (this.#ending) throw new Error('Cannot use a pool after calling end on the pool');
    const { granted, cancel } = this.#lock.acquire();
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const abort = (err: Error) => {
        if (!cancel()) return; // already granted: the continuation below settles instead
        clearTimeout(timer);
        this.#pending.delete(abort);
        reject(err);
      };
      this.#pending.add(abort);
      if (this.#timeoutMs > 0) {
        timer = setTimeout(() => abort(new Error('timeout exceeded when trying to connect')), this.#timeoutMs);
      }
      void granted.then(() => {
        clearTimeout(timer);
        this.#pending.delete(abort);
        if (!this.#ending) return resolve();
        // end() ran between the grant and this continuation: pass the session straight on.
        this.#lock.release();
        reject(new Error('Cannot use a pool after calling end on the pool'));
      });
    });
    this.#checkedOut++;
    return new PgliteClient(this.#db, () => this.#checkin());
  }

  async #checkin(): Promise<void> {
    try {
      if (inTransaction(this.#db)) {
        await this.#db.exec('ROLLBACK');
        this.#report(new Error('pglite-driver: a client was released inside an open transaction; it was rolled back'));
      }
    } catch (err) {
      this.#report(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.#lock.release();
      if (--this.#checkedOut === 0) this.#drained?.();
    }
  }

  #report(err: Error): void {
    // An 'error' event without a listener would throw out of the release path and wedge the lock.
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else console.warn(err);
  }
}

function inTransaction(db: PGlite): boolean {
  // isInTransaction() reads WASM memory and throws once the instance is closed.
  if (db.closed) return false;
  try {
    return db.isInTransaction();
  } catch {
    return false;
  }
}

/** pg's QueryResult shape, which TypeORM's PostgresQueryRunner reads. */
export interface PgQueryResult {
  command: string;
  rowCount: number | null;
  oid: null;
  rows: Record<string, unknown>[];
  fields: { name: string; dataTypeID: number }[];
}

type QueryCallback = (err: Error | null, result?: PgQueryResult) => void;

/** One lease on the session. Becomes unusable once released, so a stale handle cannot slip past the lock. */
export class PgliteClient extends EventEmitter {
  readonly #db: PGlite;
  readonly #checkin: () => Promise<void>;
  #released = false;
  // Queries on one client run in submission order, and release waits for the ones in flight.
  #tail: Promise<unknown> = Promise.resolve();

  constructor(db: PGlite, checkin: () => Promise<void>) {
    super();
    this.#db = db;
    this.#checkin = checkin;
  }

  /** Also handed out as the third `pool.connect` callback argument, hence an own bound property. */
  readonly release = (_err?: unknown): void => {
    if (this.#released) return; // pg throws here; staying idempotent cannot double-free the session
    this.#released = true;
    void this.#tail.then(() => this.#checkin());
  };

  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
  query(text: string, callback: QueryCallback): void;
  query(text: string, values: unknown[] | undefined, callback: QueryCallback): void;
  query(text: string, valuesOrCallback?: unknown[] | QueryCallback, maybeCallback?: QueryCallback): Promise<PgQueryResult> | void {
    const callback = typeof valuesOrCallback === 'function' ? valuesOrCallback : maybeCallback;
    const values = typeof valuesOrCallback === 'function' ? undefined : valuesOrCallback;
    const result = this.#enqueue(text, values);
    if (!callback) return result;
    result.then(
      (res) => callback(null, res),
      (err: Error) => callback(err),
    );
  }

  #enqueue(text: unknown, values: unknown): Promise<PgQueryResult> {
    if (this.#released) return Promise.reject(new Error('pglite-driver: client used after release'));
    if (typeof text !== 'string') {
      return Promise.reject(new TypeError('pglite-driver: only SQL strings are supported (no query configs or streams)'));
    }
    if (values !== undefined && !Array.isArray(values)) {
      return Promise.reject(new TypeError('pglite-driver: query parameters must be an array'));
    }
    const run = this.#tail.then(() => this.#execute(text, values));
    this.#tail = run.catch(() => {});
    return run;
  }

  async #execute(text: string, values: unknown[] | undefined): Promise<PgQueryResult> {
    const options: QueryOptions | undefined = this.listenerCount('notice') > 0 ? { onNotice: (notice) => this.emit('notice', notice) } : undefined;
    try {
      // Like pg: parameters mean the extended protocol (one statement); none means the simple
      // protocol, which accepts several statements (migrations) and yields one result per statement.
      if (values && values.length > 0) {
        return toPgResult(await this.#db.query(text, values.map(prepareValue), options), undefined, text);
      }
      const results = await this.#db.exec(text, options);
      return toPgResult(results.at(-1), results.at(-2), text);
    } catch (err) {
      throw toPgError(err);
    }
  }
}

function toPgResult(res: Results | undefined, previous: Results | undefined, sql: string): PgQueryResult {
  const rows = (res?.rows ?? []) as Record<string, unknown>[];
  // PGlite >= 0.5 reports the command tag per statement. Older versions only have affectedRows,
  // which is cumulative across the statements of one exec(), hence the subtraction.
  const command = res?.command ?? firstKeyword(sql);
  let rowCount: number | null;
  if (res?.command !== undefined) rowCount = res.rowCount ?? null;
  else if (command === 'SELECT') rowCount = rows.length;
  else rowCount = (res?.affectedRows ?? 0) - (previous?.affectedRows ?? 0);
  return { command, rowCount, oid: null, rows, fields: res?.fields ?? [] };
}

function firstKeyword(sql: string): string {
  const stripped = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  return /^[A-Za-z]+/.exec(stripped)?.[0].toUpperCase() ?? '';
}

const ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

/**
 * Rebuilds PGlite's error as pg's DatabaseError. Besides making `instanceof pg.DatabaseError`
 * hold, this drops the `query`, `params` and `queryOptions` properties PGlite attaches:
 * QueryFailedError copies every enumerable property of the driver error onto itself, so they
 * would show up on (and `query` would overwrite) TypeORM's own fields.
 */
function toPgError(err: unknown): unknown {
  if (!(err instanceof messages.DatabaseError)) return err;
  const converted = new pg.DatabaseError(err.message, err.length, 'error');
  for (const field of ERROR_FIELDS) converted[field] = err[field];
  Object.defineProperty(converted, 'cause', { value: err, enumerable: false, configurable: true, writable: true });
  return converted;
}
