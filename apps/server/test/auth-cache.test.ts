import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const api = '/accounting-system';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';
const UNTRUSTED = 'The access token issuer is not trusted.';

/**
 * ACC_AUTH_CACHE_TTL_MS: with a TTL far longer than the test, a change made behind the server's back
 * (SQL) stays unseen, while every admin change through the API takes effect on the very next request.
 */
describe.each(backends)('authentication cache on %s', (backend) => {
  let s: TestServer;
  let root: string;
  let alice: string;
  let grant: string;
  const sql = (text: string, params: unknown[] = []) => s.app.database.dataSource.query(text, params);
  const aliceStatus = async (token = alice) => (await s.call('GET', `${api}/unit-types`, { token })).status;

  beforeAll(async () => {
    s = await startTestServer(backend, { ACC_ENTITLEMENTS_SOURCE: 'database', ACC_AUTH_CACHE_TTL_MS: '600000' });
    await sql(`INSERT INTO actors (id, oidc_id, issuer) VALUES ('a-root', 'root', $1), ('a-alice', 'alice', $1)`, [s.issuer.issuer]);
    await sql(`INSERT INTO entitlements (id, name) VALUES ('e-root', $1)`, [ent('role=admin')]);
    await sql(`INSERT INTO actor_entitlements (id, actor_id, entitlement_id) VALUES ('ae-root', 'a-root', 'e-root')`);
    // Both tokens carry the claim too, so they keep their rights when the source switches to oidc.
    root = await s.issuer.token({ sub: 'root', entitlements: [ent('role=admin')] });
    alice = await s.issuer.token({ sub: 'alice', entitlements: [ent('operations:resources:role=viewer')] });
    const created = await s.call('POST', `${api}/admin/entitlements`, { token: root, body: { name: ent('operations:resources:role=viewer') } });
    expect(created.status).toBe(201);
    grant = created.body.id;
  });
  afterAll(() => s.close());

  it('remembers entitlements and forgets them when an admin assigns or dissociates one', async () => {
    expect(await aliceStatus()).toBe(403);
    expect((await s.call('POST', `${api}/admin/entitlements/${grant}/assign/a-alice`, { token: root })).status).toBe(200);
    expect(await aliceStatus()).toBe(200);

    // Behind the server's back: the remembered entitlements still count (this is what the TTL bounds).
    await sql(`DELETE FROM actor_entitlements WHERE actor_id = 'a-alice'`);
    expect(await aliceStatus()).toBe(200);

    expect((await s.call('POST', `${api}/admin/entitlements/${grant}/assign/a-alice`, { token: root })).status).toBe(200);
    expect((await s.call('POST', `${api}/admin/entitlements/${grant}/dissociate/a-alice`, { token: root })).status).toBe(200);
    const r = await s.call('GET', `${api}/unit-types`, { token: alice });
    expect(r.body).toEqual({ code: 403, message: FORBIDDEN });
  });

  it('forgets entitlements when an admin renames one', async () => {
    expect((await s.call('POST', `${api}/admin/entitlements/${grant}/assign/a-alice`, { token: root })).status).toBe(200);
    expect(await aliceStatus()).toBe(200);
    const renamed = await s.call('PATCH', `${api}/admin/entitlements/${grant}`, {
      token: root,
      body: { name: ent('operations:resources:role=nobody') },
    });
    expect(renamed.status).toBe(200);
    expect(await aliceStatus()).toBe(403);
    await s.call('POST', `${api}/admin/entitlements/${grant}/dissociate/a-alice`, { token: root });
    await s.call('PATCH', `${api}/admin/entitlements/${grant}`, { token: root, body: { name: ent('operations:resources:role=viewer') } });
  });

  it('forgets the ENTITLEMENTS_MANAGEMENT setting when an admin changes it', async () => {
    expect(await aliceStatus()).toBe(403);
    const put = (value: string) => s.call('PUT', `${api}/admin/settings/ENTITLEMENTS_MANAGEMENT`, { token: root, body: { value } });
    expect((await put('oidc')).status).toBe(200);
    expect(await aliceStatus()).toBe(200);

    await sql(`UPDATE settings SET value = 'database' WHERE key = 'ENTITLEMENTS_MANAGEMENT'`);
    expect(await aliceStatus()).toBe(200);

    expect((await put('database')).status).toBe(200);
    expect(await aliceStatus()).toBe(403);
  });

  it('forgets which issuers have a tenant when an admin registers or deletes one', async () => {
    const issuer = 'https://tenant.example/realms/cached';
    const foreign = await s.issuer.token({ sub: 'bob' }, { issuer });
    const message = async () => (await s.call('GET', `${api}/unit-types`, { token: foreign })).body?.message;
    expect(await message()).toBe(UNTRUSTED);

    const tenant = await s.call('POST', `${api}/admin/oidc-tenants`, {
      token: root,
      body: {
        issuer,
        tenant_id: 'cached',
        client_id: 'acc',
        secret: 's',
        authorization_path: '/auth',
        introspection_path: '/introspect',
        user_info_path: '/userinfo',
        token_path: '/token',
        // Nothing listens there: the tenant's introspection fails, which is a different answer from "untrusted".
        auth_server_url: 'http://127.0.0.1:9',
        user_id_token_claim: 'sub',
        service_id_token_claim: 'azp',
        group_management_namespace: 'urn:tenant:group',
        group_management_parent: 'acc',
        entitlement_management: 'oidc',
      },
    });
    expect(tenant.status).toBe(201);
    expect(await message()).not.toBe(UNTRUSTED);

    expect((await s.call('DELETE', `${api}/admin/oidc-tenants/${tenant.body.id}`, { token: root })).status).toBe(200);
    expect(await message()).toBe(UNTRUSTED);
  });
});
