/**
 * README.md as a test: every ```sh / ```bash block runs, top to bottom, as a newcomer would type it.
 *
 * The fence's info string says how a block runs (words after `sh`):
 *   (none)            in the context's bash session (`set -euo pipefail`, variables carry over between blocks)
 *   server            starts a server: run in the background, then `/ready` is polled until it answers 200
 *   stopped           runs after the context's server has been stopped (SIGTERM, as Ctrl-C would)
 *   production        in the production context instead of the dev one (may be combined with the above)
 *   smoke             `npm test` becomes `npm test -- <SMOKE_SUITES>`: the whole suite would run this file again
 *   no-run: <reason>  not run; the reason is mandatory
 * Each context gets a fresh `git clone` of this working tree (uncommitted changes copied over), so the
 * quick start's `npm install` and the production `npm ci` really run (offline, from the npm cache).
 * The dev context is `npm start` on a free port with a temp ACC_DATA_DIR; the production context is
 * `node apps/server/dist/main.js` on a throwaway PostgreSQL database trusting a local JWKS issuer. OpenAIRE is a
 * local fake; HOME is a temp folder, so no CLI config of the person running the test is read.
 * Afterwards the Dockerfile's runtime is checked: `npm prune --omit=dev`, then the server still starts from dist/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUrl } from './support/database.js';
import { startTestIssuer, type TestIssuer } from './support/issuer.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// One HTTP suite on both backends: proves `npm test` works in a fresh clone, PostgreSQL included.
const SMOKE_SUITES = ['apps/server/test/resources.test.ts'];
const SERVER_READY_TIMEOUT_MS = 240_000;

type Context = 'dev' | 'production';
type Role = 'session' | 'server' | 'stopped' | 'no-run';

export interface ShellBlock {
  /** 1-based line of the opening fence in README.md. */
  line: number;
  section: string;
  info: string;
  context: Context;
  role: Role;
  smoke: boolean;
  reason?: string;
  text: string;
}

const KNOWN_WORDS = new Set(['server', 'stopped', 'production', 'smoke']);

/** The ```sh and ```bash blocks of a markdown document, with their treatment parsed from the info string. */
export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (heading) section = heading[1].trim();
    const fence = /^(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!fence) continue;
    const close = lines.findIndex((l, j) => j > i && l.startsWith(fence[1]) && l.slice(fence[1].length).trim() === '');
    if (close === -1) throw new Error(`README.md line ${i + 1}: unclosed code fence`);
    const info = fence[2].trim();
    const lang = info.split(/\s+/)[0];
    if (lang === 'sh' || lang === 'bash') {
      const rest = info.slice(lang.length).trim();
      const noRun = /^no-run(?::\s*(.*))?$/.exec(rest);
      const words = noRun ? [] : rest.split(/\s+/).filter(Boolean);
      const unknown = words.filter((w) => !KNOWN_WORDS.has(w));
      if (unknown.length) throw new Error(`README.md line ${i + 1}: unknown fence word(s) ${unknown.join(', ')} in "${info}"`);
      blocks.push({
        line: i + 1,
        section,
        info,
        context: words.includes('production') ? 'production' : 'dev',
        role: noRun ? 'no-run' : words.includes('server') ? 'server' : words.includes('stopped') ? 'stopped' : 'session',
        smoke: words.includes('smoke'),
        reason: noRun?.[1]?.trim() || undefined,
        text: lines.slice(i + 1, close).join('\n'),
      });
    }
    i = close;
  }
  return blocks;
}

const readme = () => readFileSync(join(ROOT, 'README.md'), 'utf8');

function describeBlock(b: ShellBlock): string {
  return `README.md line ${b.line} (section "${b.section}", \`\`\`${b.info}):\n${b.text.replace(/^/gm, '    ')}`;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function mustRun(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.output}`);
  return r.output;
}

/**
 * A fresh clone, then the working tree's uncommitted state on top, so the README is tested against the
 * code beside it while nothing ignored (node_modules, dist, .turbo, data folders) comes along.
 */
async function cloneWorkingTree(dest: string): Promise<void> {
  await mustRun('git', ['clone', '--quiet', '--no-hardlinks', ROOT, dest], { cwd: tmpdir() });
  const listed = (args: string[]) => mustRun('git', args, { cwd: ROOT }).then((o) => o.split('\0').filter(Boolean));
  for (const file of await listed(['ls-files', '-z', '--modified', '--others', '--exclude-standard'])) {
    const from = join(ROOT, file);
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(from, join(dest, file));
  }
  for (const file of await listed(['ls-files', '-z', '--deleted'])) rmSync(join(dest, file), { force: true });
}

/** Only what a shell needs from the outside; ACC_* or vitest variables of the runner must not leak in. */
function baseEnv(home: string): NodeJS.ProcessEnv {
  const keep = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];
  const env: NodeJS.ProcessEnv = Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  return {
    ...env,
    HOME: home,
    // Everything installs from the cache of the person running the test: no registry traffic.
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // Telemetry of build tools and packages would leave 127.0.0.1.
    TURBO_TELEMETRY_DISABLED: '1',
    SCARF_ANALYTICS: 'false',
    DO_NOT_TRACK: '1',
    NO_COLOR: '1',
    ACC_TEST_DATABASE_URL: adminUrl(),
  };
}

interface Background {
  output(): string;
  stop(): Promise<void>;
}

/** Runs a `server` block in the background and resolves once `/ready` answers 200 on `port`. */
async function startServerBlock(block: ShellBlock, cwd: string, env: NodeJS.ProcessEnv, port: number): Promise<Background> {
  const child: ChildProcess = spawn('bash', ['-c', `set -euo pipefail\n${block.text}`], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  // 'close' waits for every process holding the pipes, i.e. the whole tree (npm → tsx → node) has exited.
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  let exited = false;
  void closed.then(() => (exited = true));
  const handle: Background = {
    output: () => output,
    async stop() {
      if (!exited) process.kill(-child.pid!, 'SIGTERM');
      await closed;
    },
  };
  const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
  while (!exited) {
    const status = await fetch(`http://127.0.0.1:${port}/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return handle;
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`${describeBlock(block)}\nno 200 from /ready within ${SERVER_READY_TIMEOUT_MS / 1000}s. Output:\n${output}`);
    }
    await Promise.race([closed, new Promise((r) => setTimeout(r, 250))]);
  }
  throw new Error(`${describeBlock(block)}\nexited with status ${await closed} before /ready answered 200. Output:\n${output}`);
}

/**
 * Runs blocks in one bash session. A marker line before each block ties the output to its block, so a
 * failure names the block, its README line and what it printed.
 */
async function runSession(blocks: ShellBlock[], cwd: string, env: NodeJS.ProcessEnv, scriptDir: string, extra = ''): Promise<void> {
  if (blocks.length === 0) return;
  const marker = `@@readme-block-${randomBytes(6).toString('hex')}@@`;
  const body = blocks.map((b, i) => {
    const text = b.smoke ? b.text.replace(/^(\s*npm test)\b(?!\s+--)/gm, `$1 -- ${SMOKE_SUITES.join(' ')}`) : b.text;
    return `printf '\\n${marker}%s\\n' ${i}\n${text}\n`;
  });
  const script = `set -euo pipefail\nexec 2>&1\n${body.join('')}printf '\\n${marker}done\\n'\n`;
  const file = join(scriptDir, `session-${randomBytes(4).toString('hex')}.sh`);
  writeFileSync(file, script);
  const { code, output } = await run('bash', [file], { cwd, env });
  const parts = output.split(new RegExp(`\\n?${marker}`));
  const last = parts.at(-1)!;
  if (code === 0 && last.startsWith('done')) return;
  const index = Number(/^(\d+)/.exec(last)?.[1] ?? -1);
  const failed = blocks[index];
  const printed = last.replace(/^\d+\n/, '');
  throw new Error(
    failed
      ? `${describeBlock(failed)}\nfailed (bash exited ${code}). Its output:\n${printed}${extra}`
      : `bash exited ${code} before the first block. Output:\n${output}${extra}`,
  );
}

/** A stand-in for api.openaire.eu: knows grant 777536 only, in OpenAIRE's JSON shape. */
async function startFakeOpenAire(): Promise<{ url: string; close(): Promise<void> }> {
  const project = {
    code: { $: '777536' },
    acronym: { $: 'EOSC-hub' },
    title: { $: 'Integrating and managing services for the European Open Science Cloud' },
    startdate: { $: '2018-01-01' },
    enddate: { $: '2021-03-31' },
    callidentifier: { $: 'H2020-EINFRA-2017' },
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const known = url.pathname === '/search/projects' && url.searchParams.get('grantID') === '777536';
    const body = known
      ? { response: { header: { total: { $: 1 } }, results: { result: [{ metadata: { 'oaf:entity': { 'oaf:project': project } } }] } } }
      : { response: { header: { total: { $: 0 } }, results: null } };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('shellBlocks', () => {
  it('reads info strings, sections and lines, and refuses unknown words', () => {
    const md = [
      '# A',
      '```sh server',
      'npm start',
      '```',
      '## B',
      '```ts',
      'x',
      '```',
      '```bash production stopped',
      'a',
      'b',
      '```',
      '```sh no-run: needs docker',
      'docker compose up',
      '```',
    ].join('\n');
    expect(shellBlocks(md)).toEqual([
      { line: 2, section: 'A', info: 'sh server', context: 'dev', role: 'server', smoke: false, reason: undefined, text: 'npm start' },
      {
        line: 9,
        section: 'B',
        info: 'bash production stopped',
        context: 'production',
        role: 'stopped',
        smoke: false,
        reason: undefined,
        text: 'a\nb',
      },
      {
        line: 13,
        section: 'B',
        info: 'sh no-run: needs docker',
        context: 'dev',
        role: 'no-run',
        smoke: false,
        reason: 'needs docker',
        text: 'docker compose up',
      },
    ]);
    expect(() => shellBlocks('```sh servr\nx\n```')).toThrow('unknown fence word(s) servr');
  });
});

describe('README.md', () => {
  const blocks = shellBlocks(readme());
  let work: string;
  let issuer: TestIssuer;
  let openaire: Awaited<ReturnType<typeof startFakeOpenAire>>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'acc-readme-'));
    mkdirSync(join(work, 'home'));
    [issuer, openaire] = await Promise.all([startTestIssuer(), startFakeOpenAire()]);
  });
  afterAll(async () => {
    await Promise.all([issuer?.close(), openaire?.close()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('runs every shell block, or says why not', () => {
    expect(blocks.length).toBeGreaterThan(10);
    for (const b of blocks.filter((x) => x.role === 'no-run')) expect(b.reason, describeBlock(b)).toBeTruthy();
    for (const context of ['dev', 'production'] as const) {
      const mine = blocks.filter((b) => b.context === context && b.role !== 'no-run');
      // The server comes first and stopped blocks last: that is the order the test can run them in.
      expect(
        mine.filter((b) => b.role === 'server'),
        `one server block in the ${context} context`,
      ).toHaveLength(1);
      expect(mine[0].role, `the ${context} context starts with its server`).toBe('server');
      const firstStopped = mine.findIndex((b) => b.role === 'stopped');
      if (firstStopped !== -1)
        expect(
          mine.slice(firstStopped).every((b) => b.role === 'stopped'),
          `stopped ${context} blocks come last`,
        ).toBe(true);
    }
  });

  /** Server block, then the running-server session, then the server stopped, then the stopped session. */
  async function runContext(context: Context, cwd: string, env: NodeJS.ProcessEnv, port: number, afterStop?: () => Promise<void>) {
    const mine = blocks.filter((b) => b.context === context && b.role !== 'no-run');
    const server = await startServerBlock(mine[0], cwd, env, port);
    let stopped = false;
    try {
      await runSession(
        mine.filter((b) => b.role === 'session'),
        cwd,
        env,
        work,
        '',
      );
      await server.stop();
      stopped = true;
      await runSession(
        mine.filter((b) => b.role === 'stopped'),
        cwd,
        env,
        work,
      );
      await afterStop?.();
    } catch (err) {
      (err as Error).message += `\n--- server output (last 4000 characters) ---\n${server.output().slice(-4000)}`;
      throw err;
    } finally {
      if (!stopped) await server.stop();
    }
  }

  it('dev: the quick start, the API walkthrough, the CLI and the PGlite backup run as written', async () => {
    const cwd = join(work, 'dev');
    await cloneWorkingTree(cwd);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      ...baseEnv(join(work, 'home')),
      ACC_PORT: String(port),
      ACC_URL: url,
      ACC_PUBLIC_URL: url,
      ACC_DATA_DIR: join(work, 'dev-data'),
      ACC_OPENAIRE_URL: openaire.url,
    };
    await runContext('dev', cwd, env, port);
  }, 900_000);

  it('production: npm ci, build, start on PostgreSQL; backup, restore, migrate; then the Docker runtime after npm prune --omit=dev', async () => {
    const cwd = join(work, 'production');
    await cloneWorkingTree(cwd);
    const database = `acc_readme_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const dbUrl = new URL(adminUrl());
    dbUrl.pathname = `/${database}`;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      ...baseEnv(join(work, 'home')),
      ACC_PORT: String(port),
      ACC_URL: url,
      ACC_PUBLIC_URL: url,
      ACC_DATABASE_URL: dbUrl.toString(),
      ACC_OIDC_ISSUER: issuer.issuer,
      ACC_OIDC_JWKS_URI: issuer.jwksUri,
      ACC_OPENAIRE_URL: openaire.url,
    };
    try {
      await runContext('production', cwd, env, port, async () => {
        // What the Dockerfile does after the build: without devDependencies the server must still start.
        await mustRun('npm', ['prune', '--omit=dev'], { cwd, env });
        const runtime = (extra: Record<string, string>, unset: string[] = []) => {
          const runtimeEnv: NodeJS.ProcessEnv = { ...env, NODE_ENV: 'production', ...extra };
          for (const name of unset) delete runtimeEnv[name];
          return startServerBlock(
            {
              line: 0,
              section: 'Dockerfile runtime',
              info: 'sh',
              context: 'production',
              role: 'server',
              smoke: false,
              text: 'node apps/server/dist/main.js',
            },
            cwd,
            runtimeEnv,
            port,
          );
        };
        const onPostgres = await runtime({});
        try {
          const res = await fetch(`${url}/accounting-system/unit-types`, {
            headers: { Authorization: `Bearer ${await issuer.token({ sub: 'readme' })}` },
          });
          expect(res.status, 'a token of the configured issuer is accepted (403: no role yet, but not 401)').toBe(403);
        } finally {
          await onPostgres.stop();
        }
        // The image's default without ACC_DATABASE_URL: embedded PGlite in ACC_DATA_DIR.
        const onPglite = await runtime({ ACC_DATA_DIR: join(work, 'image-data') }, ['ACC_DATABASE_URL']);
        await onPglite.stop();
      });
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  }, 900_000);
});
