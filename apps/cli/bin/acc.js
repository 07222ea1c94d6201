#!/usr/bin/env node
// Committed so that `npm install` can link the `acc` bin before the first build; the real CLI is the
// one-file bundle that `npm run build` writes to dist/.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/acc.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('acc: the CLI is not built yet; run `npm run build` first.\n');
  process.exit(2);
}
await import(bundle.href);
