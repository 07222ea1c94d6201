import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';
import { trpcClient, trpcFailure } from './support/trpc.js';

const api = '/accounting-system';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';

describe.each(backends)('settings on %s', (backend) => {
  let s: TestServer;
  let admin: string;
  let claimOnlyAdmin: string;

  beforeAll(async () => {
    // The test configuration's default source is oidc, so the setting's default is oidc here.
    s = await startTestServer(backend);
    admin = await s.issuer.token({ sub: 'db-admin', entitlements: [ent('role=admin')] });
    claimOnlyAdmin = await s.issuer.token({ sub: 'claim-admin', entitlements: [ent('role=admin')] });
  });
  afterAll(() => s.close());

  const metadata = async () => (await s.call('GET', `${api}/admin/settings/metadata`, { token: admin })).body;
  const put = (key: string, body: unknown, token = admin) => s.call('PUT', `${api}/admin/settings/${key}`, { token, body });

  it('lists the settings with current, default and allowed values', async () => {
    expect(await metadata()).toEqual({
      size_of_page: 1,
      number_of_page: 1,
      total_elements: 1,
      total_pages: 1,
      content: [{ key: 'ENTITLEMENTS_MANAGEMENT', current_value: 'oidc', default_value: 'oidc', allowed_values: ['oidc', 'database'] }],
      links: [],
    });
    const beyond = await s.call('GET', `${api}/admin/settings/metadata?page=2`, { token: admin });
    expect(beyond.body).toMatchObject({ size_of_page: 0, number_of_page: 2, total_elements: 1, content: [] });
    expect((await s.call('GET', `${api}/admin/settings/metadata?size=0`, { token: admin })).body).toEqual({
      code: 400,
      message: 'Page size must be between 1 and 100.',
    });
  });

  it('validates the value, then the key, then the value against the setting', async () => {
    for (const body of [{}, { value: '' }, { value: null }]) {
      expect((await put('UNKNOWN', body)).body).toEqual({ code: 400, message: 'value may not be empty.' });
    }
    expect((await put('UNKNOWN', { value: 'oidc' })).body).toEqual({ code: 404, message: 'There is no setting with the following key: UNKNOWN' });
    expect((await put('ENTITLEMENTS_MANAGEMENT', { value: 'ldap' })).body).toEqual({
      code: 400,
      message: 'Invalid value for setting ENTITLEMENTS_MANAGEMENT',
    });
    const noJson = await s.call('PUT', `${api}/admin/settings/ENTITLEMENTS_MANAGEMENT`, {
      token: admin,
      body: 'value=oidc',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(noJson.body).toEqual({ code: 415, message: 'Cannot consume content type.' });
    expect((await metadata()).content[0].current_value).toBe('oidc');
  });

  it('is for system admins only', async () => {
    const viewer = await s.issuer.token({ sub: 'viewer', entitlements: [ent('role=viewer')] });
    expect((await s.call('GET', `${api}/admin/settings/metadata`, { token: viewer })).body).toEqual({ code: 403, message: FORBIDDEN });
    expect((await put('ENTITLEMENTS_MANAGEMENT', {}, viewer)).body).toEqual({ code: 403, message: FORBIDDEN });
    expect((await s.call('GET', `${api}/admin/settings/metadata`)).status).toBe(401);
  });

  it('switches the default tenant between oidc and database entitlements at run time', async () => {
    // Give db-admin the system-admin entitlement in the database, so it keeps its rights after the switch.
    const actorId = 'dddddddddddddddddddddddd';
    await s.app.database.dataSource.query(`INSERT INTO actors (id, oidc_id, issuer) VALUES ($1, 'db-admin', $2)`, [actorId, s.issuer.issuer]);
    const created = await s.call('POST', `${api}/admin/entitlements`, { token: admin, body: { name: ent('role=admin') } });
    const assigned = await s.call('POST', `${api}/admin/entitlements/${created.body.id}/assign/${actorId}`, {
      token: admin,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(assigned.status).toBe(200);

    expect((await put('ENTITLEMENTS_MANAGEMENT', { value: 'database' })).body).toEqual({ code: 200, message: 'Setting updated successfully.' });
    expect((await metadata()).content[0]).toMatchObject({ current_value: 'database', default_value: 'oidc' });
    // The claim no longer counts; the database does.
    expect((await s.call('GET', `${api}/admin/settings/metadata`, { token: claimOnlyAdmin })).body).toEqual({ code: 403, message: FORBIDDEN });

    expect((await put('ENTITLEMENTS_MANAGEMENT', { value: 'oidc' })).status).toBe(200);
    expect((await s.call('GET', `${api}/admin/settings/metadata`, { token: claimOnlyAdmin })).status).toBe(200);
  });

  it('serves the same procedures over tRPC', async () => {
    const trpc = trpcClient(s.url, admin);
    expect((await trpc.settings.metadata.query({ page: 1, size: 10 })).content[0].key).toBe('ENTITLEMENTS_MANAGEMENT');
    expect(await trpcFailure(trpc.settings.update.mutate({ key: 'ENTITLEMENTS_MANAGEMENT', value: 'x' }))).toEqual({
      message: 'Invalid value for setting ENTITLEMENTS_MANAGEMENT',
      httpStatus: 400,
    });
  });
});

describe.each(backends)('settings with the database default on %s', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(backend, { ACC_ENTITLEMENTS_SOURCE: 'database' });
  });
  afterAll(() => s.close());

  it('reports the configured default as both default and current value', async () => {
    // In database mode only a registered actor can be admin: seed one holding the system-admin entitlement.
    await s.app.database.dataSource.query(`INSERT INTO actors (id, oidc_id, issuer) VALUES ('eeeeeeeeeeeeeeeeeeeeeeee', 'root', $1)`, [
      s.issuer.issuer,
    ]);
    await s.app.database.dataSource.query(`INSERT INTO entitlements (id, name) VALUES ('ffffffffffffffffffffffff', $1)`, [ent('role=admin')]);
    await s.app.database.dataSource.query(
      `INSERT INTO actor_entitlements (id, actor_id, entitlement_id) VALUES ('000000000000000000000001', 'eeeeeeeeeeeeeeeeeeeeeeee', 'ffffffffffffffffffffffff')`,
    );
    const token = await s.issuer.token({ sub: 'root' });
    const r = await s.call('GET', `${api}/admin/settings/metadata`, { token });
    expect(r.body.content).toEqual([
      { key: 'ENTITLEMENTS_MANAGEMENT', current_value: 'database', default_value: 'database', allowed_values: ['oidc', 'database'] },
    ]);
  });
});
