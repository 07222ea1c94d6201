// After `vite build`: measures the JavaScript the overview loads first (the entry chunk and its static
// imports, gzipped) against the 300 KB budget, and fails the build if anything of the server was bundled.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 300 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/([^"]+\.js)"/g)].map((m) => m[1]);
if (initial.length === 0) throw new Error('no script found in dist/index.html');
let gzipped = 0;
let raw = 0;
for (const file of new Set(initial)) {
  const body = readFileSync(join(dist, file));
  raw += body.length;
  gzipped += gzipSync(body, { level: 9 }).length;
}
// Server-only modules that must never reach the browser (the AppRouter import is type-only).
const FORBIDDEN = ['fastify', 'typeorm', '@electric-sql/pglite', 'node:fs', 'jose', 'pino', 'prom-client'];
for (const file of readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'))) {
  const text = readFileSync(join(dist, 'assets', file), 'utf8');
  for (const name of FORBIDDEN)
    if (text.includes(`from"${name}"`) || text.includes(`require("${name}")`) || text.includes(`"${name}"`))
      throw new Error(`${file} mentions ${name}: server code reached the bundle`);
}
const report = { initial_js_files: [...new Set(initial)], initial_js_bytes: raw, initial_js_gzip_bytes: gzipped, budget_gzip_bytes: BUDGET_BYTES };
writeFileSync(join(dist, 'size.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`overview initial JS: ${(gzipped / 1024).toFixed(1)} KB gzipped (${(raw / 1024).toFixed(1)} KB raw), budget ${BUDGET_BYTES / 1024} KB`);
if (gzipped > BUDGET_BYTES) {
  console.error('over budget');
  process.exit(1);
}
