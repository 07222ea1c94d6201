import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountingClient } from '@acc/client';
import { json, startScriptedServer } from '../../../packages/client/test/support/http.js';
import { startRecordingProxy, type RecordingProxy } from '../../../packages/client/test/support/recording-proxy.js';
import { seedWorld, type World } from '../../../packages/client/test/support/world.js';
import { createProgram } from '../src/program.js';
import { ACC_JS, buildCli, freshHome, lines, runAcc } from './support/cli.js';

// The real server, behind a recording proxy so tests can see what the CLI sent.
let w: World;
let fake: RecordingProxy;
let goodToken: string;

beforeAll(async () => {
  buildCli();
  w = await seedWorld();
  goodToken = w.token;
  await new AccountingClient({ endpoint: w.server.url, token: w.token }).admin.createProject({
    id: 'long',
    acronym: 'LONG',
    title: 'A title that is much longer than forty characters, surely',
    start_date: '2024-01-01',
    end_date: '2024-12-31',
    call_identifier: 'X',
  });
  fake = await startRecordingProxy(w.server.url);
});
afterAll(async () => {
  await fake?.close();
  await w?.close();
});

const projects = (args: string[], opts: { env?: Record<string, string>; home?: string } = {}) => runAcc(['projects', 'list', ...args], opts);
const writeConfig = (home: string, config: unknown) => {
  mkdirSync(join(home, '.config', 'acc'), { recursive: true });
  writeFileSync(join(home, '.config', 'acc', 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
};

describe('configuration precedence', () => {
  it('flags win over the environment', async () => {
    const r = await projects(['--url', fake.url, '--token', goodToken], { env: { ACC_URL: 'http://127.0.0.1:9', ACC_TOKEN: 'bad' } });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)[0]).toBe('EOSC Beyond (ID: 777536)');
  });

  it('the environment wins over the config file', async () => {
    const home = freshHome();
    writeConfig(home, { url: 'http://127.0.0.1:9', token: 'bad' });
    expect((await projects([], { home, env: { ACC_URL: fake.url, ACC_TOKEN: goodToken } })).code).toBe(0);
  });

  it('the config file is enough on its own, token file included', async () => {
    const home = freshHome();
    writeFileSync(join(home, 'tok'), `${goodToken}\n`);
    writeConfig(home, { url: fake.url, token_file: join(home, 'tok') });
    expect((await projects([], { home })).code).toBe(0);
    writeConfig(home, { url: fake.url, token: goodToken });
    expect((await projects([], { home })).code).toBe(0);
  });

  it('ACC_TOKEN_FILE and -f read the token from a file, trimmed', async () => {
    const home = freshHome();
    writeFileSync(join(home, 'tok'), `${goodToken}\n\n`);
    expect((await projects([], { home, env: { ACC_URL: fake.url, ACC_TOKEN_FILE: join(home, 'tok') } })).code).toBe(0);
    expect((await projects(['--url', fake.url, '--token', join(home, 'tok'), '-f'], { home })).code).toBe(0);
  });

  it('a token file that cannot be read is a runtime error', async () => {
    const r = await projects(['--url', fake.url, '--token', '/nonexistent/token', '-f']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("Error while reading token from file: ENOENT: no such file or directory, open '/nonexistent/token'\n");
  });

  it('there is no default server: without one the command stops before any request (exit 2)', async () => {
    const r = await projects(['--token', goodToken]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('error: no server given: pass --url <url> (or --host <fqdn>), or set ACC_URL, or "url" in ~/.config/acc/config.json\n');
    const home = freshHome();
    writeConfig(home, { token: goodToken });
    expect((await projects([], { home })).stderr).toBe(r.stderr);
    const apel = await runAcc(['apel', 'send', join(home, '.config', 'acc', 'config.json')]);
    expect(apel).toMatchObject({ code: 2, stderr: r.stderr });
  });

  it('commands that need no server work without one', async () => {
    const help = await runAcc(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(
      '--host <fqdn> FQDN of Argo Accounting Service (or ACC_URL, ~/.config/acc/config.json; no default)',
    );
    expect(help.stdout).not.toContain('api.devel.acc.argo.grnet.gr');
    expect(await runAcc(['--version'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    expect(await runAcc(['-V'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    expect(await runAcc(['completion', 'bash'])).toMatchObject({ code: 0, stderr: '' });
    expect((await runAcc(['metrics', 'push', '--help'])).code).toBe(0);
  });

  it('a missing token is a usage error', async () => {
    const r = await projects(['--url', fake.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: a token is required: pass --token, or set ACC_TOKEN or ACC_TOKEN_FILE/);
  });

  it('a malformed config file is reported', async () => {
    const home = freshHome();
    writeConfig(home, '{nope');
    const r = await projects(['--token', 'x'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error while reading config file .*config\.json: /);
  });

  it('a rejected token gives the command error line', async () => {
    const r = await projects(['--url', fake.url, '--token', 'bad']);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe('Error while iterating projects: While trying the [project_list]: The access token is invalid.\n');
  });
});

describe('output details', () => {
  const env = () => ({ ACC_URL: fake.url, ACC_TOKEN: goodToken });

  it('cuts table cells to 40 characters with …', async () => {
    const table = lines((await projects(['--output', 'table'], { env: env() })).stdout);
    const long = table.find((l) => l.startsWith('long'))!;
    expect(long).toContain('A title that is much longer than forty…');
    expect(long).not.toContain('surely');
  });

  it('sends the pushed value as a JSON number', async () => {
    const r = await runAcc(
      [
        'metrics',
        'push',
        '--installation',
        w.kns,
        '--metricdefid',
        w.cpu,
        '--tstart',
        '2024-06-01T00:00:00Z',
        '--tend',
        '2024-06-02T00:00:00Z',
        '--value',
        '10.80',
      ],
      { env: env() },
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^[0-9a-f]{24}\n$/);
    const push = fake.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/metrics')).at(-1)!;
    expect(JSON.parse(push.body)).toEqual({
      metric_definition_id: w.cpu,
      time_period_start: '2024-06-01T00:00:00Z',
      time_period_end: '2024-06-02T00:00:00Z',
      value: 10.8,
    });
    expect(push.body).toContain('"value":10.8');
    expect(push.headers['content-type']).toBe('application/json');
    expect(push.headers['idempotency-key']).toBeTruthy();
  });

  it('DEBUG=1 logs requests to stderr without the token', async () => {
    const on = await projects([], { env: { ...env(), DEBUG: 'yes' } });
    expect(on.code).toBe(0);
    const debug = lines(on.stderr);
    expect(debug.length).toBeGreaterThan(0);
    expect(debug.every((l) => / - argo_acc_library - DEBUG - /.test(l))).toBe(true);
    expect(on.stderr).toContain(`GET ${fake.url}/accounting-system/projects?page=1 (attempt 1/3)`);
    expect(on.stderr).toContain('Bearer ***');
    expect(on.stderr).not.toContain(goodToken);
    expect((await projects([], { env: { ...env(), DEBUG: 'off' } })).stderr).toBe('');
  });

  it('--timeout and --retries reach the library', async () => {
    const silent = await startScriptedServer(() => {
      /* never answers */
    });
    try {
      const r = await projects(['--url', silent.url, '--token', 't', '--timeout', '1', '--retries', '0']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('Error while iterating projects: While trying the [project_list]: timed out after 1000 ms\n');
      expect(silent.seen).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });

  it('--page-size is sent as size', async () => {
    const before = fake.requests.length;
    await runAcc(['providers', 'list', '--page-size', '1'], { env: env() });
    expect(fake.requests.slice(before).map((q) => q.query.toString())).toEqual(['page=1&size=1', 'page=2&size=1']);
  });
});

describe('a closed stdout', () => {
  it('ends `acc metrics list | head -1` quietly with exit 0', async () => {
    // Page 2 is answered only once the reader has gone, so the CLI's next write surely meets a closed pipe.
    let readerGone!: () => void;
    const gone = new Promise<void>((r) => (readerGone = r));
    const metric = (value: number) => ({ metric_id: `m${value}`, value, metric_definition: { metric_type: 'aggregated' } });
    const server = await startScriptedServer((req, res) => {
      const page = new URL(req.url, 'http://x').searchParams.get('page');
      const answer = () =>
        json(res, 200, {
          content: [1, 2, 3].map((n) => metric(Number(page) * 10 + n)),
          number_of_page: Number(page),
          total_pages: 2,
          size_of_page: 3,
          total_elements: 6,
        });
      if (page === '1') answer();
      else void gone.then(answer);
    });
    try {
      const child = spawn(process.execPath, [ACC_JS, 'metrics', 'list', '--installation', 'i1'], {
        env: { PATH: process.env.PATH ?? '', HOME: freshHome(), ACC_URL: server.url, ACC_TOKEN: 't' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      const first = await new Promise<string>((resolve) => {
        let seen = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          seen += c;
          if (seen.includes('\n')) resolve(seen.split('\n')[0]);
        });
      });
      child.stdout.destroy();
      readerGone();
      expect(first).toBe('11 aggregated');
      expect(await exited).toBe(0);
      expect(stderr).toBe('');
    } finally {
      await server.close();
    }
  });
});

describe('usage errors and help', () => {
  it.each([
    [['projects', 'list', '--bogus']],
    [['projects', 'list', '--output', 'xml']],
    [['providers', 'list', '--page-size', '0']],
    [['projects', 'list', '--timeout', 'soon']],
    [['nonsense']],
    [[]],
    [['completion', 'fish']],
  ])('%j exits 2', async (args) => {
    const r = await runAcc(args, { env: { ACC_TOKEN: 't' } });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toBe('');
  });

  // One process per command, one after another: on a loaded 2-core runner this takes well over 30 s.
  it('every command answers --help with exit 0', async () => {
    const paths: string[][] = [];
    const walk = (cmd: Command, prefix: string[]) => {
      for (const sub of cmd.commands) {
        if (sub.name() === 'help') continue;
        const path = [...prefix, sub.name()];
        paths.push(path);
        walk(sub, path);
      }
    };
    walk(createProgram(), []);
    expect(paths.length).toBeGreaterThan(20);
    for (const path of [[], ...paths]) {
      const r = await runAcc([...path, '--help']);
      expect(r.code, path.join(' ')).toBe(0);
      expect(r.stdout).toContain(`Usage: acc${path.length ? ` ${path.join(' ')}` : ''}`);
    }
  }, 180_000);

  it('uses the original help texts', async () => {
    // Help wraps at the terminal width; compare with whitespace collapsed.
    const push = (await runAcc(['metrics', 'push', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(push).toContain('ID of installation registered in Argo Accounting Service');
    expect(push).toContain('Reference Id from the metric definition.');
    expect(push).toContain('Timestamp of the starting date time (Zulu timestamp)');
    expect(push).toContain('--host <fqdn> FQDN of Argo Accounting Service');
    expect(push).toContain('--token <jwt> JWT authentication token');
    expect(push).toContain('-f treat the JWT authentication token argument as a path to a file holding the token');
  });
});

describe('shell completion', () => {
  const bashComplete = (words: string[]) =>
    execFileSync(
      'bash',
      [
        '-c',
        `source <("${process.execPath}" "${ACC_JS}" completion bash); COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _acc_completion; echo "\${COMPREPLY[*]}"`,
      ],
      { encoding: 'utf8' },
    ).trim();

  it('bash completes commands, subcommands and options', () => {
    expect(bashComplete(['acc', 'met']).split(' ').sort()).toEqual(['metric-definitions', 'metric-types', 'metrics']);
    expect(bashComplete(['acc', 'metrics', '']).split(' ').sort()).toEqual(['--help', 'import', 'list', 'push']);
    expect(bashComplete(['acc', 'metrics', 'list', '--inst'])).toBe('--installation');
    expect(bashComplete(['acc', '--url', 'http://x', 'apel', 'send', '--rem'])).toBe('--remove');
    expect(bashComplete(['acc', 'search', 'metr']).split(' ').sort()).toEqual(['metric-definitions', 'metrics']);
    expect(bashComplete(['acc', 'projects', 'list', '--output', 'c']).split(' ').sort()).toEqual(['chart', 'csv']);
    for (const group of ['alerts', 'schedules']) {
      expect([group, bashComplete(['acc', group, '']).split(' ').sort()]).toEqual([
        group,
        ['--help', 'create', 'delete', 'deliveries', 'get', 'list', 'redeliver', 'test', 'update'],
      ]);
    }
    expect(bashComplete(['acc', 'schedules', 'create', '--ev'])).toBe('--every');
    expect(bashComplete(['acc', 'schedules', 'create', '--every', '']).split(' ').sort()).toEqual(['month', 'week']);
    expect(bashComplete(['acc', 'alerts', 'create', '--kind', 's'])).toBe('silence');
    // `acc usage --window` keeps its own windows: alert rules' --window offers no list of its own.
    expect(bashComplete(['acc', 'usage', '--window', 'h'])).toBe('hour');
  });

  it('zsh gets a compdef script', async () => {
    const r = await runAcc(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#compdef acc\n')).toBe(true);
    expect(r.stdout).toContain(`"metrics list") opts=(`);
    const zsh = spawnSync('zsh', ['-n'], { input: r.stdout, encoding: 'utf8' });
    // zsh is optional on CI machines; when present, the script must at least parse.
    if (!zsh.error) expect(zsh.status, zsh.stderr).toBe(0);
  });
});
