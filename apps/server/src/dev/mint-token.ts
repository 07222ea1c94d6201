/**
 * Mints a dev-mode token from the key the dev server keeps in its data folder, to try other roles:
 *   npm run dev:token -- --sub alice --entitlement 'urn:…:group:accounting:P1:role=admin'
 * In dev mode the default entitlement source is the database, so start the server with
 * ACC_ENTITLEMENTS_SOURCE=oidc to have the token's entitlements count.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDevKeys, mintDevToken } from './dev-issuer.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'dev-user' },
    entitlement: { type: 'string', multiple: true, default: [] },
    name: { type: 'string' },
    ttl: { type: 'string', default: '12h' },
    'data-dir': { type: 'string', default: process.env.ACC_DATA_DIR ?? './.acc-data' },
  },
});
const file = join(values['data-dir']!, 'dev-signing-key.json');
if (!existsSync(file)) {
  console.error(`No dev signing key at ${file}: start the server once with \`npm start\` (same ACC_DATA_DIR).`);
  process.exit(1);
}
const keys = await loadDevKeys(file);
console.log(await mintDevToken(keys, { sub: values.sub, name: values.name ?? values.sub, entitlements: values.entitlement }, values.ttl));
