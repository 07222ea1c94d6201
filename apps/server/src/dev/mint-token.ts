/**
 * Dev-mode tokens, signed with the key the dev server keeps in its data folder:
 *
 *   TOKEN=$(npm run -s dev:token)                 the dev admin's token
 *   ALICE=$(npm run -s dev:token -- --sub alice --entitlement '<ns>:accounting:<P>:role=viewer')
 *
 * With `--sub`, the grant is also registered on the running dev server, so the token works in the default
 * `database` entitlement mode: alice registers herself (`POST /clients` with her token), then the dev admin
 * creates each entitlement if missing and assigns it to her. This goes through the server's API because
 * PGlite is single-process: the database cannot be opened beside the server. The token also carries the
 * entitlements as a claim, for `oidc` mode. Only the token goes to stdout; everything else to stderr.
 *
 * Options: --sub, --entitlement (repeatable), --name, --email, --ttl (12h), --data-dir (ACC_DATA_DIR or
 * ./.acc-data), --url (ACC_URL, or http://127.0.0.1:${ACC_PORT:-8080}).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { DEV_ISSUER, devAdminClaims, loadDevKeys, mintDevToken } from './dev-issuer.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    entitlement: { type: 'string', multiple: true, default: [] },
    name: { type: 'string' },
    email: { type: 'string' },
    ttl: { type: 'string', default: '12h' },
    'data-dir': { type: 'string', default: process.env.ACC_DATA_DIR ?? './.acc-data' },
    url: { type: 'string', default: process.env.ACC_URL ?? `http://127.0.0.1:${process.env.ACC_PORT ?? 8080}` },
  },
});

const file = join(values['data-dir'], 'dev-signing-key.json');
if (!existsSync(file)) {
  console.error(`No dev signing key at ${file}: start the server once with \`npm start\` (same ACC_DATA_DIR).`);
  process.exit(1);
}
const keys = await loadDevKeys(file);
const { namespace, parent } = loadConfig(process.env, { dev: true }).entitlements;
const adminToken = await mintDevToken(keys, devAdminClaims(namespace, parent), values.ttl);

if (values.sub === undefined) {
  console.log(adminToken);
  process.exit(0);
}

const sub = values.sub;
const entitlements = values.entitlement;
const token = await mintDevToken(
  keys,
  { sub, name: values.name ?? sub, ...(values.email !== undefined && { email: values.email }), entitlements },
  values.ttl,
);
const base = `${values.url.replace(/\/+$/, '')}/accounting-system`;

class NoServer extends Error {}

/** One API call; a connection failure means no dev server is running there. */
/** The fields of the admin API's answers this script reads; absent on an error body. */
interface Reply {
  status: number;
  body: { message?: string; content?: unknown[]; total_pages?: number; id?: string } | undefined;
}

async function call(method: string, path: string, bearer: string, body?: unknown): Promise<Reply> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new NoServer((err as Error).message);
  }
  const text = await res.text();
  let parsed: Reply['body'];
  try {
    parsed = text ? (JSON.parse(text) as Reply['body']) : undefined;
  } catch {
    parsed = { message: text };
  }
  return { status: res.status, body: parsed };
}

const expect = (r: Reply, ok: number[], what: string) => {
  if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.body?.message ?? JSON.stringify(r.body)}`);
  return r;
};

/** Every item of a paged admin listing (there is no lookup by name or oidc_id). */
async function* listAll<T>(path: string): AsyncGenerator<T> {
  for (let page = 1; ; page++) {
    const r = expect(await call('GET', `${path}?page=${page}&size=100`, adminToken), [200], `GET ${path}`);
    yield* (r.body?.content ?? []) as T[];
    if (page >= (r.body?.total_pages ?? 0)) return;
  }
}

async function find<T>(path: string, match: (item: T) => boolean): Promise<T | undefined> {
  for await (const item of listAll<T>(path)) if (match(item)) return item;
  return undefined;
}

async function entitlementId(name: string): Promise<string> {
  const existing = await find<{ id: string; name: string }>('/admin/entitlements', (e) => e.name === name);
  if (existing) return existing.id;
  const created = await call('POST', '/admin/entitlements', adminToken, { name });
  // 409: created meanwhile by someone else; it is there now.
  if (created.status === 409) return (await find<{ id: string; name: string }>('/admin/entitlements', (e) => e.name === name))!.id;
  return expect(created, [201], `creating entitlement ${name}`).body!.id!;
}

async function register(): Promise<void> {
  expect(await call('POST', '/clients', token), [200], `registering ${sub} (POST /clients)`);
  if (entitlements.length === 0) return;
  const actor = await find<{ id: string; oidc_id: string; issuer: string }>('/admin/actors', (a) => a.oidc_id === sub && a.issuer === DEV_ISSUER);
  if (!actor) throw new Error(`${sub} registered, but the admin listing does not show the actor`);
  for (const name of entitlements) {
    const id = await entitlementId(name);
    // 409: already assigned, which is what was asked for.
    expect(await call('POST', `/admin/entitlements/${id}/assign/${actor.id}`, adminToken), [200, 409], `assigning ${name}`);
  }
  console.error(`${sub} (actor ${actor.id}) holds ${entitlements.join(', ')} on ${values.url}`);
}

try {
  await register();
  console.log(token);
} catch (err) {
  console.log(token);
  if (err instanceof NoServer) {
    console.error(
      `warning: no dev server answers at ${values.url} (${err.message}): the grant was not registered; start \`npm start\` or pass --url.`,
    );
  } else {
    console.error(`error: the grant was not registered: ${(err as Error).message}`);
    process.exit(1);
  }
}
