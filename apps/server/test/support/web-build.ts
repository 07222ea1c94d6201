import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** What the dashboard bundle is built from: its own sources and the contracts it imports. */
const INPUTS = [join(WEB_DIR, 'src'), join(WEB_DIR, 'index.html'), join(WEB_DIR, 'vite.config.ts'), join(REPO_ROOT, 'packages/contracts/src')];

const newest = (path: string): number => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
};

/**
 * Builds the dashboard when it is missing or older than its sources, and says where it is. The browser
 * tests serve `apps/web/dist`; a bundle left from an earlier build would test the old dashboard (a fix
 * would seem not to work, or a regression pass).
 */
export function buildWebIfStale(): string {
  const dist = join(WEB_DIR, 'dist');
  const index = join(dist, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : -1;
  if (built < Math.max(...INPUTS.filter((p) => existsSync(p)).map(newest))) execFileSync('npx', ['vite', 'build'], { cwd: WEB_DIR, stdio: 'ignore' });
  return dist;
}

/** Vitest global setup: the build happens once, before any worker starts, so workers never race to it. */
export default function setup(): void {
  buildWebIfStale();
}
