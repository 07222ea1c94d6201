import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';
import { trpcClient, trpcFailure } from './support/trpc.js';

const api = '/accounting-system';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';

/** A tenant's authorisation server: answers RFC 7662 introspection and records what it was asked. */
interface IntrospectionServer {
  base: string;
  active: Set<string>;
  requests: { authorization?: string; contentType?: string; body: string }[];
  failing: boolean;
  close(): Promise<void>;
}

async function startIntrospectionServer(): Promise<IntrospectionServer> {
  const state = { active: new Set<string>(), requests: [] as IntrospectionServer['requests'], failing: false };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/realms/tenant/introspect') return void res.writeHead(404).end();
      state.requests.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
      if (state.failing) return void res.writeHead(500).end('down');
      const token = new URLSearchParams(body).get('token') ?? '';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(state.active.has(token) ? { active: true, token_type: 'Bearer' } : { active: false }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { base, close: () => new Promise<void>((r) => server.close(() => r())) });
}

// The namespace runs up to the parent group: entitlements are `{namespace}:{parent}:…` (§3.3).
const TENANT_NS = 'urn:tenant:example:group';
const tenantEnt = (rest: string) => `${TENANT_NS}:tenant-acc:${rest}`;
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe.each(backends)('OIDC tenants on %s', (backend) => {
  let s: TestServer;
  let idp: IntrospectionServer;
  let admin: string;
  let resAdmin: string;

  const tenantBody = (overrides: Record<string, unknown> = {}) => ({
    issuer: `${idp.base}/realms/Tenant`,
    tenant_id: 'tenant-a',
    client_id: 'acc-client',
    secret: 's3cret',
    authorization_path: '/realms/tenant/auth',
    introspection_path: '/realms/tenant/introspect',
    user_info_path: '/realms/tenant/userinfo',
    token_path: '/realms/tenant/token',
    auth_server_url: idp.base,
    user_id_token_claim: 'preferred_username',
    service_id_token_claim: 'azp',
    group_management_namespace: TENANT_NS,
    group_management_parent: 'tenant-acc',
    entitlement_management: 'oidc',
    ...overrides,
  });

  beforeAll(async () => {
    idp = await startIntrospectionServer();
    s = await startTestServer(backend);
    admin = await s.issuer.token({ sub: 'sys-admin', entitlements: [ent('role=admin')] });
    resAdmin = await s.issuer.token({ sub: 'res-admin', entitlements: [ent('operations:resources:role=admin')] });
  });
  afterAll(async () => {
    await s.close();
    await idp.close();
  });
  beforeEach(async () => {
    await s.app.database.dataSource.query('DELETE FROM oidc_tenants');
    idp.active.clear();
    idp.requests.length = 0;
    idp.failing = false;
  });

  const register = async (overrides: Record<string, unknown> = {}) => {
    const r = await s.call('POST', `${api}/admin/oidc-tenants`, { token: admin, body: tenantBody(overrides) });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  describe('administration', () => {
    it('registers a tenant with 201 and Location and never returns the secret', async () => {
      const r = await s.call('POST', `${api}/admin/oidc-tenants`, { token: admin, body: tenantBody({ entitlement_management: 'DATABASE' }) });
      expect(r.status).toBe(201);
      const { secret: _secret, ...visible } = tenantBody({ entitlement_management: 'database' });
      expect(r.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), ...visible });
      expect(r.headers.get('location')).toBe(`http://acc.test/accounting-system/admin/oidc-tenants/${r.body.id}`);

      const got = await s.call('GET', `${api}/admin/oidc-tenants/${r.body.id}`, { token: admin });
      expect(got.body).toEqual(r.body);
      const list = await s.call('GET', `${api}/admin/oidc-tenants`, { token: admin });
      expect(list.body).toMatchObject({ total_elements: 1, content: [r.body] });
      expect(JSON.stringify([r.body, got.body, list.body])).not.toContain('s3cret');
    });

    it('requires every field, reporting the first missing one in spec order', async () => {
      const empty = await s.call('POST', `${api}/admin/oidc-tenants`, { token: admin, body: {} });
      expect(empty.body).toEqual({ code: 400, message: 'issuer may not be empty.' });
      const fields = Object.keys(tenantBody());
      for (const [i, field] of fields.entries()) {
        const body: Record<string, unknown> = tenantBody({ [field]: '' });
        // Earlier fields present, this one blank: its message is the one reported.
        for (const later of fields.slice(i + 1)) delete body[later];
        const r = await s.call('POST', `${api}/admin/oidc-tenants`, { token: admin, body });
        expect(r.body, field).toEqual({ code: 400, message: `${field} may not be empty.` });
      }
    });

    it('refuses an unknown entitlement management mode', async () => {
      const r = await s.call('POST', `${api}/admin/oidc-tenants`, { token: admin, body: tenantBody({ entitlement_management: 'ldap' }) });
      expect(r.body).toEqual({ code: 400, message: 'Invalid value for entitlement management : ldap' });
    });

    it('refuses a second tenant with the same issuer (any case) or tenant id', async () => {
      await register();
      const issuer = `${idp.base}/REALMS/tenant`;
      const sameIssuer = await s.call('POST', `${api}/admin/oidc-tenants`, { token: admin, body: tenantBody({ issuer, tenant_id: 'other' }) });
      expect(sameIssuer.body).toEqual({
        code: 409,
        message: `OIDC tenant configuration with issuer [${issuer}] has already been registered in Accounting Service.`,
      });
      const sameTenant = await s.call('POST', `${api}/admin/oidc-tenants`, { token: admin, body: tenantBody({ issuer: 'https://other.example' }) });
      expect(sameTenant.body).toEqual({
        code: 409,
        message: 'OIDC tenant configuration with tenant ID [tenant-a] has already been registered in Accounting Service.',
      });
    });

    it('patches partially, stores a new secret without showing it, and guards uniqueness', async () => {
      const id = await register();
      const other = await register({ issuer: 'https://other.example/realms/b', tenant_id: 'tenant-b' });

      const r = await s.call('PATCH', `${api}/admin/oidc-tenants/${id}`, {
        token: admin,
        body: { client_id: 'new-client', secret: 'n3w', token_path: '' },
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id, client_id: 'new-client', token_path: '/realms/tenant/token', tenant_id: 'tenant-a' });
      expect(r.body).not.toHaveProperty('secret');
      const [row] = await s.app.database.dataSource.query('SELECT secret FROM oidc_tenants WHERE id = $1', [id]);
      expect(row.secret).toBe('n3w');

      const tenantClash = await s.call('PATCH', `${api}/admin/oidc-tenants/${id}`, { token: admin, body: { tenant_id: 'tenant-b' } });
      expect(tenantClash.body).toEqual({ code: 409, message: 'Tenant ID already in use.' });
      const issuerClash = await s.call('PATCH', `${api}/admin/oidc-tenants/${id}`, {
        token: admin,
        body: { issuer: 'HTTPS://other.example/realms/b' },
      });
      expect(issuerClash.body).toEqual({ code: 409, message: 'Issuer already in use.' });
      // Its own values are no clash.
      const own = await s.call('PATCH', `${api}/admin/oidc-tenants/${other}`, {
        token: admin,
        body: { tenant_id: 'tenant-b', issuer: 'https://other.example/realms/B' },
      });
      expect(own.body).toMatchObject({ tenant_id: 'tenant-b', issuer: 'https://other.example/realms/B' });

      const badMode = await s.call('PATCH', `${api}/admin/oidc-tenants/507f1f77bcf86cd799439099`, {
        token: admin,
        body: { entitlement_management: 'x' },
      });
      expect(badMode.body).toEqual({ code: 400, message: 'Invalid value for entitlement management : x' });
    });

    it('answers 404 for unknown ids and deletes', async () => {
      const missing = (id: string) => ({ code: 404, message: `There is no OIDC tenant configuration with the following id: ${id}` });
      for (const [method, body] of [['GET'], ['PATCH', { client_id: 'x' }], ['DELETE']] as const) {
        const r = await s.call(method, `${api}/admin/oidc-tenants/nope`, { token: admin, body });
        expect(r.body, method).toEqual(missing('nope'));
      }
      const id = await register();
      const del = await s.call('DELETE', `${api}/admin/oidc-tenants/${id}`, { token: admin });
      expect(del.body).toEqual({ code: 200, message: 'OIDC tenant configuration deleted successfully.' });
      expect((await s.call('GET', `${api}/admin/oidc-tenants/${id}`, { token: admin })).body).toEqual(missing(id));
    });

    it('is for system admins only', async () => {
      expect((await s.call('GET', `${api}/admin/oidc-tenants`)).status).toBe(401);
      const r = await s.call('POST', `${api}/admin/oidc-tenants`, { token: resAdmin, body: {} });
      expect(r.body).toEqual({ code: 403, message: FORBIDDEN });
    });

    it('serves the same procedures over tRPC', async () => {
      const trpc = trpcClient(s.url, admin);
      const created = await trpc.oidcTenants.create.mutate(tenantBody());
      expect(created).toMatchObject({ tenant_id: 'tenant-a' });
      expect(created).not.toHaveProperty('secret');
      expect(await trpcFailure(trpc.oidcTenants.get.query({ id: 'nope' }))).toEqual({
        message: 'There is no OIDC tenant configuration with the following id: nope',
        httpStatus: 404,
      });
    });
  });

  describe('authentication by a tenant', () => {
    // The token's issuer differs in case from the registered one: matching is case-insensitive.
    const tenantIssuer = () => `${idp.base}/realms/tenant`;
    const tenantToken = async (claims: Record<string, unknown>, opts: { expiresIn?: number | string } = {}) => {
      const token = await s.issuer.token({ sub: undefined, ...claims }, { issuer: tenantIssuer(), ...opts });
      idp.active.add(token);
      return token;
    };

    it("validates the token by the tenant's introspection and takes identity and entitlements from the tenant's settings", async () => {
      await register();
      const token = await tenantToken({ preferred_username: 'tina', entitlements: [tenantEnt('operations:resources:role=admin')] });
      const r = await s.call('POST', `${api}/unit-types`, { token, body: { unit_type: `tenant-unit-${backend}`, description: 'd' } });
      expect(r.status).toBe(201);
      expect(r.body.creator_id).toBe('tina');
      expect(idp.requests).toHaveLength(1);
      expect(idp.requests[0].authorization).toBe(basic('acc-client', 's3cret'));
      expect(idp.requests[0].contentType).toBe('application/x-www-form-urlencoded');
      expect(new URLSearchParams(idp.requests[0].body).get('token')).toBe(token);
    });

    it('uses the service claim when the person claim is absent, and names both claims when neither is there', async () => {
      await register();
      const service = await tenantToken({ azp: 'svc', entitlements: [tenantEnt('operations:resources:role=viewer')] });
      expect((await s.call('GET', `${api}/unit-types`, { token: service })).status).toBe(200);
      const anonymous = await tenantToken({ sub: 'ignored-here' });
      expect((await s.call('GET', `${api}/unit-types`, { token: anonymous })).body).toEqual({
        code: 400,
        message: "Unique identifiers [preferred_username, azp] weren't present in the access token.",
      });
    });

    it("keeps only entitlements in the tenant's namespace and parent group", async () => {
      await register();
      const token = await tenantToken({
        preferred_username: 'tina',
        entitlements: [ent('operations:resources:role=admin'), `${TENANT_NS}:accounting:operations:resources:role=admin`],
      });
      expect((await s.call('GET', `${api}/unit-types`, { token })).body).toEqual({ code: 403, message: FORBIDDEN });
    });

    it("does not let a subgroup name containing the tenant's parent re-anchor the grammar", async () => {
      await register();
      // Under the spec regex's greedy `.*group:` this read as the tenant's empty-hierarchy admin.
      const token = await tenantToken({ preferred_username: 'mallory', entitlements: [tenantEnt('p1:workgroup:tenant-acc:role=admin')] });
      expect((await s.call('GET', `${api}/unit-types`, { token })).body).toEqual({ code: 403, message: FORBIDDEN });
    });

    it('refuses a tenant admin on system-admin endpoints', async () => {
      await register();
      const token = await tenantToken({ preferred_username: 'tenant-root', entitlements: [tenantEnt('role=admin')] });
      // The tenant admin is a real admin within its tenant…
      expect((await s.call('GET', `${api}/unit-types`, { token })).status).toBe(200);
      // …but never gets the default tenant's SYS bypass.
      for (const path of ['/admin/actors', '/admin/entitlements', '/admin/oidc-tenants', '/admin/settings/metadata', '/admin/version']) {
        expect((await s.call('GET', `${api}${path}`, { token })).body, path).toEqual({ code: 403, message: FORBIDDEN });
      }
    });

    it('answers 401 for inactive and expired tokens and when introspection fails', async () => {
      await register();
      const inactive = await s.issuer.token({ preferred_username: 'x' }, { issuer: tenantIssuer() });
      expect((await s.call('GET', `${api}/unit-types`, { token: inactive })).body).toEqual({ code: 401, message: 'The access token is invalid.' });

      const expired = await tenantToken({ preferred_username: 'x' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
      const before = idp.requests.length;
      expect((await s.call('GET', `${api}/unit-types`, { token: expired })).body).toEqual({ code: 401, message: 'The access token has expired.' });
      expect(idp.requests.length).toBe(before);

      idp.failing = true;
      const token = await tenantToken({ preferred_username: 'x' });
      const r = await s.call('GET', `${api}/unit-types`, { token });
      expect(r.body).toEqual({ code: 401, message: 'The access token could not be validated by its issuer.' });
      expect(r.text).not.toContain(token);
    });

    it('reads entitlements from the database in database mode, keyed by caller id and issuer', async () => {
      const tenantId = await register({ entitlement_management: 'database' });
      const token = await tenantToken({ preferred_username: 'dora', entitlements: [tenantEnt('operations:resources:role=admin')] });
      // The claim is ignored in database mode…
      expect((await s.call('GET', `${api}/unit-types`, { token })).status).toBe(403);

      // …the actor's assigned entitlements count instead.
      const actorId = 'cccccccccccccccccccccccc';
      await s.app.database.dataSource.query(`INSERT INTO actors (id, oidc_id, issuer) VALUES ($1, 'dora', $2)`, [actorId, tenantIssuer()]);
      const created = await s.call('POST', `${api}/admin/entitlements`, {
        token: admin,
        body: { name: tenantEnt('operations:resources:role=viewer') },
      });
      const assigned = await s.call('POST', `${api}/admin/entitlements/${created.body.id}/assign/${actorId}`, {
        token: admin,
        headers: { 'Content-Type': 'application/json' },
      });
      expect(assigned.status).toBe(200);
      expect((await s.call('GET', `${api}/unit-types`, { token })).status).toBe(200);

      // Switching the tenant to oidc mode makes the claim count again.
      await s.call('PATCH', `${api}/admin/oidc-tenants/${tenantId}`, { token: admin, body: { entitlement_management: 'oidc' } });
      const adminOnly = await s.call('POST', `${api}/unit-types`, { token, body: { unit_type: `db-mode-${backend}`, description: 'd' } });
      expect(adminOnly.status).toBe(201);
    });

    it('uses the current secret and forgets a deleted tenant', async () => {
      const id = await register();
      await s.call('PATCH', `${api}/admin/oidc-tenants/${id}`, { token: admin, body: { secret: 'rotated' } });
      const token = await tenantToken({ preferred_username: 'tina', entitlements: [tenantEnt('operations:resources:role=viewer')] });
      expect((await s.call('GET', `${api}/unit-types`, { token })).status).toBe(200);
      expect(idp.requests.at(-1)?.authorization).toBe(basic('acc-client', 'rotated'));

      await s.call('DELETE', `${api}/admin/oidc-tenants/${id}`, { token: admin });
      expect((await s.call('GET', `${api}/unit-types`, { token })).body).toEqual({ code: 401, message: 'The access token issuer is not trusted.' });
    });

    it('leaves default-issuer tokens to the default configuration', async () => {
      await register();
      expect((await s.call('GET', `${api}/admin/oidc-tenants`, { token: admin })).status).toBe(200);
      expect(idp.requests).toHaveLength(0);
    });
  });
});
