import { ratioOf, type PhaseContext, type PhaseOutcome } from '../lib/context.js';
import { metricBodies } from '../lib/fixtures.js';
import { expectStatus, httpRequest, isUnrouted } from '../lib/http.js';
import { cpuDuring } from '../lib/cpu.js';
import { load, type LoadResult } from '../lib/load.js';
import type { ServerProcess } from '../lib/proc.js';
import { PhaseRunner, type Step } from '../lib/runner.js';

const PHASE = '1 single push';

type Measured = LoadResult & { serverCpuMsPerRequest: number; databaseCpuMsPerRequest: number | null };
export const SINGLE_TARGET_RATIO = 0.5;

/**
 * Single metric pushes over REST (§4.7) at each concurrency, beside a bare node:http + pg server doing
 * the same INSERT into the same table. Each measurement follows a short warm-up at the same concurrency.
 */
export async function singlePushPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const { db, cfg, fixtures } = ctx;
  const bench = fixtures.bench;
  const path = `/accounting-system/installations/${bench.installationId}/metrics`;
  const body = JSON.stringify(metricBodies(1, fixtures.definitions)[0]);
  const runner = new PhaseRunner(db, {
    acc: () => ctx.accSpec(),
    floor: () => ({
      script: ctx.bundles.floor,
      env: {
        ...(db.url ? { FLOOR_DATABASE_URL: db.url } : { FLOOR_PGLITE_DIR: db.dataDir! }),
        FLOOR_OWNER: JSON.stringify(bench),
      },
    }),
  });
  const results: Record<string, { acc?: Measured; floor?: Measured }> = {};
  let available = true;

  const measure = async (server: ServerProcess, connections: number, token?: string): Promise<Measured> => {
    const url = `${server.url}${path}`;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) };
    if (cfg.singleWarmupSeconds > 0) await load(url, { connections, seconds: cfg.singleWarmupSeconds, method: 'POST', headers, body });
    const { cpu, value: r } = await cpuDuring(db, server.pid, () =>
      load(url, { connections, seconds: cfg.singleSeconds, method: 'POST', headers, body }),
    );
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url} at c=${connections}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
    const answered = r.rps * r.seconds;
    return {
      ...r,
      serverCpuMsPerRequest: answered > 0 ? cpu.processMs / answered : NaN,
      databaseCpuMsPerRequest: answered > 0 && cpu.databaseMs !== null ? cpu.databaseMs / answered : null,
    };
  };

  const steps: Step[] = [];
  for (const c of cfg.concurrencies) {
    const key = `c${c}`;
    results[key] = {};
    steps.push({
      holder: 'floor',
      run: async () => {
        ctx.log(`  floor  c=${c}`);
        results[key].floor = await measure(runner.floor(), c);
      },
    });
    steps.push({
      holder: 'acc',
      run: async () => {
        if (!available) return;
        const acc = runner.acc();
        const token = String(acc.info.adminToken);
        const probe = await httpRequest(`${acc.url}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body,
        });
        if (isUnrouted(probe)) {
          available = false;
          return;
        }
        expectStatus(probe, 201, 'single push probe');
        // A few sequential pushes first: the timed warm-up then starts on a server past its first requests.
        for (let i = 0; i < 10; i++)
          expectStatus(
            await httpRequest(`${acc.url}${path}`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
              body,
            }),
            201,
            'single push warm-up',
          );
        ctx.log(`  acc    c=${c}`);
        results[key].acc = await measure(acc, c, token);
      },
    });
  }
  await runner.run(steps);

  for (const c of cfg.concurrencies) {
    const { acc, floor } = results[`c${c}`];
    const a = (f: (r: Measured) => number | null) => (acc ? f(acc) : null);
    const fl = (f: (r: Measured) => number | null) => (floor ? f(floor) : null);
    const target = c === Math.max(...cfg.concurrencies);
    const rpsRatio = ratioOf(
      a((r) => r.rps),
      fl((r) => r.rps),
    );
    ctx.rows.push({
      backend: db.backend,
      phase: PHASE,
      figure: `requests/s, concurrency ${c}`,
      unit: 'req/s',
      acc: a((r) => r.rps),
      floor: fl((r) => r.rps),
      floorName: 'node:http + pg INSERT',
      ratio: rpsRatio,
      ...(target && { target: `≥ ${SINGLE_TARGET_RATIO.toFixed(2)} × floor`, pass: rpsRatio === null ? undefined : rpsRatio >= SINGLE_TARGET_RATIO }),
    });
    for (const p of ['p50', 'p99'] as const)
      ctx.rows.push({
        backend: db.backend,
        phase: PHASE,
        figure: `${p} latency, concurrency ${c}`,
        unit: 'ms',
        acc: a((r) => r[p]),
        floor: fl((r) => r[p]),
        floorName: 'node:http + pg INSERT',
        ratio: ratioOf(
          a((r) => r[p]),
          fl((r) => r[p]),
        ),
      });
  }
  // CPU per request at the highest concurrency: where the work goes, little inflated by a busy machine.
  const top = results[`c${Math.max(...cfg.concurrencies)}`];
  const cpuRow = (figure: string, f: (r: Measured) => number | null) =>
    ctx.rows.push({
      backend: db.backend,
      phase: PHASE,
      figure,
      unit: 'ms',
      acc: top.acc ? f(top.acc) : null,
      floor: top.floor ? f(top.floor) : null,
      floorName: 'node:http + pg INSERT',
      ratio: ratioOf(top.acc ? f(top.acc) : null, top.floor ? f(top.floor) : null),
    });
  const c = Math.max(...cfg.concurrencies);
  cpuRow(
    `server process CPU per request, concurrency ${c}${db.backend === 'pglite' ? ' (PGlite runs inside it)' : ''}`,
    (r) => r.serverCpuMsPerRequest,
  );
  if (db.backend === 'postgres') cpuRow(`PostgreSQL backend CPU per request, concurrency ${c}`, (r) => r.databaseCpuMsPerRequest);
  return {
    status: available ? 'ok' : 'not available',
    note: available ? undefined : `POST ${path} is not routed by this server`,
    memory: runner.memory,
    raw: results,
  };
}
