import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = new URL('../../../', import.meta.url).pathname;
const MiB = 1024 * 1024;
const SENDERS = 8;
const BODY = 16 * MiB;
/** What the flood may add to the server's resident memory; buffering it would take 8 × 16 MiB and more. */
const BOUND = 48 * MiB;

const rssOf = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/**
 * Streams a 16 MiB chunked body without a token, writing only when the socket has taken the previous
 * chunk, until the body is sent or the server has answered and closed. Resolves with the status line.
 */
function flood(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    // Many small objects, as a bulk push is: parsing them would cost far more than their text.
    const piece = Buffer.from('{"a":1},'.repeat(8192));
    const frame = (data: Buffer | string) => {
      const bytes = Buffer.from(data);
      return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
    };
    const framed = frame(piece);
    socket.on('data', (c: Buffer) => void (answer += c.toString('latin1')));
    socket.on('error', () => {});
    socket.once('close', () => resolve(answer.split('\r\n')[0]));
    const pump = () => {
      while (sent < BODY && !socket.destroyed) {
        sent += piece.length;
        if (!socket.write(framed)) return void socket.once('drain', pump);
      }
      if (!socket.destroyed) socket.end(Buffer.concat([frame('{}]'), Buffer.from('0\r\n\r\n')]));
    };
    socket.once('connect', () => {
      socket.write(
        'POST /accounting-system/unit-types HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      );
      socket.write(frame('['));
      pump();
    });
  });
}

/** The real entry point in a child process (dev mode needs no issuer), so its memory is its own. */
describe('memory under unauthenticated large bodies', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'acc-memory-'));
  const child = spawn(process.execPath, ['--conditions=@acc/source', '--import', 'tsx', 'apps/server/src/main.ts', '--dev'], {
    cwd: repoRoot,
    env: { ...process.env, ACC_PORT: '0', ACC_DATA_DIR: dataDir, ACC_DEMO: 'false', ACC_LOG_FORMAT: 'json', ACC_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let url = '';

  beforeAll(async () => {
    url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (raw) => {
        try {
          const line = JSON.parse(raw) as { url?: string; msg?: string };
          if (line.url && /listening/.test(line.msg ?? '')) resolve(line.url);
        } catch {
          /* the banner */
        }
      });
      child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
    });
    // Warm: the first requests load code paths (and their memory) that the flood must not be blamed for.
    for (let i = 0; i < 3; i++) {
      await fetch(`${url}/health`);
      await fetch(`${url}/accounting-system/unit-types`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    }
  }, 120_000);

  afterAll(() => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps RSS within ${BOUND / MiB} MiB of its baseline and /health answering while ${SENDERS} clients stream ${BODY / MiB} MiB each`, async () => {
    const pid = child.pid!;
    const baseline = rssOf(pid);
    let peak = baseline;
    // Sampled while the flood runs: the peak is what matters, not what is left after garbage collection.
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 10);
    try {
      const port = Number(new URL(url).port);
      const floods = Array.from({ length: SENDERS }, () => flood(port));
      const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
      expect(health.status).toBe(200);
      const answers = await Promise.all(floods);
      // A client still writing when the server closes may get a reset instead of the 401 (no lingering close).
      for (const a of answers) expect(['HTTP/1.1 401 Unauthorized', '']).toContain(a);
      peak = Math.max(peak, rssOf(pid));
    } finally {
      clearInterval(sampler);
    }
    expect(peak - baseline).toBeLessThan(BOUND);
  }, 60_000);
});
