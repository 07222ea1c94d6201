// Bundles the CLI into one executable ESM file, dist/acc.js, runnable with plain `node`.
// Workspace packages are taken from source (the "@acc/source" condition), so no prior build is needed.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const pkg = JSON.parse(readFileSync(here('./package.json'), 'utf8'));
const outfile = here('./dist/acc.js');

const result = await build({
  entryPoints: [here('./src/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  conditions: ['@acc/source'],
  // CommonJS dependencies (commander, cli-progress) call require() for Node built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __accCreateRequire } from 'node:module';\nconst require = __accCreateRequire(import.meta.url);",
  },
  define: { __ACC_CLI_VERSION__: JSON.stringify(pkg.version) },
  legalComments: 'none',
  metafile: true,
  write: false,
  logLevel: 'warning',
});

// The client imports the server's router type only; any server module in the bundle is a leak.
const leaked = Object.keys(result.metafile.inputs).filter((f) => f.includes('apps/server/'));
if (leaked.length) {
  console.error(`The CLI bundle must not contain server code:\n  ${leaked.join('\n  ')}`);
  process.exit(1);
}
// Written aside and renamed, so a concurrent `node dist/acc.js` never reads a half-written file.
mkdirSync(dirname(outfile), { recursive: true });
const temp = `${outfile}.${process.pid}.tmp`;
writeFileSync(temp, result.outputFiles[0].contents);
chmodSync(temp, 0o755);
renameSync(temp, outfile);
writeFileSync(`${temp}.meta`, JSON.stringify(result.metafile));
renameSync(`${temp}.meta`, here('./dist/meta.json'));
