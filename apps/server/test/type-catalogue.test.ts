import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';
import { trpcClient, trpcFailure } from './support/trpc.js';

const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';

describe.each(backends)('unit types and metric types on %s', (backend) => {
  let s: TestServer;
  let admin: string;
  let viewer: string;
  let nobody: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    admin = await s.issuer.token({ sub: 'res-admin', entitlements: [ent('operations:resources:role=admin')] });
    viewer = await s.issuer.token({ sub: 'res-viewer', entitlements: [ent('operations:resources:role=viewer')] });
    nobody = await s.issuer.token({ sub: 'nobody' });
  });
  afterAll(() => s.close());

  const api = '/accounting-system';

  it('lists the seeded unit types in spec order with the page envelope', async () => {
    const r = await s.call('GET', `${api}/unit-types?page=1&size=100`, { token: viewer });
    expect(r.status).toBe(200);
    expect(r.body.total_elements).toBe(11);
    expect(r.body.size_of_page).toBe(11);
    expect(r.body.total_pages).toBe(1);
    expect(r.body.links).toEqual([]);
    expect(r.body.content[0]).toEqual({ id: expect.any(String), unit_type: 'TB', description: 'terabyte', creator_id: '' });
    expect(r.body.content.map((u: { unit_type: string }) => u.unit_type).at(-1)).toBe('s');
  });

  it('builds page links with the requested size and the other query parameters', async () => {
    const r = await s.call('GET', `${api}/metric-types?size=3&page=2&foo=a%20b`, { token: viewer });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ size_of_page: 1, number_of_page: 2, total_elements: 4, total_pages: 2 });
    expect(r.body.links.map((l: { rel: string }) => l.rel)).toEqual(['first', 'last', 'self', 'prev']);
    expect(r.body.links[0].href).toBe('http://acc.test/accounting-system/metric-types?page=1&size=3&foo=a+b');
    const beyond = await s.call('GET', `${api}/metric-types?size=3&page=9`, { token: viewer });
    expect(beyond.body).toMatchObject({ content: [], total_elements: 4, total_pages: 2, links: [] });
  });

  it.each([
    ['page=0', 'Page number must be >= 1.'],
    ['page=abc', 'Page number must be >= 1.'],
    ['page=1.5', 'Page number must be >= 1.'],
    ['size=0', 'Page size must be between 1 and 100.'],
    ['size=101', 'Page size must be between 1 and 100.'],
    ['size=x', 'Page size must be between 1 and 100.'],
  ])('rejects %s', async (query, message) => {
    const r = await s.call('GET', `${api}/unit-types?${query}`, { token: viewer });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 400, message });
  });

  it('creates with 201 and Location, then reads, patches and deletes', async () => {
    const created = await s.call('POST', `${api}/unit-types`, { token: admin, body: { unit_type: 'GB', description: 'gigabyte' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), unit_type: 'GB', description: 'gigabyte', creator_id: 'res-admin' });
    expect(created.headers.get('location')).toBe(`http://acc.test/accounting-system/unit-types/${created.body.id}`);
    const id = created.body.id;

    expect((await s.call('GET', `${api}/unit-types/${id}`, { token: viewer })).body.unit_type).toBe('GB');

    const patched = await s.call('PATCH', `${api}/unit-types/${id}`, { token: admin, body: { description: 'gigabytes', unit_type: '' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ unit_type: 'GB', description: 'gigabytes' });

    const deleted = await s.call('DELETE', `${api}/unit-types/${id}`, { token: admin });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ code: 200, message: 'Unit Type has been deleted successfully.' });
    const gone = await s.call('GET', `${api}/unit-types/${id}`, { token: viewer });
    expect(gone.body).toEqual({ code: 404, message: `There is no Unit Type with the following id: ${id}` });
  });

  it('accepts a number for a string field', async () => {
    const r = await s.call('POST', `${api}/metric-types`, { token: admin, body: { metric_type: 42, description: 'answer' } });
    expect(r.status).toBe(201);
    expect(r.body.metric_type).toBe('42');
  });

  it('answers 409 for a case-insensitive duplicate, naming the existing id', async () => {
    const r = await s.call('POST', `${api}/unit-types`, { token: admin, body: { unit_type: 'tb', description: 'dup' } });
    expect(r.status).toBe(409);
    expect(r.body).toEqual({
      code: 409,
      message: 'This Unit Type already exists in the Accounting Service database. Its id is 5eed00000000000000000001',
    });
  });

  it('answers one 201 and one 409 to two concurrent creates of the same name', async () => {
    const body = { unit_type: 'Race', description: 'r' };
    const results = await Promise.all([1, 2].map(() => s.call('POST', `${api}/unit-types`, { token: admin, body })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it.each([
    [{ description: 'x' }, 'unit_type may not be empty.'],
    [{ unit_type: '', description: 'x' }, 'unit_type may not be empty.'],
    [{ unit_type: '   ', description: 'x' }, 'unit_type may not be empty.'],
    [{ unit_type: null, description: 'x' }, 'unit_type may not be empty.'],
    [{ unit_type: 'X1' }, 'description may not be empty.'],
    [{ unit_type: { a: 1 }, description: 'x' }, 'unit_type must be a string.'],
  ])('validates the body %j', async (body, message) => {
    const r = await s.call('POST', `${api}/unit-types`, { token: admin, body });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 400, message });
  });

  it('answers the body and content-type errors of §1.2', async () => {
    expect((await s.call('POST', `${api}/unit-types`, { token: admin })).body).toEqual({ code: 415, message: 'Cannot consume content type.' });
    expect((await s.call('POST', `${api}/unit-types`, { token: admin, body: '', headers: { 'Content-Type': 'application/json' } })).body).toEqual({
      code: 400,
      message: 'The request body is empty.',
    });
    expect((await s.call('POST', `${api}/unit-types`, { token: admin, body: 'null' })).body).toEqual({
      code: 400,
      message: 'The request body is empty.',
    });
    const text = await s.call('POST', `${api}/unit-types`, { token: admin, body: '{"unit_type":"A"', headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).toBe(415);
    const malformed = await s.call('POST', `${api}/unit-types`, { token: admin, body: '{"unit_type":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^The request body is not valid JSON/);
    const charset = await s.call('POST', `${api}/unit-types`, {
      token: admin,
      body: { unit_type: 'CS', description: 'c' },
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(charset.status).toBe(201);
  });

  it('checks permission before the body (§1.3) and refuses viewers and strangers', async () => {
    expect((await s.call('POST', `${api}/unit-types`, { token: viewer })).status).toBe(415);
    expect((await s.call('POST', `${api}/unit-types`, { token: viewer, body: 'null' })).body).toEqual({ code: 403, message: FORBIDDEN });
    expect((await s.call('GET', `${api}/unit-types`, { token: nobody })).body).toEqual({ code: 403, message: FORBIDDEN });
    expect((await s.call('DELETE', `${api}/unit-types/5eed00000000000000000001`, { token: viewer })).status).toBe(403);
  });

  it('guards seeded rows and rows in use by a metric definition', async () => {
    const seeded = '5eed00000000000000000001';
    expect((await s.call('PATCH', `${api}/unit-types/${seeded}`, { token: admin, body: { description: 'x' } })).body).toEqual({
      code: 403,
      message: 'You cannot update a Unit Type registered by Accounting Service.',
    });
    expect((await s.call('DELETE', `${api}/metric-types/5eed01000000000000000001`, { token: admin })).body).toEqual({
      code: 403,
      message: 'You cannot delete a Metric Type registered by Accounting Service.',
    });
    const used = await s.call('POST', `${api}/unit-types`, { token: admin, body: { unit_type: 'Used', description: 'u' } });
    await s.app.database.dataSource.query(
      `INSERT INTO metric_definitions (id, metric_name, unit_type, metric_type) VALUES ('md1', 'm', 'used', 'count')`,
    );
    expect((await s.call('PATCH', `${api}/unit-types/${used.body.id}`, { token: admin, body: { description: 'x' } })).body).toEqual({
      code: 403,
      message: 'This Unit Type is used in an existing Metric Definition, so you cannot update it.',
    });
    expect((await s.call('DELETE', `${api}/unit-types/${used.body.id}`, { token: admin })).body).toEqual({
      code: 403,
      message: 'This Unit Type is used in an existing Metric Definition, so you cannot delete it.',
    });
  });

  it('answers 409 when a patch renames onto another type, and 404 for unknown ids', async () => {
    const a = await s.call('POST', `${api}/unit-types`, { token: admin, body: { unit_type: 'Alpha', description: 'a' } });
    const r = await s.call('PATCH', `${api}/unit-types/${a.body.id}`, { token: admin, body: { unit_type: 'TB' } });
    expect(r.body).toEqual({
      code: 409,
      message: 'This Unit Type already exists in the Accounting Service database. Its id is 5eed00000000000000000001',
    });
    expect((await s.call('PATCH', `${api}/unit-types/nope`, { token: admin, body: { unit_type: 'x' } })).body).toEqual({
      code: 404,
      message: 'There is no Unit Type with the following id: nope',
    });
    expect((await s.call('DELETE', `${api}/metric-types/nope`, { token: admin })).status).toBe(404);
  });

  it('serves the same procedures over tRPC with the same messages', async () => {
    const trpc = trpcClient(s.url, admin);
    const created = await trpc.unitTypes.create.mutate({ unit_type: 'PB', description: 'petabyte' });
    expect(created.unit_type).toBe('PB');
    expect(await trpcFailure(trpc.unitTypes.get.query({ id: 'nope' }))).toEqual({
      message: 'There is no Unit Type with the following id: nope',
      httpStatus: 404,
    });
    const page = await trpc.unitTypes.list.query({ page: 1, size: 5 });
    expect(page.links[0]).toEqual({ href: 'http://acc.test/accounting-system/unit-types?page=1&size=5', rel: 'first' });
  });

  it('answers 404 in the envelope for unknown routes', async () => {
    expect((await s.call('GET', `${api}/no-such-thing`, { token: admin })).body).toEqual({ code: 404, message: 'Not found' });
    // Extensionless page paths belong to the dashboard's SPA fallback; a file it does not have is a 404.
    expect((await s.call('GET', '/elsewhere.txt')).status).toBe(404);
  });
});
