import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
export const REPO_ROOT = root;
export const ACC_JS = join(root, 'apps/cli/dist/acc.js');
export const META_JSON = join(root, 'apps/cli/dist/meta.json');

/** Bundles the CLI exactly as `npm run build` does; the tests then run the real artefact. */
export function buildCli(): void {
  execFileSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { cwd: root, stdio: 'pipe' });
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A HOME of its own, so no developer config file leaks into a test. */
export const freshHome = () => mkdtempSync(join(tmpdir(), 'acc-cli-home-'));

/**
 * Runs `node dist/acc.js ...args` with a minimal environment: only PATH, HOME and what the test passes
 * (no ACC_* or DEBUG from the developer's shell).
 */
export function runAcc(args: string[], opts: { env?: Record<string, string>; home?: string; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ACC_JS, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: opts.home ?? freshHome(), ...opts.env },
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export const lines = (text: string) => text.split('\n').filter((l) => l !== '');
