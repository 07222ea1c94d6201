import type { BenchDatabase } from './db.js';
import { cpuMsOf } from './proc.js';

export interface CpuSpent {
  /** CPU ms of the measured process (a server child, or this harness for direct floors). */
  processMs: number;
  /** CPU ms of the PostgreSQL backends serving the benchmark database (PostgreSQL only; PGlite runs in-process). */
  databaseMs: number | null;
}

async function backendPids(db: BenchDatabase): Promise<number[]> {
  if (db.backend !== 'postgres') return [];
  const sql = await db.direct();
  // The harness's own connections count too: the direct floors run on them (this query's cost is noise).
  const rows = await sql.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  return rows.map((r) => r.pid);
}

const harnessMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * CPU time spent while `fn` runs, by the process doing the work (`pid`, or this process when undefined)
 * and by the database backends: a figure the machine's load does not inflate the way it inflates
 * wall-clock rates, so it shows where each request's work goes.
 */
export async function cpuDuring<T>(db: BenchDatabase, pid: number | undefined, fn: () => Promise<T>): Promise<{ cpu: CpuSpent; value: T }> {
  const before = new Map<number, number>();
  for (const p of await backendPids(db)) before.set(p, cpuMsOf(p) ?? 0);
  const processBefore = pid === undefined ? harnessMs() : (cpuMsOf(pid) ?? 0);
  const value = await fn();
  const processMs = (pid === undefined ? harnessMs() : (cpuMsOf(pid) ?? 0)) - processBefore;
  let databaseMs: number | null = null;
  if (db.backend === 'postgres') {
    databaseMs = 0;
    for (const p of await backendPids(db)) databaseMs += (cpuMsOf(p) ?? 0) - (before.get(p) ?? 0);
  }
  return { cpu: { processMs, databaseMs }, value };
}
