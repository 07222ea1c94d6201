import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './proc.js';

export interface Bundles {
  server: string;
  floor: string;
}

/**
 * Bundles the two server entries from the current sources (workspace packages through their
 * `@acc/source` condition, inlined; everything from node_modules left as runtime imports), so the
 * measured processes run plain JavaScript under `node`, as a build would, without the tsx loader's
 * start-up time and memory. The output sits under node_modules/.cache, from where node_modules resolves.
 */
export async function bundleServers(): Promise<Bundles> {
  const outdir = join(ROOT, 'node_modules', '.cache', 'acc-bench');
  await build({
    entryPoints: { 'server-entry': join(ROOT, 'bench', 'server-entry.ts'), 'floor-server': join(ROOT, 'bench', 'floor-server.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@acc/source'],
    logLevel: 'warning',
    plugins: [
      {
        name: 'node-modules-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@acc/') ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  return { server: join(outdir, 'server-entry.mjs'), floor: join(outdir, 'floor-server.mjs') };
}
