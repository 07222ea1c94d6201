import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { PhaseOutcome, Row, ScaleConfig } from './context.js';
import type { Backend } from './db.js';
import { ROOT } from './proc.js';
import { fmt } from './stats.js';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
  postgres?: string;
  pglite?: string;
  date: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  let cpu = cpus[0]?.model?.trim() ?? 'unknown';
  // Some virtual machines report only the family ("AMD EPYC"); lscpu may know more.
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const model = /^Model name:\s*(.+)$/m.exec(lscpu)?.[1]?.trim();
    if (model && model.length > cpu.length) cpu = model;
  } catch {
    // lscpu is optional
  }
  let pglite: string | undefined;
  try {
    pglite = (JSON.parse(readFileSync(`${ROOT}node_modules/@electric-sql/pglite/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    pglite = undefined;
  }
  return {
    cpu,
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    pglite,
    date: new Date().toISOString(),
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export interface Results {
  scale: ScaleConfig;
  machine: Machine;
  durationSeconds: number;
  backends: Backend[];
  rows: Row[];
  phases: Record<string, Record<string, PhaseOutcome>>;
  logLevel: string;
}

const cell = (x: number | null, unit: string) => (x === null ? 'n/a' : unit === 'exponent' ? fmt(x, 2) : `${fmt(x)} ${unit}`);

export function markdown(r: Results): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`# acc benchmark results (${r.scale.scale} scale)`, '');
  out.push(
    `Run ${m.date} for ${Math.round(r.durationSeconds)} s by \`npm run bench -- --scale ${r.scale.scale}\`. Every acc figure is beside a floor measured in the same run on the same database; targets are reported, never asserted.`,
    '',
  );
  out.push('| CPU | Cores | RAM | Node | OS | PostgreSQL | PGlite | Load average (start → end) |');
  out.push('|---|---|---|---|---|---|---|---|');
  out.push(
    `| ${m.cpu} | ${m.cores} | ${m.ramGiB} GiB | ${m.node} | ${m.os} | ${m.postgres ?? '—'} | ${m.pglite ?? '—'} | ${m.loadAverageAtStart.join(' / ')} → ${m.loadAverageAtEnd?.join(' / ') ?? '—'} |`,
  );
  out.push('');
  out.push('| Backend | Phase | Figure | acc | Floor | Floor is | acc ÷ floor | Target | Result |');
  out.push('|---|---|---|---|---|---|---|---|---|');
  for (const row of r.rows) {
    const result = row.pass === undefined ? (row.target ? 'n/a' : '') : row.pass ? 'PASS' : 'MISS';
    out.push(
      `| ${row.backend} | ${row.phase} | ${row.figure}${row.note ? ` (${row.note})` : ''} | ${cell(row.acc, row.unit)} | ${cell(row.floor, row.unit)} | ${row.floorName} | ${row.ratio === null ? '—' : `${fmt(row.ratio, 3)}×`} | ${row.target ?? ''} | ${result} |`,
    );
  }
  const notes: string[] = [];
  for (const [backend, phases] of Object.entries(r.phases))
    for (const [phase, o] of Object.entries(phases))
      if (o.status !== 'ok') notes.push(`- ${backend}, ${phase}: **${o.status}**${o.note ? ` — ${o.note}` : ''}`);
  if (notes.length) out.push('', 'Phases not measured:', '', ...notes);
  out.push(
    '',
    `Server log level \`${r.logLevel}\` (JSON lines to a file, as in production). Peak RSS: VmHWM/VmRSS of the acc server process, started fresh for each phase; its floor is the floor server's peak in phase 1 and the acc server's idle RSS right after start-up elsewhere.`,
    '',
  );
  return out.join('\n');
}
