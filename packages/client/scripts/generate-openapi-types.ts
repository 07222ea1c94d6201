/**
 * Writes src/openapi/schema.d.ts from the server's OpenAPI document, built in-process from the router
 * source (no running server, no network). Scripts are not part of the built library, so importing
 * server code here does not leak into @acc/client.
 *
 *   tsx --conditions=@acc/source packages/client/scripts/generate-openapi-types.ts [--out <file>] [--check]
 *
 * --check regenerates to a temporary file and fails when it differs from the committed schema.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildOpenApiDocument } from '../../../apps/server/src/http/openapi.js';
import { appRouter } from '../../../apps/server/src/router.js';

const committed = fileURLToPath(new URL('../src/openapi/schema.d.ts', import.meta.url));

const BANNER = `/**
 * Generated from the server's OpenAPI document by packages/client/scripts/generate-openapi-types.ts.
 * Do not edit: run \`npm run generate:openapi\`. CI fails (\`npm run check:generated\`) when it is stale.
 */

`;

async function render(): Promise<string> {
  // Fixed values keep the output independent of the environment running the script.
  const doc = buildOpenApiDocument(appRouter, { version: 'generated', publicUrl: 'http://localhost:8080' });
  const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0]);
  return BANNER + astToString(ast);
}

async function main() {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  if (args.includes('--check')) {
    const dir = mkdtempSync(join(tmpdir(), 'acc-openapi-'));
    try {
      const fresh = join(dir, 'schema.d.ts');
      writeFileSync(fresh, await render());
      const before = readFileSync(committed, 'utf8');
      if (before !== readFileSync(fresh, 'utf8')) {
        console.error(`${committed} is out of date with the server's OpenAPI document; run \`npm run generate:openapi\`.`);
        process.exitCode = 1;
        return;
      }
      console.log('packages/client/src/openapi/schema.d.ts is up to date.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const out = outAt >= 0 ? args[outAt + 1] : committed;
  if (!out) throw new Error('--out needs a file name');
  writeFileSync(out, await render());
  console.log(`Wrote ${out}`);
}

main().then(
  // The router's import graph opens no handles, but exit explicitly in case a module ever does.
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
