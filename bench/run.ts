/**
 * `npm run bench [-- --scale small|full] [--backends postgres,pglite] [--phases 1,2,3,4,5] [--usage-sizes N,…] [--report-sizes N,…] [--out DIR] [--log-level info] [--keep-logs] [--keep-db]`
 *
 * Runs the acc server as a separate process against a fresh PostgreSQL database
 * (ACC_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; created and dropped
 * per run) and against PGlite (a temp ACC_DATA_DIR), and measures every figure beside a floor measured
 * in the same run on the same database. Writes results.md and results.json to --out (default: bench/
 * for the full scale, a temp folder for the small one, so a smoke run never replaces real results).
 * Exits 1 when a phase fails (a wrong answer, a crash); targets are reported as PASS/MISS, never asserted.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { SCALES, type PhaseContext, type PhaseOutcome, type Row, type Scale } from './lib/context.js';
import { bundleServers } from './lib/build.js';
import { BenchDatabase, type Backend } from './lib/db.js';
import { createDefinitions, createProjectTree } from './lib/fixtures.js';
import { closeAgents } from './lib/http.js';
import { killAllChildren, ROOT } from './lib/proc.js';
import { machine, markdown, type Results } from './lib/report.js';
import { fmt } from './lib/stats.js';
import { apelPhase } from './phases/apel.js';
import { bulkPushPhase } from './phases/bulk.js';
import { reportsPhase } from './phases/reports.js';
import { singlePushPhase } from './phases/single.js';
import { usagePhase } from './phases/usage.js';

const RSS_LIMIT_MB = 300;

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: 'full' },
    backends: { type: 'string', default: 'postgres,pglite' },
    phases: { type: 'string', default: '1,2,3,4,5' },
    out: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    'keep-logs': { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
    'usage-sizes': { type: 'string' },
    'report-sizes': { type: 'string' },
  },
  allowPositionals: false,
});

if (args.scale !== 'small' && args.scale !== 'full') {
  console.error(`--scale must be small or full, not ${args.scale}`);
  process.exit(2);
}
const cfg = { ...SCALES[args.scale as Scale] };
// Phase 5 at chosen sizes only (`--usage-sizes 1000000`): loading 10^7 metrics takes a long time on a small machine.
if (args['usage-sizes']) cfg.usageSizes = args['usage-sizes'].split(',').map(Number);
if (args['report-sizes']) cfg.reportSizes = args['report-sizes'].split(',').map(Number);
const backends = args.backends.split(',').map((b) => b.trim()) as Backend[];
for (const b of backends)
  if (b !== 'postgres' && b !== 'pglite') {
    console.error(`unknown backend ${b} (postgres, pglite)`);
    process.exit(2);
  }
const wanted = new Set(args.phases.split(',').map((p) => p.trim()));
const outDir = resolve(args.out ?? (cfg.scale === 'full' ? join(ROOT, 'bench') : join(os.tmpdir(), 'acc-bench-small')));
const adminUrl = process.env.ACC_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const logLevel = args['log-level'];

const PHASES: { id: string; name: string; run: (ctx: PhaseContext) => Promise<PhaseOutcome> }[] = [
  { id: '1', name: '1 single push', run: singlePushPhase },
  { id: '2', name: '2 bulk push', run: bulkPushPhase },
  { id: '3', name: '3 reports', run: reportsPhase },
  { id: '4', name: '4 APEL', run: apelPhase },
  { id: '5', name: '5 usage', run: usagePhase },
];

const started = Date.now();
const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);
const work = mkdtempSync(join(os.tmpdir(), 'acc-bench-'));
const databases: BenchDatabase[] = [];
let interrupted = false;

async function cleanup() {
  killAllChildren();
  closeAgents();
  for (const db of databases.splice(0))
    await db.dispose(args['keep-db'] === true).catch((err: unknown) => console.error(`cleanup: ${(err as Error).message}`));
}

process.once('SIGINT', () => {
  interrupted = true;
  console.error('\ninterrupted: stopping servers and dropping the benchmark databases');
  void cleanup().finally(() => process.exit(130));
});

async function postgresVersion(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: adminUrl });
  try {
    await c.connect();
    const { rows } = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0]?.v;
  } catch {
    return undefined;
  } finally {
    await c.end().catch(() => {});
  }
}

async function main(): Promise<number> {
  const m = machine();
  if (backends.includes('postgres')) m.postgres = await postgresVersion();
  log(`acc benchmark, ${cfg.scale} scale, backends ${backends.join(', ')}; ${m.cpu}, ${m.cores} cores, load ${m.loadAverageAtStart.join(' ')}`);
  const bundles = await bundleServers();
  const rows: Row[] = [];
  const phases: Results['phases'] = {};
  let failed = false;

  for (const backend of backends) {
    log(`${backend}: creating and migrating a fresh database`);
    const db = await BenchDatabase.create(backend, adminUrl);
    databases.push(db);
    const sql = await db.direct();
    const definitions = await createDefinitions(sql);
    const [bench] = await createProjectTree(sql, 'bench-push', 1, 1);
    await db.release();
    const logFile = join(work, `server-${backend}.log`);
    const ctx: PhaseContext = {
      db,
      bundles,
      cfg,
      fixtures: { definitions, bench },
      rows,
      log,
      accSpec: (extraEnv = {}, tls) => ({
        script: bundles.server,
        env: {
          ACC_HOST: '127.0.0.1',
          ACC_PORT: '0',
          ACC_PUBLIC_URL: 'http://127.0.0.1',
          ACC_LOG_LEVEL: logLevel,
          ACC_LOG_FORMAT: 'json',
          ACC_BENCH_LOG_FILE: logFile,
          ...db.serverEnv(),
          ...extraEnv,
        },
        tls,
      }),
    };
    phases[backend] = {};
    for (const phase of PHASES) {
      if (!wanted.has(phase.id) || interrupted) continue;
      log(`${backend}: phase ${phase.name}`);
      let outcome: PhaseOutcome;
      try {
        outcome = await phase.run(ctx);
      } catch (err) {
        failed = true;
        outcome = { status: 'failed', note: (err as Error).message.split('\n')[0] };
        console.error(`${backend}: phase ${phase.name} failed:`, err);
      }
      phases[backend][phase.name] = outcome;
      const mem = outcome.memory;
      if (mem?.accPeakMb !== undefined) {
        const isReports = phase.id === '3';
        const atMillion = Math.max(...cfg.reportSizes) >= 1_000_000;
        const floor = phase.id === '1' ? (mem.floorPeakMb ?? null) : (mem.accReadyMb ?? null);
        rows.push({
          backend,
          phase: phase.name,
          figure: 'server peak RSS during the phase',
          unit: 'MiB',
          acc: mem.accPeakMb,
          floor,
          floorName: phase.id === '1' ? 'floor server peak RSS' : 'acc idle RSS after start-up',
          ratio: floor ? mem.accPeakMb / floor : null,
          ...(isReports && {
            target: `< ${RSS_LIMIT_MB} MiB at 10^6 metrics`,
            pass: atMillion ? mem.accPeakMb < RSS_LIMIT_MB : undefined,
          }),
        });
      }
      for (const row of rows.filter((r) => r.backend === backend && r.phase === phase.name && r.unit !== 'MiB'))
        log(`  ${row.figure}: acc ${fmt(row.acc)} ${row.unit}, floor ${fmt(row.floor)}${row.pass === undefined ? '' : row.pass ? ' PASS' : ' MISS'}`);
      if (outcome.status !== 'ok') log(`  ${outcome.status}${outcome.note ? `: ${outcome.note}` : ''}`);
    }
    await db.dispose(args['keep-db'] === true);
    databases.splice(databases.indexOf(db), 1);
  }

  m.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const results: Results = { scale: cfg, machine: m, durationSeconds: (Date.now() - started) / 1000, backends, rows, phases, logLevel };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = markdown(results);
  writeFileSync(join(outDir, 'results.md'), md);
  console.log(`\n${md}`);
  log(`wrote ${join(outDir, 'results.md')} and results.json`);
  if (failed || args['keep-logs']) console.error(`server logs kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
  return failed ? 1 : 0;
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    console.error(err);
    await cleanup();
    process.exit(1);
  });
