import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = new URL('../../../', import.meta.url).pathname;
const NS = 'urn:geant:sandbox.eosc-beyond.eu:core:integration:group';
const JWT = /^ey[\w-]+\.[\w-]+\.[\w-]+$/;
const DAY = 86_400_000;

// The child processes must not inherit a developer's ACC_URL / ACC_PORT and talk to their server.
const { ACC_URL: _url, ACC_PORT: _port, ACC_DATA_DIR: _dir, ...baseEnv } = process.env;

/** `npm run dev:token` as the README runs it, but with the script's own flags. */
const mint = (args: string[]) =>
  run(process.execPath, ['--conditions=@acc/source', '--import', 'tsx', 'apps/server/src/dev/mint-token.ts', ...args], {
    cwd: repoRoot,
    env: baseEnv,
  });

/**
 * The real dev server (`npm start`'s entry point) in a child process on a free port and a temp data
 * folder, in the default `database` entitlement mode. Ready when its JSON log says where it listens.
 */
async function startDevServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--conditions=@acc/source', '--import', 'tsx', 'apps/server/src/main.ts', '--dev'], {
    cwd: repoRoot,
    env: { ...baseEnv, ACC_PORT: '0', ACC_DATA_DIR: dataDir, ACC_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (c: Buffer) => void (output += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`;
      try {
        const entry = JSON.parse(line) as { url?: string; msg?: string };
        if (entry.url && /listening/.test(entry.msg ?? '')) resolve(entry.url);
      } catch {
        // banner text
      }
    });
    child.once('exit', (code) => reject(new Error(`dev server exited (${code}) before listening:\n${output}`)));
  });
  return { child, url };
}

describe('npm run dev:token against a running dev server', () => {
  let dataDir: string;
  let server: { child: ChildProcess; url: string };
  const today = Math.floor(Date.now() / DAY) * DAY;
  const window = `start=${new Date(today - 30 * DAY).toISOString().slice(0, 10)}&end=${new Date(today).toISOString().slice(0, 10)}`;
  const status = async (path: string, token: string) =>
    (await fetch(`${server.url}/accounting-system${path}`, { headers: { Authorization: `Bearer ${token}` } })).status;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'acc-dev-token-'));
    server = await startDevServer(dataDir);
  }, 120_000);
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      const exited = new Promise((r) => server.child.once('exit', r));
      server.child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints only the dev admin token without --sub (npm run -s dev:token)', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'dev:token', '--', '--data-dir', dataDir, '--url', server.url], {
      cwd: repoRoot,
      env: baseEnv,
    });
    expect(stdout.trim()).toMatch(JWT);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(await status('/admin/version', stdout.trim())).toBe(200);
  });

  it('registers alice and her viewer entitlement, so the token works in database mode: 200 on that project, 403 elsewhere', async () => {
    const entitlement = `${NS}:accounting:genomics-hub:role=viewer`;
    const args = ['--sub', 'alice', '--entitlement', entitlement, '--data-dir', dataDir, '--url', server.url];
    const first = await mint(args);
    expect(first.stdout).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(first.stderr).toContain('alice');
    const alice = first.stdout.trim();
    expect(await status(`/projects/genomics-hub/report?${window}`, alice)).toBe(200);
    expect(await status(`/projects/climate-lab/report?${window}`, alice)).toBe(403);
    expect(await status('/admin/version', alice)).toBe(403);

    // Again: the actor, entitlement and assignment exist already, which is fine.
    const second = await mint(args);
    expect(second.stdout.trim()).toMatch(JWT);
    expect(await status(`/projects/genomics-hub/report?${window}`, second.stdout.trim())).toBe(200);
    const admin = (await mint(['--data-dir', dataDir, '--url', server.url])).stdout.trim();
    const list = await fetch(`${server.url}/accounting-system/admin/entitlements?size=100`, { headers: { Authorization: `Bearer ${admin}` } });
    const names = ((await list.json()) as { content: { name: string }[] }).content.map((e) => e.name);
    expect(names.filter((n) => n === entitlement)).toHaveLength(1);
  });

  it('still prints the token when no server answers, with a one-line warning on stderr', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const { stdout, stderr } = await mint([
      '--sub',
      'bob',
      '--entitlement',
      `${NS}:accounting:climate-lab:role=viewer`,
      '--data-dir',
      dataDir,
      '--url',
      `http://127.0.0.1:${port}`,
    ]);
    expect(stdout.trim()).toMatch(JWT);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^warning: no dev server answers at .*the grant was not registered/);
  });
});
