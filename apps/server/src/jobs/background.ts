import type { DataSource } from 'typeorm';

/** A periodic job: `exclusive` ones run on one server instance at a time across a shared PostgreSQL. */
export interface JobSpec {
  name: string;
  intervalMs: number;
  run: (signal: AbortSignal) => Promise<void>;
  exclusive?: boolean;
  /** Work a run started and left going (webhook attempts in flight): `stop` waits for it after the abort. */
  settle?: () => Promise<void>;
}

export interface Background {
  add(job: JobSpec): void;
  /** Run the named job soon (coalesced with a run already due); a no-op after `stop`. */
  nudge(name: string): void;
  /** Stop scheduling, abort running jobs and wait for them to settle. */
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  db: DataSource;
  backend: 'postgres' | 'pglite';
  onError: (job: string, err: unknown) => void;
}

/**
 * Runs `run` only if no other instance holds the job's lock (a transaction-scoped advisory lock keyed by
 * its name, released by the commit); false when it was skipped. PGlite is one process: it always runs.
 */
export async function underJobLock(db: DataSource, backend: 'postgres' | 'pglite', name: string, run: () => Promise<void>): Promise<boolean> {
  if (backend === 'pglite') {
    await run();
    return true;
  }
  const runner = db.createQueryRunner();
  try {
    await runner.connect();
    await runner.startTransaction();
    const [row] = (await runner.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [`acc:${name}`])) as { locked: boolean }[];
    if (row?.locked) await run();
    await runner.commitTransaction();
    return row?.locked ?? false;
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => {});
    throw err;
  } finally {
    await runner.release();
  }
}

/**
 * Timers for the server's own work (alert evaluation, webhook delivery, sweeps, schedules). On
 * PostgreSQL an exclusive job holds a transaction-scoped advisory lock keyed by its name while it runs,
 * so several instances sharing the database take turns; the instance that does not get the lock skips
 * that round. PGlite is one process: the in-process "one run at a time" is all it needs.
 */
export function createBackground(options: BackgroundOptions): Background {
  const jobs = new Map<string, { spec: JobSpec; timer?: NodeJS.Timeout; running?: Promise<void>; again: boolean }>();
  const abort = new AbortController();
  let stopped = false;

  const runOnce = async (spec: JobSpec): Promise<void> => {
    if (!spec.exclusive) return spec.run(abort.signal);
    await underJobLock(options.db, options.backend, spec.name, () => spec.run(abort.signal));
  };

  const schedule = (name: string, delayMs: number) => {
    const job = jobs.get(name);
    if (!job || stopped) return;
    clearTimeout(job.timer);
    job.timer = setTimeout(() => start(name), delayMs);
    job.timer.unref();
  };

  const start = (name: string) => {
    const job = jobs.get(name);
    if (!job || stopped) return;
    if (job.running) {
      job.again = true;
      return;
    }
    job.again = false;
    job.running = runOnce(job.spec)
      .catch((err) => {
        if (!stopped) options.onError(name, err);
      })
      .finally(() => {
        job.running = undefined;
        schedule(name, job.again ? 0 : job.spec.intervalMs);
      });
  };

  return {
    add(spec) {
      if (jobs.has(spec.name)) throw new Error(`job ${spec.name} added twice`);
      jobs.set(spec.name, { spec, again: false });
      schedule(spec.name, spec.intervalMs);
    },
    nudge(name) {
      schedule(name, 0);
    },
    async stop() {
      stopped = true;
      abort.abort();
      for (const job of jobs.values()) clearTimeout(job.timer);
      await Promise.all([...jobs.values()].flatMap((job) => (job.running ? [job.running] : [])));
      await Promise.all([...jobs.values()].flatMap((job) => (job.spec.settle ? [job.spec.settle()] : [])));
    },
  };
}
