import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { Fixtures, stage, tokenWith, trpc, type InstallationFixture } from './support/fixtures.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const REGISTERED = { code: 200, message: 'Capacity has been successfully registered.' };
const DATE_FORMAT = { code: 400, message: 'Valid date format is yyyy-MM-dd.' };
const NEGATIVE = { code: 400, message: 'value must be greater than or equal to 0.' };
const FORBIDDEN = { code: 403, message: 'The authenticated client is not permitted to perform the requested operation.' };

describe.each(backends)('capacities (%s)', (backend) => {
  let s: TestServer;
  let f: Fixtures;
  let admin: string;
  let inst: InstallationFixture;
  let def: string;
  let P: string;
  let prov: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    f = Fixtures.of(s);
    admin = await tokenWith(s, ent('role=admin'));
    ({ inst, def, projectId: P, providerId: prov } = await stage(f));
  });
  afterAll(() => s?.close());

  const register = (installationId: string, body: unknown, token = admin) =>
    s.call('POST', `${API}/installations/${installationId}/capacities`, { token, body });
  const list = async (installationId: string, query = '') =>
    (await s.call('GET', `${API}/installations/${installationId}/capacities${query}`, { token: admin })).body;

  it('registers capacities and lists them in insertion order with exact values and instants', async () => {
    const target = await f.installation(P, prov);
    expect((await register(target.id, { value: 1234.5678, metric_definition_id: def, registered_on: '2025-12-15' })).body).toEqual(REGISTERED);
    expect((await register(target.id, { value: '0.1', metric_definition_id: def, registered_on: '2025-12-15T10:00:00Z' })).body).toEqual(REGISTERED);
    expect((await register(target.id, { value: 7, metric_definition_id: def, registered_on: '2025-12-15T10:00:00.5+02:00' })).body).toEqual(
      REGISTERED,
    );
    expect((await register(target.id, { value: 0, metric_definition_id: def })).status).toBe(200);
    const page = await list(target.id);
    expect(page).toMatchObject({ size_of_page: 4, total_elements: 4, total_pages: 1, links: [] });
    expect(page.content.slice(0, 3)).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        installation_id: target.id,
        metric_definition_id: def,
        value: 1234.5678,
        registered_on: '2025-12-15T00:00:00Z',
      },
      { id: expect.any(String), installation_id: target.id, metric_definition_id: def, value: 0.1, registered_on: '2025-12-15T10:00:00Z' },
      { id: expect.any(String), installation_id: target.id, metric_definition_id: def, value: 7, registered_on: '2025-12-15T08:00:00.500Z' },
    ]);
    // Defaulted to the time of registration.
    expect(page.content[3]).toMatchObject({ value: 0, registered_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/) });
    const [row] = await s.app.database.dataSource.query('SELECT value::text AS value FROM capacities WHERE id = $1', [page.content[0].id]);
    expect(row.value).toBe('1234.5678');
    const second = await list(target.id, '?page=2&size=3');
    expect(second).toMatchObject({ size_of_page: 1, number_of_page: 2, total_pages: 2 });
  });

  it('validates the body in field order', async () => {
    const cases: [unknown, { code: number; message: string }][] = [
      [
        { metric_definition_id: '', registered_on: 'x' },
        { code: 400, message: 'value may not be empty.' },
      ],
      [
        { value: null, metric_definition_id: def },
        { code: 400, message: 'value may not be empty.' },
      ],
      [
        { value: 'lots', metric_definition_id: def },
        { code: 400, message: 'value must be a number.' },
      ],
      [{ value: -1 }, NEGATIVE],
      [{ value: '-0.001', metric_definition_id: def }, NEGATIVE],
      [{ value: -5e-324, metric_definition_id: def }, NEGATIVE],
      [{ value: 1 }, { code: 400, message: 'metric_definition_id may not be empty.' }],
      [{ value: 1, metric_definition_id: def, registered_on: '15-12-2025' }, DATE_FORMAT],
      [{ value: 1, metric_definition_id: def, registered_on: '2025-02-30' }, DATE_FORMAT],
      [{ value: 1, metric_definition_id: def, registered_on: '2025-12-15T10:00:00' }, DATE_FORMAT],
      [{ value: 1, metric_definition_id: def, registered_on: '2025-12-15 10:00:00Z' }, DATE_FORMAT],
      [{ value: 1, metric_definition_id: def, registered_on: 20251215 }, DATE_FORMAT],
      [
        { value: 1, metric_definition_id: 'nope' },
        { code: 404, message: 'There is no Metric Definition with the following id: nope' },
      ],
    ];
    for (const [body, expected] of cases) expect({ body, got: (await register(inst.id, body)).body }).toEqual({ body, got: expected });
    expect((await register(inst.id, '')).body).toEqual({ code: 400, message: 'The request body is empty.' });
  });

  it('answers 409 with the instant for a duplicate (installation, definition, registered_on)', async () => {
    const target = await f.installation(P, prov);
    expect((await register(target.id, { value: 1, metric_definition_id: def, registered_on: '2025-06-01' })).status).toBe(200);
    expect((await register(target.id, { value: 2, metric_definition_id: def, registered_on: '2025-06-01T02:00:00+02:00' })).body).toEqual({
      code: 409,
      message: 'There is already a Capacity for this Installation and Metric Definition registered on 2025-06-01T00:00:00Z.',
    });
    // Another definition or installation may use the same instant.
    expect((await register(target.id, { value: 2, metric_definition_id: await f.definition(), registered_on: '2025-06-01' })).status).toBe(200);
    expect((await register(inst.id, { value: 2, metric_definition_id: def, registered_on: '2025-06-01' })).status).toBe(200);
  });

  it('is INS[admin] for every operation, 404 before 403', async () => {
    const viewer = await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=viewer`));
    const body = { value: 1, metric_definition_id: def };
    expect((await register(inst.id, body, viewer)).body).toEqual({
      code: 403,
      message: 'The authenticated client is not permitted to perform the requested operation.',
    });
    expect((await s.call('GET', `${API}/installations/${inst.id}/capacities`, { token: viewer })).status).toBe(403);
    expect((await register('ghost', body, viewer)).body).toEqual({ code: 404, message: 'There is no Installation with the following id: ghost' });
    expect((await s.call('GET', `${API}/installations/ghost/capacities`, { token: admin })).status).toBe(404);
    expect((await register(inst.id, body, await tokenWith(s, ent(`roles:provider:${prov}:role=admin`)))).status).toBe(200);
    expect((await s.call('POST', `${API}/installations/${inst.id}/capacities`, { body })).status).toBe(401);
    const plain = await s.call('POST', `${API}/installations/${inst.id}/capacities`, {
      token: admin,
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(plain.body).toEqual({ code: 415, message: 'Cannot consume content type.' });
    expect((await s.call('GET', `${API}/installations/${inst.id}/capacities?size=0`, { token: admin })).body).toEqual({
      code: 400,
      message: 'Page size must be between 1 and 100.',
    });
  });

  describe('PATCH /installations/{iid}/capacities/{id}', () => {
    let target: InstallationFixture;
    let capacityId: string;
    beforeAll(async () => {
      target = await f.installation(P, prov);
      await register(target.id, { value: 10, metric_definition_id: def, registered_on: '2025-01-01' });
      await register(target.id, { value: 20, metric_definition_id: def, registered_on: '2025-02-01' });
      capacityId = (await list(target.id)).content[0].id;
    });
    const patch = (body: unknown, iid = target.id, id = capacityId) =>
      s.call('PATCH', `${API}/installations/${iid}/capacities/${id}`, { token: admin, body });

    it('updates value and registered_on, ignoring empty values', async () => {
      expect((await patch({ value: '12.50', registered_on: '' })).body).toEqual({
        id: capacityId,
        installation_id: target.id,
        metric_definition_id: def,
        value: 12.5,
        registered_on: '2025-01-01T00:00:00Z',
      });
      expect((await patch({ registered_on: '2025-01-15T12:00:00Z', value: null })).body).toMatchObject({
        value: 12.5,
        registered_on: '2025-01-15T12:00:00Z',
      });
      expect((await patch({ unknown: 1 })).body).toMatchObject({ value: 12.5, registered_on: '2025-01-15T12:00:00Z' });
    });

    it('reports each error', async () => {
      expect((await patch({ registered_on: 'tomorrow' })).body).toEqual(DATE_FORMAT);
      expect((await patch({ value: 'x' })).body).toEqual({ code: 400, message: 'value must be a number.' });
      expect((await patch({ value: -0.5 })).body).toEqual(NEGATIVE);
      expect((await patch('')).body).toEqual({ code: 400, message: 'The request body is empty.' });
      expect((await patch({ value: 1 }, target.id, 'nope')).body).toEqual({ code: 404, message: 'There is no Capacity with the following id: nope' });
      expect((await patch({ value: 1 }, inst.id)).body).toEqual({ code: 404, message: `There is no Capacity with the following id: ${capacityId}` });
      expect((await patch({ value: 1 }, 'ghost')).body).toEqual({ code: 404, message: 'There is no Installation with the following id: ghost' });
      expect((await patch({ registered_on: '2025-02-01' })).body).toEqual({
        code: 409,
        message: 'There is already a Capacity for this Installation and Metric Definition registered on 2025-02-01T00:00:00Z.',
      });
      const viewer = await tokenWith(s, ent(`${P}:role=viewer`));
      expect(
        (await s.call('PATCH', `${API}/installations/${target.id}/capacities/${capacityId}`, { token: viewer, body: { value: 1 } })).status,
      ).toBe(403);
    });
  });

  describe('DELETE /installations/{iid}/capacities/{id}', () => {
    const remove = (iid: string, id: string, token = admin) => s.call('DELETE', `${API}/installations/${iid}/capacities/${id}`, { token });
    const idsOf = async (iid: string) => (await list(iid)).content.map((c: { id: string }) => c.id);

    it('deletes only that capacity of that installation', async () => {
      const target = await f.installation(P, prov);
      await register(target.id, { value: 0, metric_definition_id: def, registered_on: '2025-01-01' });
      await register(target.id, { value: 1, metric_definition_id: def, registered_on: '2025-02-01' });
      const [first, second] = await idsOf(target.id);
      expect((await remove(target.id, first)).body).toEqual({ code: 200, message: 'Capacity has been deleted.' });
      expect(await idsOf(target.id)).toEqual([second]);
      expect((await remove(target.id, first)).body).toEqual({ code: 404, message: `There is no Capacity with the following id: ${first}` });
      // The registration instant is free again.
      expect((await register(target.id, { value: 2, metric_definition_id: def, registered_on: '2025-01-01' })).status).toBe(200);
    });

    it("404s for an unknown capacity, another installation's capacity and an unknown installation", async () => {
      const target = await f.installation(P, prov);
      await register(target.id, { value: 3, metric_definition_id: def, registered_on: '2025-03-01' });
      const [id] = await idsOf(target.id);
      expect((await remove(target.id, 'nope')).body).toEqual({ code: 404, message: 'There is no Capacity with the following id: nope' });
      expect((await remove(inst.id, id)).body).toEqual({ code: 404, message: `There is no Capacity with the following id: ${id}` });
      expect((await remove('ghost', id)).body).toEqual({ code: 404, message: 'There is no Installation with the following id: ghost' });
      expect(await idsOf(target.id)).toEqual([id]);
    });

    it('is INS[admin]: viewers and unrelated callers get 403 and change nothing', async () => {
      const target = await f.installation(P, prov);
      await register(target.id, { value: 4, metric_definition_id: def, registered_on: '2025-04-01' });
      const [id] = await idsOf(target.id);
      const refused = [
        await tokenWith(s, ent(`${P}:${prov}:${target.id}:role=viewer`)),
        await tokenWith(s, ent(`${P}:role=viewer`)),
        await tokenWith(s, ent('role=viewer')),
        await tokenWith(s, ent(`${P}:${prov}:${inst.id}:role=admin`)),
        await tokenWith(s, ent('other-project:role=admin')),
        await tokenWith(s, ent('operations:resources:role=admin')),
        await tokenWith(s),
      ];
      for (const token of refused) expect((await remove(target.id, id, token)).body).toEqual(FORBIDDEN);
      expect((await s.call('DELETE', `${API}/installations/${target.id}/capacities/${id}`)).status).toBe(401);
      expect(await idsOf(target.id)).toEqual([id]);
      expect((await remove(target.id, id, await tokenWith(s, ent(`${P}:${prov}:${target.id}:role=admin`)))).status).toBe(200);
    });

    it('works over tRPC', async () => {
      const target = await f.installation(P, prov);
      await register(target.id, { value: 5, metric_definition_id: def, registered_on: '2025-05-01' });
      const [id] = await idsOf(target.id);
      const viewer = await tokenWith(s, ent(`${P}:role=viewer`));
      const refused = await trpc(s, 'mutation', 'capacities.delete', { installation_id: target.id, capacity_id: id }, viewer);
      expect(refused.body.error.data.httpStatus).toBe(403);
      const deleted = await trpc(s, 'mutation', 'capacities.delete', { installation_id: target.id, capacity_id: id }, admin);
      expect(deleted.body.result.data).toEqual({ code: 200, message: 'Capacity has been deleted.' });
      const again = await trpc(s, 'mutation', 'capacities.delete', { installation_id: target.id, capacity_id: id }, admin);
      expect(again.body.error.data.httpStatus).toBe(404);
      expect(again.body.error.message).toBe(`There is no Capacity with the following id: ${id}`);
    });
  });

  it('refuses a negative value over tRPC too', async () => {
    const negative = await trpc(s, 'mutation', 'capacities.create', { installation_id: inst.id, value: -3, metric_definition_id: def }, admin);
    expect(negative.body.error.data.httpStatus).toBe(400);
    expect(negative.body.error.message).toBe(NEGATIVE.message);
  });

  it('works over tRPC', async () => {
    const target = await f.installation(P, prov);
    const created = await trpc(
      s,
      'mutation',
      'capacities.create',
      { installation_id: target.id, value: 5, metric_definition_id: def, registered_on: '2024-01-01' },
      admin,
    );
    expect(created.body.result.data).toEqual(REGISTERED);
    const listed = await trpc(s, 'query', 'capacities.list', { installation_id: target.id }, admin);
    expect(listed.body.result.data.content).toHaveLength(1);
    const dup = await trpc(
      s,
      'mutation',
      'capacities.create',
      { installation_id: target.id, value: 5, metric_definition_id: def, registered_on: '2024-01-01' },
      admin,
    );
    expect(dup.body.error.data.httpStatus).toBe(409);
    expect(dup.body.error.message).toBe(
      'There is already a Capacity for this Installation and Metric Definition registered on 2024-01-01T00:00:00Z.',
    );
  });
});
