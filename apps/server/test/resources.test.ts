import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';
import { associate, hexId, insertInstallation, insertProject, insertProvider, trpcCall } from './support/catalogue-fixtures.js';

const ADMIN_BASE = '/accounting-system/admin/resources';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';

describe.each(backends)('resources (%s)', (backend) => {
  let s: TestServer;
  let sys: string;
  let resAdmin: string;
  let plain: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    sys = await s.issuer.token({ sub: 'sys', entitlements: [ent('role=admin')] });
    resAdmin = await s.issuer.token({ sub: 'res-admin', entitlements: [ent('operations:resources:role=admin')] });
    plain = await s.issuer.token({ sub: 'plain' });
  });
  afterAll(async () => {
    await s?.close();
  });

  const create = (body: unknown, token = sys) => s.call('POST', ADMIN_BASE, { token, body });
  const rid = () => `res-${hexId()}`;

  it('POST /admin/resources registers a resource: 201, Location, {id, name}', async () => {
    const id = rid();
    const res = await create({ id, name: 'Cloud Compute' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id, name: 'Cloud Compute' });
    expect(res.headers.get('location')).toBe(`http://acc.test${ADMIN_BASE}/${id}`);
    const numeric = await create({ id: 12345, name: 678 });
    expect(numeric.body).toEqual({ id: '12345', name: '678' });
  });

  it('POST: 401, 415, 403 (tenant/RES admins are not SYS), 400 per field, 409 for a known id', async () => {
    expect((await s.call('POST', ADMIN_BASE, { body: { id: 'x', name: 'y' } })).status).toBe(401);
    expect((await s.call('POST', ADMIN_BASE, { token: plain, body: '{}', headers: { 'Content-Type': 'text/plain' } })).body).toEqual({
      code: 415,
      message: 'Cannot consume content type.',
    });
    for (const token of [resAdmin, plain]) expect((await create({}, token)).body).toEqual({ code: 403, message: FORBIDDEN });
    expect((await s.call('POST', ADMIN_BASE, { token: sys, headers: { 'Content-Type': 'application/json' } })).body).toEqual({
      code: 400,
      message: 'The request body is empty.',
    });
    expect((await create({ name: 'n' })).body).toEqual({ code: 400, message: 'id may not be empty.' });
    expect((await create({ id: ' ', name: 'n' })).body).toEqual({ code: 400, message: 'id may not be empty.' });
    expect((await create({ id: 'x' })).body).toEqual({ code: 400, message: 'name may not be empty.' });
    const id = rid();
    await create({ id, name: 'first' });
    expect((await create({ id, name: 'second' })).body).toEqual({
      code: 409,
      message: `Resource with ID [${id}] has already been registered in Accounting Service.`,
    });
  });

  it('GET /resources lists {id, name} pages to any authenticated caller', async () => {
    const a = rid();
    const b = rid();
    await create({ id: a, name: 'A' });
    await create({ id: b, name: 'B' });
    const res = await s.call('GET', '/accounting-system/resources?size=100', { token: plain });
    expect(res.status).toBe(200);
    const mine = res.body.content.filter((r: { id: string }) => r.id === a || r.id === b);
    expect(mine).toEqual([
      { id: a, name: 'A' },
      { id: b, name: 'B' },
    ]);
    const page = await s.call('GET', '/accounting-system/resources?page=2&size=1', { token: plain });
    expect(page.body).toMatchObject({ size_of_page: 1, number_of_page: 2 });
    expect((await s.call('GET', '/accounting-system/resources?size=0', { token: plain })).body).toEqual({
      code: 400,
      message: 'Page size must be between 1 and 100.',
    });
    expect((await s.call('GET', '/accounting-system/resources')).status).toBe(401);
  });

  it('DELETE /admin/resources/{id}: 200, then 404; 403 for non-SYS callers', async () => {
    const id = rid();
    await create({ id, name: 'gone soon' });
    expect((await s.call('DELETE', `${ADMIN_BASE}/${id}`, { token: resAdmin })).body).toEqual({ code: 403, message: FORBIDDEN });
    expect((await s.call('DELETE', `${ADMIN_BASE}/${id}`, { token: sys })).body).toEqual({ code: 200, message: 'Resource deleted successfully.' });
    expect((await s.call('DELETE', `${ADMIN_BASE}/${id}`, { token: sys })).body).toEqual({
      code: 404,
      message: `There is no Resource with the following id: ${id}`,
    });
  });

  it('DELETE: 409 while an installation references the resource', async () => {
    const id = rid();
    await create({ id, name: 'in use' });
    const db = s.app.database.dataSource;
    const project = `P${hexId().slice(-8)}`;
    await insertProject(db, project);
    const provider = await insertProvider(db, { name: `prov ${hexId()}` });
    await associate(db, project, provider);
    const installation = await insertInstallation(db, { projectId: project, providerId: provider, installation: 'i', resourceId: id });
    expect((await s.call('DELETE', `${ADMIN_BASE}/${id}`, { token: sys })).body).toEqual({
      code: 409,
      message: 'Resource cannot be deleted. It is assigned to an Installation.',
    });
    await db.query('DELETE FROM installations WHERE id = $1', [installation]);
    expect((await s.call('DELETE', `${ADMIN_BASE}/${id}`, { token: sys })).status).toBe(200);
  });

  it('tRPC: resources.create, resources.list and a 403', async () => {
    const id = rid();
    const created = await trpcCall(s.url, 'mutation', 'resources.create', { id, name: 'via trpc' }, sys);
    expect(created.body.result.data).toEqual({ id, name: 'via trpc' });
    const listed = await trpcCall(s.url, 'query', 'resources.list', { size: 100 }, plain);
    expect(listed.body.result.data.content).toContainEqual({ id, name: 'via trpc' });
    const denied = await trpcCall(s.url, 'mutation', 'resources.delete', { id }, resAdmin);
    expect(denied.status).toBe(403);
    expect(denied.body.error.data.httpStatus).toBe(403);
    expect(denied.body.error.message).toBe(FORBIDDEN);
    const missing = await trpcCall(s.url, 'mutation', 'resources.delete', { id: 'nope' }, sys);
    expect(missing.body.error.message).toBe('There is no Resource with the following id: nope');
  });
});
