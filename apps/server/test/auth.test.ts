import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const path = '/accounting-system/unit-types';

describe.each(backends)('authentication on %s', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend);
  });
  afterAll(() => s.close());

  const expectError = async (token: string | undefined, status: number, message: string, headers: Record<string, string> = {}) => {
    const r = await s.call('GET', path, { token, headers });
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ code: status, message });
    if (token) expect(r.text).not.toContain(token);
  };

  it('refuses a missing or non-bearer Authorization header', async () => {
    await expectError(undefined, 401, 'Missing bearer token.');
    await expectError(undefined, 401, 'Missing bearer token.', { Authorization: 'Basic abc' });
  });

  it('refuses garbage, foreign-key, wrong-issuer, unknown-key and expired tokens with 401', async () => {
    await expectError('not-a-jwt', 401, 'The access token is invalid.');
    await expectError(await s.issuer.foreignToken(), 401, 'The access token is invalid.');
    await expectError(await s.issuer.token({}, { kid: 'unknown-kid' }), 401, 'The access token is invalid.');
    await expectError(await s.issuer.token({}, { issuer: 'https://elsewhere.example/realms/x' }), 401, 'The access token issuer is not trusted.');
    await expectError(await s.issuer.token({}, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), 401, 'The access token has expired.');
  });

  it('refuses an unsigned (alg none) token', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ iss: s.issuer.issuer, sub: 'x', exp: Math.floor(Date.now() / 1000) + 60 })}.`;
    await expectError(none, 401, 'The access token is invalid.');
  });

  it("answers 400 for a token without 'iss' and for one without any caller id", async () => {
    await expectError(await s.issuer.token({}, { issuer: '' }), 400, "Missing 'iss' claim in access token.");
    await expectError(await s.issuer.token({ sub: undefined }), 400, "Unique identifiers [sub, client_id] weren't present in the access token.");
  });

  it('takes client_id as the caller id when sub is absent', async () => {
    const token = await s.issuer.token({ sub: undefined, client_id: 'svc-1', entitlements: [ent('operations:resources:role=admin')] });
    const r = await s.call('POST', path, { token, body: { unit_type: 'svc-unit', description: 'd' } });
    expect(r.status).toBe(201);
    expect(r.body.creator_id).toBe('svc-1');
  });

  it('ignores entitlements outside the namespace and of other groups', async () => {
    const token = await s.issuer.token({
      entitlements: ['urn:other:namespace:group:accounting:role=admin', 'urn:geant:sandbox.eosc-beyond.eu:core:integration:group:other:role=admin'],
    });
    await expectError(token, 403, 'The authenticated client is not permitted to perform the requested operation.');
  });

  describe('entitlement grammar is anchored at {namespace}:{parent}: (oidc source)', () => {
    const projA = 'auth-proj-a';
    const projB = 'auth-proj-b';
    beforeAll(async () => {
      await s.app.database.dataSource.query(
        `INSERT INTO projects (id, acronym, title, start_date, end_date, call_identifier, creator_id)
         VALUES ($1, 'A', 'A', '2023-01-01', '2026-12-31', 'H', 'seed'), ($2, 'B', 'B', '2023-01-01', '2026-12-31', 'H', 'seed')`,
        [projA, projB],
      );
    });
    const as = async (entitlements: string[]) => s.issuer.token({ sub: 'attacker', entitlements });

    // Before the fix the spec regex's greedy `.*group:` latched onto the `…group:` inside the subgroup name.
    it('a "workgroup:accounting" subgroup of project A is not system admin', async () => {
      const token = await as([ent(`${projA}:workgroup:accounting:role=admin`)]);
      const r = await s.call('GET', '/accounting-system/admin/version', { token });
      expect(r.body).toEqual({ code: 403, message: 'The authenticated client is not permitted to perform the requested operation.' });
    });

    it('a "workgroup:accounting:<B>" subgroup of project A is not admin of project B', async () => {
      const token = await as([ent(`${projA}:workgroup:accounting:${projB}:role=admin`)]);
      const r = await s.call('GET', `/accounting-system/projects/${projB}/installations`, { token });
      expect(r.body).toEqual({ code: 403, message: 'The authenticated client is not permitted to perform the requested operation.' });
      const me = await s.call('GET', '/accounting-system/clients/me', { token });
      expect(me.body.content).toEqual([]);
    });

    it('the well-formed entitlements still work', async () => {
      const sys = await as([ent('role=admin')]);
      expect((await s.call('GET', '/accounting-system/admin/version', { token: sys })).status).toBe(200);
      const admin = await as([ent(`${projB}:role=admin`)]);
      expect((await s.call('GET', `/accounting-system/projects/${projB}/installations`, { token: admin })).status).toBe(200);
      const me = await s.call('GET', '/accounting-system/clients/me', { token: admin });
      expect(me.body.content.map((p: { id: string }) => p.id)).toEqual([projB]);
    });
  });

  it('reads entitlements from the database in database mode', async () => {
    const db = await startTestServer(backend, { ACC_ENTITLEMENTS_SOURCE: 'database' });
    try {
      const token = await db.issuer.token({ sub: 'alice', entitlements: [ent('role=admin')] });
      // The claim is ignored in database mode: alice is not registered yet.
      expect((await db.call('GET', path, { token })).status).toBe(403);
      const m = db.app.database.dataSource;
      await m.query(`INSERT INTO actors (id, oidc_id, issuer) VALUES ('a1', 'alice', $1)`, [db.issuer.issuer]);
      await m.query(`INSERT INTO entitlements (id, name) VALUES ('e1', $1)`, [ent('operations:resources:role=viewer')]);
      await m.query(`INSERT INTO actor_entitlements (id, actor_id, entitlement_id) VALUES ('ae1', 'a1', 'e1')`);
      expect((await db.call('GET', path, { token })).status).toBe(200);
      // Same subject from another issuer is another actor.
      expect((await db.call('GET', path, { token: await db.issuer.token({ sub: 'alice' }) })).status).toBe(200);
    } finally {
      await db.close();
    }
  });
});
