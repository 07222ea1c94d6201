import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = new URL('../../../', import.meta.url).pathname;

type Line = Record<string, unknown> & { msg?: string; reqId?: string; raw?: string };

/**
 * The real entry point in a child process, exactly as operators run it (dev mode: it needs no issuer).
 * Every stdout line is kept; `waitFor` resolves on the first line (past or future) matching a predicate,
 * which is how the test knows what the server has done without sleeping.
 */
function startServer(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'acc-shutdown-'));
  const child = spawn(process.execPath, ['--conditions=@acc/source', '--import', 'tsx', 'apps/server/src/main.ts', '--dev'], {
    cwd: repoRoot,
    env: { ...process.env, ACC_PORT: '0', ACC_DATA_DIR: dataDir, ACC_LOG_FORMAT: 'json', ACC_LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  const text: string[] = [];
  const waiters: { match: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
  createInterface({ input: child.stdout }).on('line', (raw) => {
    text.push(raw);
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      line = { raw };
    }
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.match(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (match: (l: Line) => boolean, what: string) =>
    new Promise<Line>((resolve, reject) => {
      const seen = lines.find(match);
      if (seen) return resolve(seen);
      waiters.push({ match, resolve });
      void exited.then(({ code }) => reject(new Error(`server exited (${code}) before ${what}\n${text.join('\n')}\n${stderr}`)));
    });
  return {
    child,
    lines,
    exited,
    waitFor,
    cleanup() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
    get output() {
      return `${text.join('\n')}\n${stderr}`;
    },
  };
}

type Server = ReturnType<typeof startServer>;

async function ready(server: Server) {
  const listening = await server.waitFor((l) => typeof l.url === 'string' && /listening/.test(l.msg ?? ''), 'listening');
  const url = listening.url as string;
  const token = String((await server.waitFor((l) => /^ey[\w-]+\.[\w-]+\.[\w-]+$/.test(String(l.raw ?? '')), 'the dev token')).raw);
  // Readiness as an orchestrator would check it: poll until the database answers.
  for (;;) {
    const res = await fetch(`${url}/ready`).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((r) => setImmediate(r));
  }
  return { url, token };
}

interface Upload {
  response: Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>;
  finish(): void;
}

/** A request whose body arrives in two parts; the second only when the test says so. */
function slowUpload(url: string, path: string, token: string, requestId: string, body: string): Upload {
  const half = Math.floor(body.length / 2);
  const req = http.request(`${url}${path}`, {
    method: 'POST',
    agent: false,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      Authorization: `Bearer ${token}`,
      'X-Request-Id': requestId,
    },
  });
  const response = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => void (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, half));
  return { response, finish: () => void req.end(body.slice(half)) };
}

describe('graceful shutdown on SIGTERM', () => {
  let server: Server | undefined;
  afterEach(() => server?.cleanup());

  it('stops accepting, finishes in-flight requests, closes the database and exits 0', async () => {
    server = startServer({ ACC_SHUTDOWN_TIMEOUT_MS: '30000' });
    const { url, token } = await ready(server);

    // An idle keep-alive connection must not hold the shutdown up.
    const keepAlive = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) =>
      http.get(`${url}/health`, { agent: keepAlive }, (res) => res.resume().on('end', resolve)).on('error', reject),
    );

    const uploads = [
      slowUpload(url, '/trpc/unitTypes.create', token, 'slow-trpc-1', JSON.stringify({ unit_type: 'slow-1', description: 'x'.repeat(4000) })),
      slowUpload(url, '/trpc/unitTypes.create', token, 'slow-trpc-2', JSON.stringify({ unit_type: 'slow-2', description: 'y'.repeat(4000) })),
      slowUpload(url, '/accounting-system/unit-types', token, 'slow-rest', JSON.stringify({ unit_type: 'slow-3', description: 'z'.repeat(4000) })),
    ];
    for (const id of ['slow-trpc-1', 'slow-trpc-2', 'slow-rest']) {
      await server.waitFor((l) => l.reqId === id && l.msg === 'request received', `request ${id} to arrive`);
    }

    server.child.kill('SIGTERM');
    await server.waitFor((l) => /shutting down/.test(l.msg ?? ''), 'the shutdown log');
    // The listening socket is closed: a new connection is refused (or reset, if it raced the close).
    await expect(fetch(`${url}/health`)).rejects.toThrow();

    for (const upload of uploads) upload.finish();
    const [one, two, rest] = await Promise.all(uploads.map((u) => u.response));
    expect(one.status, one.body).toBe(200);
    expect(JSON.parse(one.body).result.data).toMatchObject({ unit_type: 'slow-1' });
    expect(two.status, two.body).toBe(200);
    expect(rest.status, rest.body).toBe(201);
    // Each finished connection is told it will not be reused.
    for (const r of [one, two, rest]) expect(r.headers.connection).toBe('close');

    expect(await server.exited).toEqual({ code: 0, signal: null });
    keepAlive.destroy();
    const messages = server.lines.map((l) => l.msg);
    expect(messages).toContain('stopped');
    expect(messages).not.toContain('shutdown timeout: closing remaining connections');
    expect(server.lines.filter((l) => l.msg === 'request completed' && String(l.reqId).startsWith('slow-')).map((l) => l.status)).toEqual(
      expect.arrayContaining([200, 200, 201]),
    );
  }, 180_000);

  it('closes connections still open after ACC_SHUTDOWN_TIMEOUT_MS and exits', async () => {
    server = startServer({ ACC_SHUTDOWN_TIMEOUT_MS: '300' });
    const { url, token } = await ready(server);
    const stuck = slowUpload(
      url,
      '/accounting-system/unit-types',
      token,
      'stuck',
      JSON.stringify({ unit_type: 'stuck', description: 'never finished' }),
    );
    await server.waitFor((l) => l.reqId === 'stuck' && l.msg === 'request received', 'the stuck request to arrive');

    server.child.kill('SIGTERM');
    await expect(stuck.response).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines.find((l) => l.msg === 'shutdown timeout: closing remaining connections')).toMatchObject({ inFlight: 1, timeoutMs: 300 });
    expect(server.lines.find((l) => l.reqId === 'stuck' && l.msg === 'request aborted')).toMatchObject({ status: 499, aborted: true });
  }, 180_000);
});
