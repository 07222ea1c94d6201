import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { httpRequest, type TlsClient } from './http.js';
import { PRODUCTION_NODE_OPTIONS } from '../../apps/server/src/runtime.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every child still running, so an interrupted run can stop them (by pid: only ours). */
const running = new Set<ChildProcess>();

export function killAllChildren(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export interface MemoryStatus {
  /** Resident set now, MiB. */
  rssMb: number;
  /** Peak resident set since start (or the last reset), MiB. */
  hwmMb: number;
}

/** VmRSS / VmHWM of a process from /proc (Linux); undefined elsewhere or once it has exited. */
export function memoryOf(pid: number): MemoryStatus | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

export interface ServerProcess {
  pid: number;
  url: string;
  /** The first stdout line, parsed (server-entry: url, adminToken, backend). */
  info: Record<string, unknown>;
  /** Resident set once ready (the idle baseline), MiB. */
  readyRssMb: number;
  /** Peak resident set so far: max of VmHWM and of the 100 ms VmRSS samples, MiB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** A JavaScript file to run with `node` (see build.ts). */
  script: string;
  env: Record<string, string>;
  /** HTTPS servers: the CA to trust for the readiness probe. */
  tls?: TlsClient;
  /** Start-up limit (PGlite migrations on a loaded machine are slow). */
  timeoutMs?: number;
}

/**
 * Starts a benchmark server process, waits for its one JSON line, then polls `/health` until it
 * answers 200 (no fixed sleeps), and samples its memory every 100 ms until stopped.
 */
export async function startServer(opts: SpawnOptions): Promise<ServerProcess> {
  // ACC_BENCH_CPU_PROF=<dir>: V8 CPU profiles of every benchmark server process, written when it stops.
  const profile = process.env.ACC_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.ACC_BENCH_CPU_PROF}`] : [];
  // Every benchmark server runs with production's V8 heap size (the Dockerfile's NODE_OPTIONS);
  // ACC_BENCH_NODE_ARGS adds flags after it (--trace-gc, or another --max-old-space-size to compare).
  const extra = process.env.ACC_BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...profile, PRODUCTION_NODE_OPTIONS, ...extra, opts.script], {
    cwd: ROOT,
    // Inherited ACC_* variables (a developer's shell) must not redirect the server to another database.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ACC_') && !k.startsWith('FLOOR_'))), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-8000);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${opts.script} did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.stdout!.setEncoding('utf8');
    const onData = (d: string) => {
      buffered += d;
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      // Anything printed later is drained and dropped, so the child never blocks on a full pipe.
      child.stdout!.resume();
      try {
        resolve(JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>);
      } catch {
        reject(new Error(`${opts.script} printed an unexpected first line: ${buffered.slice(0, nl)}`));
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.script} exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  const url = String(info.url);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await httpRequest(`${url}/health`, { tls: opts.tls });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${opts.script}: /health never answered 200`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const pid = child.pid!;
  let peak = 0;
  const sample = () => {
    const m = memoryOf(pid);
    if (m) peak = Math.max(peak, m.rssMb, m.hwmMb);
  };
  sample();
  const readyRssMb = memoryOf(pid)?.rssMb ?? NaN;
  const sampler = setInterval(sample, 100);
  sampler.unref();
  let stopping: Promise<void> | undefined;
  return {
    pid,
    url,
    info,
    readyRssMb,
    peakRssMb: () => {
      sample();
      return peak;
    },
    stop() {
      stopping ??= (async () => {
        sample();
        clearInterval(sampler);
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** User + system CPU time a process has used so far, ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Summed CPU ms of several processes; those gone are skipped. */
export const cpuMsOfAll = (pids: readonly number[]): number => pids.reduce((t, pid) => t + (cpuMsOf(pid) ?? 0), 0);
