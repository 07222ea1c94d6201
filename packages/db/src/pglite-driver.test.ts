import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { DataSource, EntitySchema, QueryFailedError, type EntityManager } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPglite, pgliteDriver, type PglitePool, type PglitePoolOptions } from './pglite-driver.js';

interface Item {
  id: string;
  name: string;
  qty: number;
}

const ItemSchema = new EntitySchema<Item>({
  name: 'Item',
  tableName: 'item',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    name: { type: 'text' },
    qty: { type: 'int', default: 0 },
  },
});

class Rollback extends Error {}

/**
 * A few round trips on the session: with a broken driver, a competitor that was let in alongside
 * would get to run its statements in this window. Bounded work, not a timed wait.
 */
async function roundTrips(em: EntityManager, n = 3) {
  for (let i = 0; i < n; i++) await em.query('SELECT 1');
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

/**
 * The driver, instrumented so a test can tell the moment a query runner asks for the session:
 * that is what lets a transaction wait until a competitor is genuinely queued behind it.
 */
function tracedDriver(db: PGlite) {
  const requests = new EventEmitter();
  const pools: PglitePool[] = [];
  const Base = pgliteDriver(db).Pool;
  const Pool = class extends Base {
    constructor(options?: PglitePoolOptions) {
      super(options);
      pools.push(this);
    }
    override connect(callback?: any): any {
      requests.emit('request');
      return super.connect(callback);
    }
  };
  /** Resolves once `n` more connect requests have been made (arm it before triggering them). */
  const connectRequests = (n = 1) =>
    new Promise<void>((resolve) => {
      let seen = 0;
      const onRequest = () => {
        if (++seen < n) return;
        requests.off('request', onRequest);
        resolve();
      };
      requests.on('request', onRequest);
    });
  return { module: { Pool }, pools, connectRequests };
}

function dataSourceFor(driver: object) {
  return new DataSource({
    type: 'postgres',
    driver,
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    synchronize: false,
    entities: [ItemSchema],
  });
}

let db: PGlite;
let ds: DataSource;
let traced: ReturnType<typeof tracedDriver>;

const repo = () => ds.getRepository(ItemSchema);
const names = async () => (await repo().find()).map((item) => item.name).sort();

beforeAll(async () => {
  db = await createPglite();
  // No pgcrypto loaded: gen_random_uuid() is built into Postgres 13+, and PGlite runs 18.
  await db.exec(`
    CREATE TABLE item (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      qty int NOT NULL DEFAULT 0,
      CONSTRAINT uq_item_name UNIQUE (name)
    )`);
  traced = tracedDriver(db);
  ds = dataSourceFor(traced.module);
  await ds.initialize();
});

afterAll(async () => {
  await ds?.destroy();
  await db?.close();
});

beforeEach(async () => {
  await ds.query('TRUNCATE item');
});

describe('transactions are isolated from each other', () => {
  it("keeps A's commit when B, queued behind A, inserts and rolls back", async () => {
    const aInserted = deferred();
    let bStarted = false;
    const a = ds.transaction(async (em) => {
      await em.insert(ItemSchema, { name: 'A' });
      const bQueued = traced.connectRequests();
      aInserted.resolve();
      await bQueued;
      await roundTrips(em);
      expect(bStarted).toBe(false);
    });
    await aInserted.promise;
    const b = ds.transaction(async (em) => {
      bStarted = true;
      await em.insert(ItemSchema, { name: 'B' });
      throw new Rollback();
    });

    await a;
    await expect(b).rejects.toBeInstanceOf(Rollback);
    expect(await names()).toEqual(['A']);
  });

  it("keeps A's commit when A is queued behind B, which inserts and rolls back", async () => {
    const bInserted = deferred();
    let aStarted = false;
    const b = ds.transaction(async (em) => {
      await em.insert(ItemSchema, { name: 'B' });
      const aQueued = traced.connectRequests();
      bInserted.resolve();
      await aQueued;
      await roundTrips(em);
      expect(aStarted).toBe(false);
      throw new Rollback();
    });
    await bInserted.promise;
    const a = ds.transaction(async (em) => {
      aStarted = true;
      await em.insert(ItemSchema, { name: 'A' });
    });

    await expect(b).rejects.toBeInstanceOf(Rollback);
    await a;
    expect(await names()).toEqual(['A']);
  });

  it('keeps exactly the rows of the transactions that did not throw, out of 50 concurrent ones', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        ds.transaction(async (em) => {
          await em.insert(ItemSchema, { name: `t${i}` });
          await em.increment(ItemSchema, { name: `t${i}` }, 'qty', 1);
          if (i % 3 === 0) throw new Rollback();
        }),
      ),
    );

    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failed).toHaveLength(17);
    for (const o of failed) expect(o.reason).toBeInstanceOf(Rollback);
    const expected = Array.from({ length: 50 }, (_, i) => i)
      .filter((i) => i % 3 !== 0)
      .map((i) => `t${i}`);
    expect(await names()).toEqual(expected.sort());
    expect(await repo().sum('qty')).toBe(expected.length);
  });

  it('makes non-transactional queries wait for a running transaction, then see its committed data', async () => {
    const holding = deferred();
    const proceed = deferred();
    const tx = ds.transaction(async (em) => {
      await em.insert(ItemSchema, { name: 'long' });
      holding.resolve();
      await proceed.promise;
      await em.update(ItemSchema, { name: 'long' }, { qty: 7 });
    });
    await holding.promise;

    const bothQueued = traced.connectRequests(2);
    const count = repo().count();
    const raw = ds.query('SELECT qty FROM item WHERE name = $1', ['long']);
    await bothQueued;
    expect(traced.pools[0].waitingCount).toBe(2);

    proceed.resolve();
    await tx;
    // qty was set after the readers queued, so seeing 7 means they ran after the commit.
    expect(await count).toBe(1);
    expect(await raw).toEqual([{ qty: 7 }]);
  });
});

describe('results and errors look like pg', () => {
  it('reports affected rows for UPDATE and DELETE', async () => {
    const inserted = await repo().insert([
      { name: 'a', qty: 1 },
      { name: 'b', qty: 1 },
      { name: 'c', qty: 5 },
    ]);
    expect(inserted.identifiers).toHaveLength(3);
    expect(inserted.identifiers[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);

    const updated = await ds.createQueryBuilder().update(ItemSchema).set({ qty: 2 }).where('qty = :qty', { qty: 1 }).execute();
    expect(updated.affected).toBe(2);
    const noMatch = await ds.createQueryBuilder().update(ItemSchema).set({ qty: 3 }).where('name = :name', { name: 'zzz' }).execute();
    expect(noMatch.affected).toBe(0);
    const deleted = await ds.createQueryBuilder().delete().from(ItemSchema).where('qty = :qty', { qty: 2 }).execute();
    expect(deleted.affected).toBe(2);
    expect(await names()).toEqual(['c']);

    // Parameterless SQL goes through exec(); several statements yield the last one's result.
    expect(await ds.query("UPDATE item SET qty = 0; DELETE FROM item WHERE name = 'c'")).toEqual([[], 1]);
  });

  it('surfaces a unique violation as QueryFailedError with the pg error fields', async () => {
    await repo().insert({ name: 'dup' });
    const err = await repo()
      .insert({ name: 'dup' })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(QueryFailedError);
    const failed = err as QueryFailedError<pg.DatabaseError>;
    expect(failed.driverError).toBeInstanceOf(pg.DatabaseError);
    expect(failed.driverError).toMatchObject({
      code: '23505',
      constraint: 'uq_item_name',
      table: 'item',
      detail: 'Key (name)=(dup) already exists.',
    });
    expect(failed).toMatchObject({ code: '23505', constraint: 'uq_item_name' });
    expect(failed.query).toMatch(/^INSERT INTO "item"/);
    expect(failed).not.toHaveProperty('params');

    const viaExec = await ds.query("INSERT INTO item (name) VALUES ('dup')").catch((e: unknown) => e);
    expect((viaExec as QueryFailedError<pg.DatabaseError>).driverError.code).toBe('23505');
    expect(await names()).toEqual(['dup']);
  });

  it('parses and encodes values the way pg does', async () => {
    const wallClock = new Date(2024, 0, 15, 10, 30);
    const [row] = await ds.query(
      `SELECT 9007199254740993::int8 AS big, 12.50::numeric AS num, '2024-01-15'::date AS day,
              '{1,2}'::int8[] AS bigs, '\\x6869'::bytea AS bytes, $1::timestamp::text AS stamp`,
      [wallClock],
    );
    expect(row).toEqual({
      big: '9007199254740993',
      num: '12.50',
      day: new Date(2024, 0, 15), // local midnight, as pg returns it
      bigs: ['1', '2'],
      bytes: Buffer.from('hi'),
      stamp: '2024-01-15 10:30:00', // local wall-clock time, as pg sends a Date
    });
  });
});

describe('pool', () => {
  it('hands the session out FIFO, across pools sharing an instance, and ignores a second release', async () => {
    const poolA = new (pgliteDriver(db).Pool)();
    const poolB = new (pgliteDriver(db).Pool)();
    const order: string[] = [];
    const first = await poolA.connect();
    const second = poolB.connect().then((c) => (order.push('second'), c));
    const third = poolA.connect().then((c) => (order.push('third'), c));
    expect(poolB.waitingCount + poolA.waitingCount).toBe(2);

    first.release();
    first.release();
    const c2 = await second;
    await c2.query('SELECT 1'); // a real round trip, giving a wrongly freed `third` time to settle
    expect(order).toEqual(['second']);
    await expect(first.query('SELECT 1')).rejects.toThrow(/after release/);

    c2.release();
    const c3 = await third;
    expect(order).toEqual(['second', 'third']);
    c3.release();
    await Promise.all([poolA.end(), poolB.end()]);
  });

  it('rolls back a transaction left open by a released client and reports it', async () => {
    const pool = new (pgliteDriver(db).Pool)();
    const errors: Error[] = [];
    pool.on('error', (err: Error) => errors.push(err));

    const leaky = await pool.connect();
    await leaky.query('BEGIN');
    await leaky.query("INSERT INTO item (name) VALUES ('leaked')");
    leaky.release();

    const next = await pool.connect();
    expect((await next.query('SELECT count(*)::int AS n FROM item')).rows).toEqual([{ n: 0 }]);
    next.release();
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/rolled back/);
    await pool.end();
  });

  it('times out a waiting connect when connectionTimeoutMillis is set, without losing its place in line', async () => {
    const pool = new (pgliteDriver(db).Pool)({ connectionTimeoutMillis: 20 });
    const holder = await pool.connect();
    await expect(pool.connect()).rejects.toThrow(/timeout exceeded/);
    holder.release();
    // Would hang if the timed-out request had kept its slot in the queue.
    (await pool.connect()).release();
    await pool.end();
  });

  it('end() rejects queued connects, waits for checked-out clients and refuses new ones', async () => {
    const pool = new (pgliteDriver(db).Pool)();
    const holder = await pool.connect();
    const queued = pool.connect();
    let ended = false;
    const ending = pool.end().then(() => (ended = true));

    await expect(queued).rejects.toThrow(/after calling end/);
    await holder.query('SELECT 1');
    expect(ended).toBe(false);
    holder.release();
    await ending;
    await expect(pool.connect()).rejects.toThrow(/after calling end/);
  });

  it('lets dataSource.destroy() release held runners and leaves the PGlite instance open', async () => {
    const own = await createPglite();
    const source = dataSourceFor(pgliteDriver(own));
    await source.initialize();
    const runner = source.createQueryRunner();
    await runner.startTransaction();
    await runner.query('CREATE TABLE t (x int)');

    await source.destroy();
    expect(runner.isReleased).toBe(true);
    expect(own.closed).toBe(false);
    // The open transaction was rolled back on release rather than left on the session.
    expect((await own.query("SELECT to_regclass('t') AS t")).rows).toEqual([{ t: null }]);
    await own.close();
    expect(own.closed).toBe(true);
  });
});
