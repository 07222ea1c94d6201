import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApelTokenChecker } from '../src/apel/token-checker.js';
import { backends } from './support/database.js';
import { startTestServer, type TestServer } from './support/server.js';
import { closedPort, request, startTestIam, type TestIam } from './support/apel.js';

const SUMMARY = '/api/v1/cloud/record/summary';
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

let iam: TestIam;
beforeAll(async () => {
  iam = await startTestIam();
});
afterAll(async () => {
  await iam?.close();
});

describe('ApelTokenChecker (§2.1)', () => {
  let clock = Date.now();
  const checker = (opts: Partial<ConstructorParameters<typeof ApelTokenChecker>[0]> = {}) =>
    new ApelTokenChecker({
      issuers: [iam.issuer],
      allowHttpIssuers: true,
      introspection: { clientId: 'acc-server', clientSecret: 's3cret:with colon' },
      now: () => clock,
      ...opts,
    });
  const nowSec = () => Math.floor(clock / 1000);

  it('accepts a valid service token and introspects it with Basic auth', async () => {
    const before = iam.introspections;
    const token = await iam.token();
    expect(await checker().check(`Bearer ${token}`)).toBe('service-client');
    expect(iam.introspections).toBe(before + 1);
    expect(iam.lastIntrospection?.authorization).toBe(`Basic ${Buffer.from('acc-server:s3cret:with colon').toString('base64')}`);
    expect(iam.lastIntrospection?.body).toBe(`token=${encodeURIComponent(token)}`);
  });

  it('does not check the scheme word; needs a second word', async () => {
    const c = checker();
    const token = await iam.token();
    expect(await c.check(`Token ${token}`)).toBe('service-client');
    expect(await c.check(undefined)).toBeUndefined();
    expect(await c.check('TestToken')).toBeUndefined();
    expect(await c.check('Bearer')).toBeUndefined();
    expect(await c.check('Bearer not.a.jwt')).toBeUndefined();
    expect(await c.check('Bearer garbage')).toBeUndefined();
  });

  it('refuses a token signed with a foreign key, an HMAC token and alg none', async () => {
    const c = checker();
    expect(await c.check(`Bearer ${await iam.token({}, { key: 'foreign' })}`)).toBeUndefined();
    expect(await c.check(`Bearer ${await iam.hmacToken()}`)).toBeUndefined();
    const now = nowSec();
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'service-client', iss: iam.issuer, iat: now, exp: now + 60 })}.`;
    expect(await c.check(`Bearer ${none}`)).toBeUndefined();
  });

  it.each([
    ['untrusted https issuer', { iss: 'https://malicious-iam.idc.biz/' }],
    ['non-local http issuer', { iss: 'http://iam-test.indigo-datacloud.eu/' }],
    ['missing iss', { iss: undefined }],
    ['missing sub', { sub: undefined }],
    ['missing iat', { iat: undefined }],
    ['missing exp', { exp: undefined }],
    ['expired', { exp: Math.floor(Date.now() / 1000) - 5 }],
    ['iat in the future', { iat: Math.floor(Date.now() / 1000) + 600 }],
  ])('refuses a token with %s', async (_name, claims) => {
    clock = Date.now();
    expect(await checker().check(`Bearer ${await iam.token(claims)}`)).toBeUndefined();
  });

  it('refuses a local http issuer unless ACC_APEL_ALLOW_HTTP_ISSUERS', async () => {
    clock = Date.now();
    const token = await iam.token();
    expect(() => checker({ allowHttpIssuers: false })).toThrow(/ACC_APEL_ALLOW_HTTP_ISSUERS/);
    expect(await checker({ allowHttpIssuers: false, issuers: ['iam.example.com'] }).check(`Bearer ${token}`)).toBeUndefined();
  });

  it('answers 401 when the IAM rejects the token or cannot be reached', async () => {
    clock = Date.now();
    try {
      iam.introspection = 'inactive';
      expect(await checker().check(`Bearer ${await iam.token()}`)).toBeUndefined();
      iam.introspection = 'other-client'; // a user token: client_id ≠ sub
      expect(await checker().check(`Bearer ${await iam.token()}`)).toBeUndefined();
      iam.introspection = 'error';
      expect(await checker().check(`Bearer ${await iam.token()}`)).toBeUndefined();
    } finally {
      iam.introspection = 'service';
    }
    // A trusted https issuer whose JWKS cannot be fetched.
    const down = `https://127.0.0.1:${await closedPort()}/`;
    const token = await iam.token({ iss: down });
    expect(await checker({ issuers: [down] }).check(`Bearer ${token}`)).toBeUndefined();
  });

  it('without introspection credentials, the signature alone decides', async () => {
    clock = Date.now();
    const before = iam.introspections;
    try {
      iam.introspection = 'inactive';
      expect(await checker({ introspection: undefined }).check(`Bearer ${await iam.token()}`)).toBe('service-client');
      expect(iam.introspections).toBe(before);
    } finally {
      iam.introspection = 'service';
    }
  });

  it('accepts the same valid token twice, the second time from the cache', async () => {
    clock = Date.now();
    const c = checker();
    const token = await iam.token();
    const before = iam.introspections;
    expect(await c.check(`Bearer ${token}`)).toBe('service-client');
    expect(await c.check(`Bearer ${token}`)).toBe('service-client');
    expect(iam.introspections).toBe(before + 1);
  });

  it('re-checks expiry on a cache hit: a cached token that has since expired is refused', async () => {
    clock = Date.now();
    const start = nowSec();
    const c = checker();
    const token = await iam.token({ iat: start - 1, exp: start + 30 });
    expect(await c.check(`Bearer ${token}`)).toBe('service-client');
    clock += 20_000;
    expect(await c.check(`Bearer ${token}`)).toBe('service-client');
    clock += 11_000;
    expect(await c.check(`Bearer ${token}`)).toBeUndefined();
  });

  it('keeps a cache entry at most 300 s', async () => {
    clock = Date.now();
    const start = nowSec();
    const c = checker();
    const token = await iam.token({ iat: start - 1, exp: start + 3600 });
    const before = iam.introspections;
    expect(await c.check(`Bearer ${token}`)).toBe('service-client');
    clock += 299_000;
    expect(await c.check(`Bearer ${token}`)).toBe('service-client');
    expect(iam.introspections).toBe(before + 1);
    clock += 2_000;
    expect(await c.check(`Bearer ${token}`)).toBe('service-client');
    expect(iam.introspections).toBe(before + 2);
    // The IAM now rejects it: once the entry is gone, so is the access.
    iam.introspection = 'inactive';
    try {
      clock += 301_000;
      expect(await c.check(`Bearer ${token}`)).toBeUndefined();
    } finally {
      iam.introspection = 'service';
    }
  });
});

describe.each(backends)('APEL summary authentication over HTTP on %s', (backend) => {
  let server: TestServer;
  const get = (auth?: string) => request(`${server.url}${SUMMARY}?from=20000101`, { headers: auth === undefined ? {} : { Authorization: auth } });

  beforeAll(async () => {
    server = await startTestServer(backend, {
      ACC_APEL_IAM_ISSUERS: JSON.stringify([iam.issuer]),
      ACC_APEL_ALLOW_HTTP_ISSUERS: 'true',
      ACC_APEL_INTROSPECTION_CLIENT_ID: 'acc-server',
      ACC_APEL_INTROSPECTION_CLIENT_SECRET: 'secret',
      ACC_APEL_ALLOWED_FOR_GET: JSON.stringify(['service-client']),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 401 with an empty body without a header or with a one-word header', async () => {
    for (const res of [await get(), await get('TestToken'), await get('Bearer garbage')]) {
      expect(res.status).toBe(401);
      expect(res.text).toBe('');
    }
  });

  it('answers 200 for a valid token, twice', async () => {
    const token = await iam.token();
    for (let i = 0; i < 2; i++) {
      const res = await get(`Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ count: 0, next: null, previous: null, results: [] });
    }
  });

  it('answers 403 with an empty body for a valid token whose subject is not allowed', async () => {
    const res = await get(`Bearer ${await iam.token({ sub: 'another-service' })}`);
    expect(res.status).toBe(403);
    expect(res.text).toBe('');
  });

  it('answers 401 when the IAM rejects the token', async () => {
    iam.introspection = 'inactive';
    try {
      const res = await get(`Bearer ${await iam.token()}`);
      expect(res.status).toBe(401);
      expect(res.text).toBe('');
    } finally {
      iam.introspection = 'service';
    }
  });

  it.each([
    ['a foreign key', async () => iam.token({}, { key: 'foreign' })],
    ['an HMAC signature', async () => iam.hmacToken()],
    ['issuer https://malicious-iam.idc.biz/', async () => iam.token({ iss: 'https://malicious-iam.idc.biz/' })],
    ['an http:// issuer', async () => iam.token({ iss: 'http://iam-test.indigo-datacloud.eu/' })],
    ['no iss', async () => iam.token({ iss: undefined })],
    ['no sub', async () => iam.token({ sub: undefined })],
    ['no iat', async () => iam.token({ iat: undefined })],
    ['no exp', async () => iam.token({ exp: undefined })],
    ['an expired exp', async () => iam.token({ exp: Math.floor(Date.now() / 1000) - 1 })],
    ['iat in the future', async () => iam.token({ iat: Math.floor(Date.now() / 1000) + 600 })],
  ])('answers 401 for a token with %s', async (_name, make) => {
    const res = await get(`Bearer ${await make()}`);
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
  });
});
