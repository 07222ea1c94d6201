import { randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTHeaderParameters } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { messages } from '@acc/contracts';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
// Before support/apel.js: the server's imports load the reflect polyfill that @peculiar/x509 needs.
import { startTestServer, type TestServer } from './support/server.js';
import { request, startStub, type RawResponse, type StubServer } from './support/apel.js';

/**
 * Forged, stale and look-alike tokens against both bearer-token paths: the ARGO API (default issuer and
 * OIDC tenants) and the APEL summary. Every issuer here is a real HTTP server on 127.0.0.1; a guard on
 * `fetch` records every outbound call the server makes and refuses any that would leave 127.0.0.1, so a
 * look-alike issuer can neither be contacted nor leak traffic even when the code under test is wrong.
 */

const UNIT_TYPES = '/accounting-system/unit-types';
const SUMMARY = '/api/v1/cloud/record/summary?from=20000101';
const RECORD = '/api/v1/cloud/record';
const KID = 'acc-key';
const SKEW = 60;

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);
const withoutUndefined = (claims: Record<string, unknown>) => Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));

const outbound: string[] = [];
const realFetch = globalThis.fetch;

let good: CryptoKeyPair;
let evil: CryptoKeyPair;
let goodJwk: JWK;
let evilJwk: JWK;
/** The configured issuers' host: the genuine JWKS and introspection, plus the look-alike path `/a/pel`. */
let iam: StubServer;
/** Another port on the same address, answering at the genuine paths with the attacker's key. */
let attacker: StubServer;

beforeAll(async () => {
  vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    outbound.push(url.href);
    if (url.hostname !== '127.0.0.1') return Promise.reject(new TypeError(`test guard: no traffic to ${url.host}`));
    return realFetch(input, init);
  });
  good = await generateKeyPair('RS256', { extractable: true });
  evil = await generateKeyPair('RS256', { extractable: true });
  // The attacker publishes under the genuine kid, so only the key's origin can tell them apart.
  goodJwk = { ...(await exportJWK(good.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  evilJwk = { ...(await exportJWK(evil.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  iam = await startStub();
  attacker = await startStub();
  const active = { active: true, client_id: 'service-client', sub: 'service-client' };
  iam.set('/realms/acc/certs', 200, { keys: [goodJwk] });
  iam.set('/apel/jwk', 200, { keys: [goodJwk] });
  iam.set('/apel/introspect', 200, active);
  iam.set('/a/pel/jwk', 200, { keys: [evilJwk] });
  iam.set('/a/pel/introspect', 200, active);
  for (const path of ['/apel/jwk', '/realms/acc/certs', '/a/pel/jwk']) attacker.set(path, 200, { keys: [evilJwk] });
  attacker.set('/apel/introspect', 200, active);
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await iam?.close();
  await attacker?.close();
});

const sign = (key: CryptoKey | Uint8Array, claims: Record<string, unknown>, header: JWTHeaderParameters = { alg: 'RS256', kid: KID }) =>
  new SignJWT(withoutUndefined(claims)).setProtectedHeader(header).sign(key);

/** One bearer-token path under attack: its genuine issuer, the claims it needs and how a refusal looks. */
interface Target {
  name: string;
  issuer: () => string;
  claims: (over?: Record<string, unknown>) => Record<string, unknown>;
}

const argo: Target = {
  name: 'ARGO',
  issuer: () => `${iam.url}/realms/acc`,
  claims: (over = {}) => ({
    iss: argo.issuer(),
    sub: 'tester',
    entitlements: [ent('operations:resources:role=viewer')],
    iat: nowSec() - 10,
    exp: nowSec() + 3600,
    jti: randomUUID(),
    ...over,
  }),
};

const apel: Target = {
  name: 'APEL',
  issuer: () => `${iam.url}/apel`,
  // jti: RS256 signatures are deterministic, and equal tokens would share the APEL cache entry.
  claims: (over = {}) => ({ iss: apel.issuer(), sub: 'service-client', iat: nowSec() - 10, exp: nowSec() + 3600, jti: randomUUID(), ...over }),
};

/** Host-name issuers the APEL list also trusts, whose look-alikes must never be contacted. */
const REMOTE_TRUSTED = ['iam.example.com', 'https://iam-test.indigo-datacloud.eu/'];

type Outcome = 'invalid' | 'expired' | 'untrusted' | 'no-iss' | 'too-large';

/** Issuers that resemble the target's own; `attackerUrl` is another port on the same address. */
function lookalikes(issuer: string, attackerUrl: string): [string, string][] {
  const u = new URL(issuer);
  const lastSegment = u.pathname.split('/').pop()!;
  return [
    ['a slash inside the last path segment', issuer.replace(/\/([^/])([^/]+)$/, '/$1/$2')],
    ['a child path', `${issuer}/x`],
    ['a longer last segment', `${issuer}x`],
    ['the parent path', issuer.slice(0, issuer.lastIndexOf('/'))],
    ['an upper-case path', issuer.replace(/[^/]+$/, (s) => s.toUpperCase())],
    ['a dot segment', `${u.origin}/x/..${u.pathname}`],
    ['a percent-escaped path', `${u.origin}${u.pathname.slice(0, -1)}%${u.pathname.charCodeAt(u.pathname.length - 1).toString(16)}`],
    ['a backslash for the slash', `${u.origin}\\${lastSegment}`],
    ['a query', `${issuer}?x=1`],
    ['a fragment', `${issuer}#x`],
    ['userinfo before the genuine host', `${u.protocol}//evil@${u.host}${u.pathname}`],
    ['the genuine host as userinfo of another', `${u.protocol}//${u.host}@${new URL(attackerUrl).host}${u.pathname}`],
    ['another port', `${attackerUrl}${u.pathname}`],
    ['https for the configured http', issuer.replace(/^http:/, 'https:')],
    ['a host-name suffix moved into the path', 'https://iam.example.co/m'],
    ['a longer host name', 'https://iam.example.com.evil'],
    ['a host-name prefix', 'https://xiam.example.com'],
    ['a trusted host as userinfo', 'https://iam.example.com@evil.example'],
    ['userinfo on a trusted host', 'https://evil.example@iam.example.com'],
    ['a trusted host on another port', 'https://iam.example.com:8443'],
    ['a trusted host over http', 'http://iam.example.com'],
    ['a path under a bare trusted host', 'https://iam.example.com/realms/x'],
    ['a query on a trusted host', 'https://iam.example.com?x=1'],
    ['the spec example with its last dot moved', 'https://iam-test.indigo-datacloud.e/u'],
    ['the spec example with a suffix', 'https://iam-test.indigo-datacloud.eu.evil/'],
    ['a path under the spec example', 'https://iam-test.indigo-datacloud.eu/x/'],
  ];
}

interface Attack {
  name: string;
  token: (t: Target) => Promise<string> | string;
  /** How the ARGO path refuses it; the APEL paths answer 401 with an empty body for all but `too-large`. */
  argo: Outcome;
}

const attacks = (): Attack[] => [
  { name: 'alg none', token: (t) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(t.claims())}.`, argo: 'invalid' },
  { name: 'alg NONE', token: (t) => `${b64url({ alg: 'NONE' })}.${b64url(t.claims())}.`, argo: 'invalid' },
  {
    name: 'HS256 keyed with the RSA public key (PEM)',
    token: async (t) => sign(new TextEncoder().encode(await exportSPKI(good.publicKey)), t.claims(), { alg: 'HS256', kid: KID }),
    argo: 'invalid',
  },
  {
    name: 'HS256 keyed with the public JWK',
    token: (t) => sign(new TextEncoder().encode(JSON.stringify(goodJwk)), t.claims(), { alg: 'HS256', kid: KID }),
    argo: 'invalid',
  },
  { name: "the attacker's key under the genuine kid", token: (t) => sign(evil.privateKey, t.claims()), argo: 'invalid' },
  { name: 'an unknown kid', token: (t) => sign(evil.privateKey, t.claims(), { alg: 'RS256', kid: 'unknown-kid' }), argo: 'invalid' },
  {
    name: "the attacker's key embedded as a jwk header",
    token: (t) => sign(evil.privateKey, t.claims(), { alg: 'RS256', jwk: { kty: evilJwk.kty!, n: evilJwk.n, e: evilJwk.e } }),
    argo: 'invalid',
  },
  {
    name: "a jku header naming the attacker's key set",
    token: (t) => sign(evil.privateKey, t.claims(), { alg: 'RS256', kid: KID, jku: `${attacker.url}/apel/jwk` }),
    argo: 'invalid',
  },
  {
    name: 'the signature stripped',
    token: async (t) => `${(await sign(good.privateKey, t.claims())).split('.').slice(0, 2).join('.')}.`,
    argo: 'invalid',
  },
  {
    name: 'claims altered after signing',
    token: async (t) => {
      const [h, , s] = (await sign(good.privateKey, t.claims())).split('.');
      return `${h}.${b64url(t.claims({ sub: 'someone-else' }))}.${s}`;
    },
    argo: 'invalid',
  },
  { name: 'exp an hour ago', token: (t) => sign(good.privateKey, t.claims({ iat: nowSec() - 7200, exp: nowSec() - 3600 })), argo: 'expired' },
  { name: `exp ${SKEW + 30} s ago`, token: (t) => sign(good.privateKey, t.claims({ exp: nowSec() - SKEW - 30 })), argo: 'expired' },
  { name: 'no exp', token: (t) => sign(good.privateKey, t.claims({ exp: undefined })), argo: 'invalid' },
  { name: 'exp as a string', token: (t) => sign(good.privateKey, t.claims({ exp: String(nowSec() + 3600) })), argo: 'invalid' },
  { name: `iat ${SKEW + 60} s ahead`, token: (t) => sign(good.privateKey, t.claims({ iat: nowSec() + SKEW + 60 })), argo: 'invalid' },
  { name: 'iat a year ahead', token: (t) => sign(good.privateKey, t.claims({ iat: nowSec() + 365 * 86400 })), argo: 'invalid' },
  { name: 'iat as a string', token: (t) => sign(good.privateKey, t.claims({ iat: String(nowSec()) })), argo: 'invalid' },
  { name: `nbf ${SKEW + 60} s ahead`, token: (t) => sign(good.privateKey, t.claims({ nbf: nowSec() + SKEW + 60 })), argo: 'invalid' },
  { name: 'nbf a year ahead', token: (t) => sign(good.privateKey, t.claims({ nbf: nowSec() + 365 * 86400 })), argo: 'invalid' },
  { name: 'another issuer', token: (t) => sign(evil.privateKey, t.claims({ iss: 'https://elsewhere.example/realms/x' })), argo: 'untrusted' },
  // Names only at collection time: the servers' ports are known once they run.
  ...lookalikes('http://127.0.0.1:1/x', 'http://127.0.0.1:2').map(([name], i): Attack => ({
    name: `a look-alike issuer: ${name}`,
    token: (t) => sign(evil.privateKey, t.claims({ iss: lookalikes(t.issuer(), attacker.url)[i][1] })),
    argo: 'untrusted',
  })),
  { name: 'garbage', token: () => 'garbage', argo: 'invalid' },
  { name: 'three empty parts', token: () => '..', argo: 'invalid' },
  { name: 'four parts', token: async (t) => `${await sign(good.privateKey, t.claims())}.x`, argo: 'invalid' },
  { name: 'a header that is not JSON', token: (t) => `${b64url('{alg')}.${b64url(t.claims())}.c2ln`, argo: 'invalid' },
  { name: 'a payload that is an array', token: () => `${b64url({ alg: 'RS256', kid: KID })}.${b64url([1, 2])}.c2ln`, argo: 'invalid' },
  { name: 'an empty claim set', token: () => `${b64url({ alg: 'RS256', kid: KID })}.${b64url({})}.c2ln`, argo: 'no-iss' },
  { name: 'iss as an object', token: (t) => sign(evil.privateKey, t.claims({ iss: { href: t.issuer() } })), argo: 'no-iss' },
  { name: 'a 10 KB token', token: (t) => sign(evil.privateKey, t.claims({ pad: 'x'.repeat(7_000) })), argo: 'invalid' },
  { name: 'a 100 KB token', token: (t) => sign(good.privateKey, t.claims({ pad: 'x'.repeat(100_000) })), argo: 'too-large' },
];

const ARGO_REFUSAL: Record<Exclude<Outcome, 'too-large'>, [number, string]> = {
  invalid: [401, messages.tokenInvalid],
  expired: [401, messages.tokenExpired],
  untrusted: [401, messages.issuerUntrusted],
  'no-iss': [400, messages.missingIss],
};

describe.each(backends)('token attacks on %s', (backend) => {
  let server: TestServer;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const argoGet = (token: string) => request(`${server.url}${UNIT_TYPES}`, { headers: bearer(token) });
  const apelGet = (token: string) => request(`${server.url}${SUMMARY}`, { headers: bearer(token) });
  const apelPost = (token: string) =>
    request(`${server.url}${RECORD}`, { method: 'POST', headers: bearer(token), body: 'APEL-cloud-message: v0.4\n' });

  beforeAll(async () => {
    server = await startTestServer(backend, {
      ACC_OIDC_ISSUER: argo.issuer(),
      ACC_OIDC_JWKS_URI: `${iam.url}/realms/acc/certs`,
      ACC_APEL_IAM_ISSUERS: JSON.stringify([apel.issuer(), ...REMOTE_TRUSTED]),
      ACC_APEL_ALLOW_HTTP_ISSUERS: 'true',
      ACC_APEL_INTROSPECTION_CLIENT_ID: 'acc-server',
      ACC_APEL_INTROSPECTION_CLIENT_SECRET: 'secret',
      ACC_APEL_ALLOWED_FOR_GET: JSON.stringify(['service-client']),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('accepts the genuine tokens of both paths, within the clock skew', async () => {
    expect((await argoGet(await sign(good.privateKey, argo.claims()))).status).toBe(200);
    expect((await apelGet(await sign(good.privateKey, apel.claims()))).status).toBe(200);
    const skewed = { iat: nowSec() + SKEW - 20, nbf: nowSec() + SKEW - 20 };
    expect((await argoGet(await sign(good.privateKey, argo.claims(skewed)))).status).toBe(200);
    // APEL keeps the spec's exact `iat <= now` (§2.1.5); only nbf, which the spec leaves open, gets the skew.
    expect((await apelGet(await sign(good.privateKey, apel.claims({ nbf: skewed.nbf })))).status).toBe(200);
    expect((await apelGet(await sign(good.privateKey, apel.claims({ iat: skewed.iat })))).status).toBe(401);
  });

  it.each(attacks().map((a) => [a.name, a] as const))('refuses %s on every path', async (_name, attack) => {
    const argoToken = await attack.token(argo);
    const apelToken = await attack.token(apel);
    const argoRes = await argoGet(argoToken);
    const results: [string, RawResponse][] = [
      ['APEL summary', await apelGet(apelToken)],
      ['APEL record', await apelPost(apelToken)],
    ];
    if (attack.argo === 'too-large') {
      // Node's HTTP parser refuses headers over 16 KB before any application code runs.
      for (const [where, res] of [['ARGO', argoRes] as const, ...results]) expect(res.status, where).toBe(431);
      return;
    }
    const [status, message] = ARGO_REFUSAL[attack.argo];
    expect(argoRes.status, 'ARGO').toBe(status);
    expect(argoRes.body, 'ARGO').toEqual({ code: status, message });
    expect(argoRes.text).not.toContain(argoToken);
    for (const [where, res] of results) {
      expect(res.status, where).toBe(401);
      expect(res.text, where).toBe('');
    }
  });

  it("fetched keys and introspection only from the configured issuers' URLs", () => {
    const allowed = new Set([`${iam.url}/realms/acc/certs`, `${iam.url}/apel/jwk`, `${iam.url}/apel/introspect`]);
    expect(outbound.filter((url) => !allowed.has(url))).toEqual([]);
    expect(iam.hits('/a/pel/jwk')).toBe(0);
    expect(iam.hits('/a/pel/introspect')).toBe(0);
    for (const path of ['/apel/jwk', '/apel/introspect', '/realms/acc/certs', '/a/pel/jwk']) expect(attacker.hits(path), path).toBe(0);
  });
});

const TENANT_NS = 'urn:tenant:attacks:group';

describe.each(backends)('token time claims on an OIDC tenant on %s', (backend) => {
  let server: TestServer;
  const tenantIssuer = () => `${iam.url}/realms/tenant`;
  // The tenant's server introspects every token as active: the time claims are all that stands in the way.
  const tenantToken = (over: Record<string, unknown> = {}) =>
    sign(evil.privateKey, {
      iss: tenantIssuer(),
      preferred_username: 'tina',
      entitlements: [`${TENANT_NS}:tenant-acc:operations:resources:role=viewer`],
      iat: nowSec() - 10,
      exp: nowSec() + 3600,
      ...over,
    });
  const get = async (token: string) => request(`${server.url}${UNIT_TYPES}`, { headers: { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    iam.set('/realms/tenant/introspect', 200, { active: true });
    server = await startTestServer(backend, { ACC_OIDC_ISSUER: argo.issuer(), ACC_OIDC_JWKS_URI: `${iam.url}/realms/acc/certs` });
    const admin = await sign(good.privateKey, argo.claims({ sub: 'sys-admin', entitlements: [ent('role=admin')] }));
    const res = await request(`${server.url}/accounting-system/admin/oidc-tenants`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        issuer: tenantIssuer(),
        tenant_id: 'tenant-attacks',
        client_id: 'acc-client',
        secret: 's3cret',
        authorization_path: '/realms/tenant/auth',
        introspection_path: '/realms/tenant/introspect',
        user_info_path: '/realms/tenant/userinfo',
        token_path: '/realms/tenant/token',
        auth_server_url: iam.url,
        user_id_token_claim: 'preferred_username',
        service_id_token_claim: 'azp',
        group_management_namespace: TENANT_NS,
        group_management_parent: 'tenant-acc',
        entitlement_management: 'oidc',
      }),
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('accepts a current token and one issued within the clock skew', async () => {
    expect((await get(await tenantToken())).status).toBe(200);
    expect((await get(await tenantToken({ iat: nowSec() + SKEW - 20, nbf: nowSec() + SKEW - 20 }))).status).toBe(200);
  });

  it.each([
    ['no exp', { exp: undefined }, messages.tokenInvalid],
    ['exp as a string', { exp: String(nowSec() + 3600) }, messages.tokenInvalid],
    [`exp ${SKEW + 30} s ago`, { exp: nowSec() - SKEW - 30 }, messages.tokenExpired],
    [`iat ${SKEW + 60} s ahead`, { iat: nowSec() + SKEW + 60 }, messages.tokenInvalid],
    ['iat a year ahead', { iat: nowSec() + 365 * 86400 }, messages.tokenInvalid],
    [`nbf ${SKEW + 60} s ahead`, { nbf: nowSec() + SKEW + 60 }, messages.tokenInvalid],
  ])('refuses a token with %s before asking the tenant', async (_name, over, message) => {
    const before = iam.hits('/realms/tenant/introspect');
    const res = await get(await tenantToken(over));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 401, message });
    expect(iam.hits('/realms/tenant/introspect')).toBe(before);
  });
});
