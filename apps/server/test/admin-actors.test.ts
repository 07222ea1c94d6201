import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';
import { trpcClient, trpcFailure } from './support/trpc.js';

const api = '/accounting-system';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;
// Assign/dissociate take no body, but every REST POST is held to the JSON content type.
const json = { 'Content-Type': 'application/json' };

describe.each(backends)('admin actors and entitlements on %s', (backend) => {
  let s: TestServer;
  let admin: string;
  let resAdmin: string;
  const alice = 'aaaaaaaaaaaaaaaaaaaaaaaa';
  const bob = 'bbbbbbbbbbbbbbbbbbbbbbbb';

  beforeAll(async () => {
    s = await startTestServer(backend);
    admin = await s.issuer.token({ sub: 'sys-admin', entitlements: [ent('role=admin')] });
    resAdmin = await s.issuer.token({ sub: 'res-admin', entitlements: [ent('operations:resources:role=admin')] });
    // Actors come from POST /clients; inserted here so this suite depends only on the admin endpoints.
    await s.app.database.dataSource.query(
      `INSERT INTO actors (id, oidc_id, issuer, name, email, registered_on) VALUES
         ($1, 'alice-sub', 'https://idp.example', 'Alice', 'alice@example.org', '2024-10-02T14:21:09.482Z'),
         ($2, 'bob-sub', 'https://idp.example', 'Bob', '', '2024-10-03T08:00:00Z')`,
      [alice, bob],
    );
  });
  afterAll(() => s.close());

  const createEntitlement = async (name: string) => {
    const r = await s.call('POST', `${api}/admin/entitlements`, { token: admin, body: { name } });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  it('refuses callers without a token (401) and non-system-admins (403) before validating', async () => {
    expect((await s.call('GET', `${api}/admin/actors`)).status).toBe(401);
    for (const [method, path] of [
      ['GET', '/admin/actors?page=0'],
      ['GET', '/admin/actors/entitlements'],
      ['GET', `/admin/actors/${alice}/entitlements`],
      ['GET', '/admin/entitlements'],
      ['GET', `/admin/entitlements/${alice}`],
      ['DELETE', `/admin/entitlements/${alice}`],
    ]) {
      const r = await s.call(method, `${api}${path}`, { token: resAdmin });
      expect(r.body, `${method} ${path}`).toEqual({ code: 403, message: FORBIDDEN });
    }
    const post = await s.call('POST', `${api}/admin/entitlements`, { token: resAdmin, body: {} });
    expect(post.body).toEqual({ code: 403, message: FORBIDDEN });
  });

  it('lists actors with zone-less UTC registration times', async () => {
    const r = await s.call('GET', `${api}/admin/actors?size=1`, { token: admin });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ size_of_page: 1, number_of_page: 1, total_elements: 2, total_pages: 2 });
    expect(r.body.content).toEqual([
      {
        id: alice,
        oidc_id: 'alice-sub',
        name: 'Alice',
        email: 'alice@example.org',
        registered_on: '2024-10-02T14:21:09.482',
        issuer: 'https://idp.example',
      },
    ]);
    expect(r.body.links[0].href).toBe('http://acc.test/accounting-system/admin/actors?page=1&size=1');
  });

  it('validates paging on the admin lists', async () => {
    expect((await s.call('GET', `${api}/admin/actors?page=0`, { token: admin })).body).toEqual({ code: 400, message: 'Page number must be >= 1.' });
    expect((await s.call('GET', `${api}/admin/entitlements?size=101`, { token: admin })).body).toEqual({
      code: 400,
      message: 'Page size must be between 1 and 100.',
    });
    expect((await s.call('GET', `${api}/admin/actors/${alice}/entitlements?size=abc`, { token: admin })).body).toEqual({
      code: 400,
      message: 'Page size must be between 1 and 100.',
    });
  });

  it('creates an entitlement with 201 and Location, and refuses empty and duplicate names', async () => {
    const name = ent('777536:role=admin');
    const created = await s.call('POST', `${api}/admin/entitlements`, { token: admin, body: { name } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), name, registered_on: expect.stringMatching(LOCAL_DATE_TIME) });
    expect(created.headers.get('location')).toBe(`http://acc.test/accounting-system/admin/entitlements/${created.body.id}`);
    // The stored instant, shown in UTC without a zone.
    const [row] = await s.app.database.dataSource.query('SELECT registered_on FROM entitlements WHERE id = $1', [created.body.id]);
    expect(created.body.registered_on).toBe(new Date(row.registered_on).toISOString().slice(0, -1));

    const dup = await s.call('POST', `${api}/admin/entitlements`, { token: admin, body: { name } });
    expect(dup.body).toEqual({ code: 409, message: `There is an entitlement with name : ${name}` });

    for (const body of [{}, { name: '' }, { name: '   ' }, { name: null }]) {
      const r = await s.call('POST', `${api}/admin/entitlements`, { token: admin, body });
      expect(r.body).toEqual({ code: 400, message: 'name may not be empty.' });
    }
    // The format is not validated.
    expect((await s.call('POST', `${api}/admin/entitlements`, { token: admin, body: { name: 'free text' } })).status).toBe(201);
  });

  it('answers 415 and 400 for bodies that are not JSON or absent', async () => {
    const noType = await s.call('POST', `${api}/admin/entitlements`, {
      token: admin,
      body: '{"name":"x"}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(noType.body).toEqual({ code: 415, message: 'Cannot consume content type.' });
    const empty = await s.call('POST', `${api}/admin/entitlements`, { token: admin, headers: json });
    expect(empty.body).toEqual({ code: 400, message: 'The request body is empty.' });
  });

  it('reads and renames entitlements', async () => {
    const id = await createEntitlement(ent('rename-me:role=viewer'));
    const taken = await createEntitlement(ent('taken:role=viewer'));

    const got = await s.call('GET', `${api}/admin/entitlements/${id}`, { token: admin });
    expect(got.body).toMatchObject({ id, name: ent('rename-me:role=viewer') });

    const renamed = await s.call('PATCH', `${api}/admin/entitlements/${id}`, { token: admin, body: { name: ent('renamed:role=viewer') } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ id, name: ent('renamed:role=viewer'), registered_on: got.body.registered_on });

    const blank = await s.call('PATCH', `${api}/admin/entitlements/${id}`, { token: admin, body: { name: '' } });
    expect(blank.body.name).toBe(ent('renamed:role=viewer'));
    const same = await s.call('PATCH', `${api}/admin/entitlements/${id}`, { token: admin, body: { name: ent('renamed:role=viewer') } });
    expect(same.status).toBe(200);

    const clash = await s.call('PATCH', `${api}/admin/entitlements/${id}`, { token: admin, body: { name: ent('taken:role=viewer') } });
    expect(clash.body).toEqual({ code: 409, message: "Entitlement's name already in use." });
    expect((await s.call('GET', `${api}/admin/entitlements/${taken}`, { token: admin })).status).toBe(200);

    for (const [method, body] of [['GET'], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
      const r = await s.call(method, `${api}/admin/entitlements/507f1f77bcf86cd799439099`, { token: admin, body });
      expect(r.body, method).toEqual({ code: 404, message: 'There is no entitlement with the following id: 507f1f77bcf86cd799439099' });
    }
    expect((await s.call('GET', `${api}/admin/entitlements/not-an-id`, { token: admin })).body).toEqual({
      code: 404,
      message: 'There is no entitlement with the following id: not-an-id',
    });
  });

  it('assigns, lists, guards deletion of, dissociates and deletes an entitlement', async () => {
    const id = await createEntitlement(ent('p1:role=admin'));
    const assign = (entitlement: string, actor: string) =>
      s.call('POST', `${api}/admin/entitlements/${entitlement}/assign/${actor}`, { token: admin, headers: json });
    const dissociate = (entitlement: string, actor: string) =>
      s.call('POST', `${api}/admin/entitlements/${entitlement}/dissociate/${actor}`, { token: admin, headers: json });

    // Bodiless POSTs need no Content-Type (§1.1 requires it only of bodies and POST /clients).
    const bare = await s.call('POST', `${api}/admin/entitlements/${id}/assign/${bob}`, { token: admin });
    expect(bare.body).toEqual({ code: 200, message: 'Entitlement was assigned successfully.' });
    expect((await dissociate(id, bob)).status).toBe(200);
    expect((await assign(id, bob)).body).toEqual({ code: 200, message: 'Entitlement was assigned successfully.' });
    expect((await assign(id, bob)).body).toEqual({ code: 409, message: 'Entitlement already assigned to actor.' });
    expect((await assign('507f1f77bcf86cd799439099', 'nobody')).body).toEqual({
      code: 404,
      message: 'There is no entitlement with the following id: 507f1f77bcf86cd799439099',
    });
    expect((await assign(id, 'nobody')).body).toEqual({ code: 404, message: 'There is no actor with the following id: nobody' });

    const all = await s.call('GET', `${api}/admin/actors/entitlements?size=100`, { token: admin });
    expect(all.status).toBe(200);
    expect(all.body.content).toContainEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      actor_id: bob,
      entitlement_id: id,
      assigned_at: expect.stringMatching(LOCAL_DATE_TIME),
    });

    const mine = await s.call('GET', `${api}/admin/actors/${bob}/entitlements`, { token: admin });
    expect(mine.body).toMatchObject({
      total_elements: 1,
      content: [{ id, name: ent('p1:role=admin'), registered_on: expect.stringMatching(LOCAL_DATE_TIME) }],
    });
    const none = await s.call('GET', `${api}/admin/actors/${alice}/entitlements`, { token: admin });
    expect(none.body).toMatchObject({ total_elements: 0, content: [], total_pages: 1 });
    expect((await s.call('GET', `${api}/admin/actors/nobody/entitlements`, { token: admin })).body).toEqual({
      code: 404,
      message: 'There is no actor with the following id: nobody',
    });

    expect((await s.call('DELETE', `${api}/admin/entitlements/${id}`, { token: admin })).body).toEqual({
      code: 403,
      message: 'You cannot delete this entitlement cause is assigned to an actor!',
    });

    expect((await dissociate(id, bob)).body).toEqual({ code: 200, message: 'Entitlement was dissociated successfully.' });
    expect((await dissociate(id, bob)).body).toEqual({ code: 400, message: 'There is no entitlement assigned to actor.' });
    expect((await dissociate(id, 'nobody')).body).toEqual({ code: 404, message: 'There is no actor with the following id: nobody' });
    expect((await dissociate('nope', bob)).body).toEqual({ code: 404, message: 'There is no entitlement with the following id: nope' });

    expect((await s.call('DELETE', `${api}/admin/entitlements/${id}`, { token: admin })).body).toEqual({
      code: 200,
      message: 'Entitlement was deleted successfully.',
    });
    expect((await s.call('GET', `${api}/admin/entitlements/${id}`, { token: admin })).status).toBe(404);
  });

  it('serves the same procedures over tRPC', async () => {
    const trpc = trpcClient(s.url, admin);
    const name = ent('trpc:role=viewer');
    const { id } = await trpc.entitlements.create.mutate({ name });

    expect(await trpcFailure(trpc.entitlements.create.mutate({ name }))).toEqual({
      message: `There is an entitlement with name : ${name}`,
      httpStatus: 409,
    });

    const page = await trpc.actors.list.query({ page: 1, size: 1 });
    expect(page.total_elements).toBe(2);
    expect(page.links[0].href).toBe('http://acc.test/accounting-system/admin/actors?page=1&size=1');

    expect(await trpcFailure(trpc.entitlements.assign.mutate({ id, actor_id: 'ghost' }))).toEqual({
      message: 'There is no actor with the following id: ghost',
      httpStatus: 404,
    });
  });
});
