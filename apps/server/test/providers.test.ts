import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';
import { associate, hexId, insertInstallation, insertProject, insertProvider, insertResource, trpcCall } from './support/catalogue-fixtures.js';
import { startFakeEoscRegistry, type FakeEoscRegistry } from './support/eosc-registry.js';

const BASE = '/accounting-system/providers';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(backends)('providers (%s)', (backend) => {
  let s: TestServer;
  let admin: string;
  let resAdmin: string;
  let resViewer: string;
  let nobody: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    admin = await s.issuer.token({ entitlements: [ent('role=admin')] });
    resAdmin = await s.issuer.token({ sub: 'res-admin', entitlements: [ent('operations:resources:role=admin')] });
    resViewer = await s.issuer.token({ sub: 'res-viewer', entitlements: [ent('operations:resources:role=viewer')] });
    nobody = await s.issuer.token({ sub: 'nobody', entitlements: [ent('777536:grnet:role=admin')] });
  });
  afterAll(async () => {
    await s?.close();
  });

  const db = () => s.app.database.dataSource;
  const name = (prefix = 'Provider') => `${prefix} ${hexId()}`;
  const create = (body: unknown, token = resAdmin) => s.call('POST', BASE, { token, body });
  const createOk = async (fields: Record<string, unknown> = {}) => {
    const res = await create({ name: name(), ...fields });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string; external_id: string };
  };
  const inProject = async (providerId: string) => {
    const projectId = `P${hexId().slice(-10)}`;
    await insertProject(db(), projectId, `ACR ${projectId}`);
    await associate(db(), projectId, providerId);
    return projectId;
  };

  describe('POST /providers', () => {
    it('creates a provider: 201, Location, every field, a random UUID as default external_id', async () => {
      const n = name();
      const res = await create({ name: n, website: 'https://example.org', abbreviation: 'EX', logo: 'https://example.org/l.png' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: n,
        website: 'https://example.org',
        abbreviation: 'EX',
        logo: 'https://example.org/l.png',
        external_id: expect.stringMatching(UUID),
        creator_id: 'res-admin',
      });
      expect(res.headers.get('location')).toBe(`http://acc.test${BASE}/${res.body.id}`);
      const bare = await create({ name: name(), external_id: '' });
      expect(bare.body).toMatchObject({ website: null, abbreviation: null, logo: null, external_id: expect.stringMatching(UUID) });
    });

    it('401, 415, 403 and 400 in the spec order', async () => {
      expect((await s.call('POST', BASE, { body: { name: 'x' } })).status).toBe(401);
      const wrong = await s.call('POST', BASE, { token: nobody, body: '{}', headers: { 'Content-Type': 'text/plain' } });
      expect(wrong.body).toEqual({ code: 415, message: 'Cannot consume content type.' });
      for (const token of [nobody, resViewer]) expect((await create({}, token)).body).toEqual({ code: 403, message: FORBIDDEN });
      const empty = await s.call('POST', BASE, { token: resAdmin, headers: { 'Content-Type': 'application/json' } });
      expect(empty.body).toEqual({ code: 400, message: 'The request body is empty.' });
      for (const body of [{}, { name: '' }, { name: '   ' }, { name: null, website: 'w' }])
        expect((await create(body)).body).toEqual({ code: 400, message: 'name may not be empty.' });
    });

    it('409 for an existing name (exact match) and for an existing external_id', async () => {
      const p = await createOk({ name: name('Acme') });
      expect((await create({ name: p.name })).body).toEqual({ code: 409, message: `There is a Provider with name: ${p.name}` });
      // Exact match: another case is another name.
      expect((await create({ name: p.name.toUpperCase() })).status).toBe(201);
      expect((await create({ name: name(), external_id: p.external_id })).body).toEqual({ code: 409, message: 'external_id already exists' });
    });
  });

  describe('GET', () => {
    it('lists every provider, paginated, in insertion order', async () => {
      const a = await createOk();
      const b = await createOk();
      const res = await s.call('GET', `${BASE}?size=100`, { token: resViewer });
      expect(res.status).toBe(200);
      const ids = res.body.content.map((p: { id: string }) => p.id);
      expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
      expect(ids.indexOf(a.id)).toBeGreaterThanOrEqual(0);
      expect((await s.call('GET', `${BASE}?size=1000`, { token: resViewer })).body).toEqual({
        code: 400,
        message: 'Page size must be between 1 and 100.',
      });
      expect((await s.call('GET', BASE, { token: nobody })).status).toBe(403);
    });

    it('gets one by id, or 404', async () => {
      const p = await createOk();
      expect((await s.call('GET', `${BASE}/${p.id}`, { token: admin })).body).toMatchObject(p);
      const res = await s.call('GET', `${BASE}/unknown-provider`, { token: resViewer });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 404, message: 'There is no Provider with the following id: unknown-provider' });
    });

    it('GET /providers/external finds by external id; 400 when missing or blank; 404 when unknown', async () => {
      const ext = `ext-${hexId()}`;
      const p = await createOk({ external_id: ext });
      const res = await s.call('GET', `${BASE}/external?externalId=${encodeURIComponent(ext)}`, { token: resViewer });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: p.id, external_id: ext });
      for (const q of ['', '?externalId=', '?externalId=%20%20'])
        expect((await s.call('GET', `${BASE}/external${q}`, { token: resViewer })).body).toEqual({
          code: 400,
          message: 'externalId may not be empty.',
        });
      const missing = await s.call('GET', `${BASE}/external?externalId=nope`, { token: resViewer });
      expect(missing.body).toEqual({ code: 404, message: 'There is no Provider with external id: nope' });
      expect((await s.call('GET', `${BASE}/external?externalId=${ext}`, { token: nobody })).status).toBe(403);
    });
  });

  describe('PATCH /providers/{id}', () => {
    it('updates name, website, abbreviation and logo; ignores empty values and external_id', async () => {
      const p = await createOk({ website: 'w1', abbreviation: 'a1' });
      const n = name('Renamed');
      const res = await s.call('PATCH', `${BASE}/${p.id}`, {
        token: resAdmin,
        body: { name: n, website: '', abbreviation: null, logo: 'l2', external_id: 'changed' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: p.id, name: n, website: 'w1', abbreviation: 'a1', logo: 'l2', external_id: p.external_id });
    });

    it('404, then 403 for an EOSC provider, then 403 for a provider in a project, then 409 for a taken name', async () => {
      expect((await s.call('PATCH', `${BASE}/nope`, { token: resAdmin, body: { name: 'x' } })).body).toEqual({
        code: 404,
        message: 'There is no Provider with the following id: nope',
      });
      const eosc = await insertProvider(db(), { id: `eosc.${hexId()}`, name: name('EOSC'), creatorId: '' });
      expect((await s.call('PATCH', `${BASE}/${eosc}`, { token: resAdmin, body: { name: 'x' } })).body).toEqual({
        code: 403,
        message: 'You cannot update a Provider which derives from EOSC-Portal.',
      });
      const member = await createOk();
      await inProject(member.id);
      expect((await s.call('PATCH', `${BASE}/${member.id}`, { token: resAdmin, body: { logo: 'x' } })).body).toEqual({
        code: 403,
        message: 'You cannot update a Provider which belongs to a Project.',
      });
      const a = await createOk();
      const b = await createOk();
      expect((await s.call('PATCH', `${BASE}/${b.id}`, { token: resAdmin, body: { name: a.name } })).body).toEqual({
        code: 409,
        message: `There is a Provider with name: ${a.name}`,
      });
      // Its own name is no conflict.
      expect((await s.call('PATCH', `${BASE}/${b.id}`, { token: resAdmin, body: { name: b.name } })).status).toBe(200);
    });

    it('400 for an empty body; 403 for viewers', async () => {
      const p = await createOk();
      expect((await s.call('PATCH', `${BASE}/${p.id}`, { token: resAdmin, headers: { 'Content-Type': 'application/json' } })).body).toEqual({
        code: 400,
        message: 'The request body is empty.',
      });
      expect((await s.call('PATCH', `${BASE}/${p.id}`, { token: resViewer, body: { name: 'x' } })).status).toBe(403);
    });
  });

  describe('DELETE /providers/{id}', () => {
    it('deletes, then 404', async () => {
      const p = await createOk();
      expect((await s.call('DELETE', `${BASE}/${p.id}`, { token: resAdmin })).body).toEqual({
        code: 200,
        message: 'Provider has been deleted successfully.',
      });
      expect((await s.call('DELETE', `${BASE}/${p.id}`, { token: resAdmin })).body).toEqual({
        code: 404,
        message: `There is no Provider with the following id: ${p.id}`,
      });
    });

    it('403 for an EOSC provider, for a provider in a project, and for viewers', async () => {
      const eosc = await insertProvider(db(), { id: `eosc.${hexId()}`, name: name('EOSC'), creatorId: '' });
      expect((await s.call('DELETE', `${BASE}/${eosc}`, { token: resAdmin })).body).toEqual({
        code: 403,
        message: 'You cannot delete a Provider which derives from EOSC-Portal.',
      });
      const member = await createOk();
      await inProject(member.id);
      expect((await s.call('DELETE', `${BASE}/${member.id}`, { token: resAdmin })).body).toEqual({
        code: 403,
        message: 'You cannot delete a Provider which belongs to a Project.',
      });
      const p = await createOk();
      expect((await s.call('DELETE', `${BASE}/${p.id}`, { token: resViewer })).body).toEqual({ code: 403, message: FORBIDDEN });
    });
  });

  describe('POST /providers/search', () => {
    const search = (body: unknown, query = '', token = resViewer) =>
      s.call('POST', `${BASE}/search${query}`, {
        token,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      });
    const ids = (res: { body: { content: { id: string }[] } }) => res.body.content.map((p) => p.id);

    it('searches only providers associated with a project, each listed once', async () => {
      const tag = `Shared ${hexId()}`;
      const twice = await createOk({ abbreviation: tag });
      await inProject(twice.id);
      await inProject(twice.id);
      const loose = await createOk({ abbreviation: tag });
      const res = await search({ type: 'query', field: 'abbreviation', values: tag.toUpperCase() });
      expect(res.status).toBe(200);
      expect(ids(res)).toEqual([twice.id]);
      expect(res.body.total_elements).toBe(1);
      await inProject(loose.id);
      expect(ids(await search({ type: 'query', field: 'abbreviation', values: tag }))).toEqual([twice.id, loose.id]);
      expect(ids(await search({ type: 'query', field: '_id', values: loose.id }))).toEqual([loose.id]);
      const or = await search({
        type: 'filter',
        operator: 'OR',
        criteria: [
          { type: 'query', field: 'name', values: twice.name },
          { type: 'query', field: '_id', values: loose.id },
        ],
      });
      expect(ids(or)).toEqual([twice.id, loose.id]);
      const paged = await search({ type: 'query', field: 'abbreviation', values: tag }, '?page=2&size=1');
      expect(paged.body).toMatchObject({ number_of_page: 2, size_of_page: 1, total_pages: 2 });
      expect(ids(paged)).toEqual([loose.id]);
    });

    it('matches regex metacharacters and SQL literally', async () => {
      const tag = hexId();
      const p = await createOk({ name: `(${tag}).*` });
      await inProject(p.id);
      expect(ids(await search({ type: 'query', field: 'name', values: `(${tag}).*` }))).toEqual([p.id]);
      expect((await search({ type: 'query', field: 'name', values: '.*' })).body.total_elements).toBe(0);
      for (const payload of ["' OR 1=1 --", "'; DELETE FROM providers; --", '%', '_'])
        expect((await search({ type: 'query', field: 'name', values: payload })).body.total_elements).toBe(0);
      expect((await s.call('GET', `${BASE}/${p.id}`, { token: resViewer })).status).toBe(200);
    });

    it('answers the §6 messages; 403 and 415 come first', async () => {
      expect((await search('')).body).toEqual({ code: 400, message: 'The request body is empty.' });
      expect((await search('{"type"')).body).toEqual({ code: 400, message: 'Invalid search query: malformed JSON.' });
      expect((await search('[]')).body).toEqual({ code: 400, message: 'Invalid search query: malformed JSON.' });
      expect((await search({ type: 'query', field: 'creator_id', values: 'x' })).body).toEqual({
        code: 400,
        message: "Invalid search query: unknown field 'creator_id'. Allowed fields: _id, name, website, abbreviation, logo.",
      });
      expect((await search({ type: 'query', field: 'name' })).body).toEqual({
        code: 400,
        message: "Invalid search query: a query needs 'field' and 'values'.",
      });
      expect((await search({ type: 'query', field: 'name', values: 'x' }, '?size=101')).body).toEqual({
        code: 400,
        message: 'Page size must be between 1 and 100.',
      });
      expect((await search('{', '', nobody)).body).toEqual({ code: 403, message: FORBIDDEN });
      const wrong = await s.call('POST', `${BASE}/search`, { token: resViewer, body: '{}', headers: { 'Content-Type': 'text/xml' } });
      expect(wrong.status).toBe(415);
    });
  });

  describe('GET /providers/all', () => {
    it('lists one item per (project, provider) association with its installations', async () => {
      const p = await createOk({ website: 'https://p.example', abbreviation: 'PX', logo: 'lg' });
      const project1 = await inProject(p.id);
      const project2 = await inProject(p.id);
      const resourceId = `res-${hexId()}`;
      await insertResource(db(), resourceId);
      const full = await insertInstallation(db(), {
        projectId: project1,
        providerId: p.id,
        installation: 'GRNET-KNS-1',
        infrastructure: 'cloud',
        resourceId,
        unitOfAccess: 'abc123',
        externalId: 'ext-1',
      });
      const bare = await insertInstallation(db(), { projectId: project1, providerId: p.id, installation: 'bare' });
      const res = await s.call('GET', `${BASE}/all?size=100`, { token: resViewer });
      expect(res.status).toBe(200);
      const mine = res.body.content.filter((a: { id: string }) => a.id === p.id);
      expect(mine).toEqual([
        {
          id: p.id,
          name: p.name,
          website: 'https://p.example',
          abbreviation: 'PX',
          logo: 'lg',
          project_id: project1,
          project_acronym: `ACR ${project1}`,
          installations: [
            { id: full, infrastructure: 'cloud', installation: 'GRNET-KNS-1', external_id: 'ext-1', resource: resourceId, unit_of_access: 'abc123' },
            { id: bare, infrastructure: null, installation: 'bare', external_id: null },
          ],
        },
        {
          id: p.id,
          name: p.name,
          website: 'https://p.example',
          abbreviation: 'PX',
          logo: 'lg',
          project_id: project2,
          project_acronym: `ACR ${project2}`,
          installations: [],
        },
      ]);
      const total = res.body.total_elements as number;
      const page = await s.call('GET', `${BASE}/all?page=1&size=1`, { token: admin });
      expect(page.body).toMatchObject({ size_of_page: 1, total_elements: total, total_pages: total });
      expect((await s.call('GET', `${BASE}/all`, { token: nobody })).status).toBe(403);
      expect((await s.call('GET', `${BASE}/all?page=-1`, { token: resViewer })).body).toEqual({ code: 400, message: 'Page number must be >= 1.' });
    });
  });

  describe('tRPC', () => {
    it('creates, looks up and lists associations through /trpc/providers.*', async () => {
      const n = name('trpc');
      const created = await trpcCall(s.url, 'mutation', 'providers.create', { name: n, external_id: `x-${hexId()}` }, resAdmin);
      expect(created.status).toBe(200);
      const { id, external_id } = created.body.result.data;
      const byExt = await trpcCall(s.url, 'query', 'providers.external', { externalId: external_id }, resViewer);
      expect(byExt.body.result.data).toMatchObject({ id, name: n });
      const all = await trpcCall(s.url, 'query', 'providers.all', { page: 1, size: 5 }, resViewer);
      expect(all.body.result.data).toMatchObject({ number_of_page: 1 });
      const dup = await trpcCall(s.url, 'mutation', 'providers.create', { name: n }, resAdmin);
      expect(dup.status).toBe(409);
      expect(dup.body.error.data.httpStatus).toBe(409);
      expect(dup.body.error.message).toBe(`There is a Provider with name: ${n}`);
      const search = await trpcCall(s.url, 'mutation', 'providers.search', { type: 'filter', operator: 'AND' }, resViewer);
      expect(search.body.error.message).toBe('Invalid search query: a filter needs at least one criterion.');
    });
  });
});

describe.each(backends)('EOSC provider sync (%s)', (backend) => {
  let registry: FakeEoscRegistry;
  let s: TestServer;
  let resAdmin: string;
  const items = Array.from({ length: 12 }, (_, i) => ({
    id: `eosc.provider-${i}`,
    name: `EOSC Provider ${i}`,
    website: `https://p${i}.example`,
    abbreviation: `P${i}`,
    logo: i % 2 ? null : `https://p${i}.example/logo.png`,
    extra: { ignored: true },
  }));

  beforeAll(async () => {
    registry = await startFakeEoscRegistry([...items, { id: 'no-name' }, { name: 'no id' }]);
    s = await startTestServer(backend, { ACC_EOSC_PROVIDERS_URL: `${registry.url}/` });
    resAdmin = await s.issuer.token({ entitlements: [ent('operations:resources:role=admin')] });
    await s.app.providerSync!.idle();
  });
  afterAll(async () => {
    await s?.close();
    await registry?.close();
  });

  it('reads the total, then that many providers, and stores them under their EOSC ids without a creator', async () => {
    expect(registry.requests).toEqual(['/provider/all?catalogue_id=all', '/provider/all?catalogue_id=all&quantity=14']);
    const res = await s.call('GET', '/accounting-system/providers?size=100', { token: resAdmin });
    const synced = res.body.content.filter((p: { id: string }) => p.id.startsWith('eosc.'));
    expect(synced).toHaveLength(12);
    expect(synced[1]).toEqual({
      id: 'eosc.provider-1',
      name: 'EOSC Provider 1',
      website: 'https://p1.example',
      abbreviation: 'P1',
      logo: null,
      external_id: null,
      creator_id: '',
    });
    const patch = await s.call('PATCH', '/accounting-system/providers/eosc.provider-0', { token: resAdmin, body: { name: 'x' } });
    expect(patch.body).toEqual({ code: 403, message: 'You cannot update a Provider which derives from EOSC-Portal.' });
  });

  it('updates existing providers on the next run and skips rows that clash with local ones', async () => {
    const local = await s.call('POST', '/accounting-system/providers', { token: resAdmin, body: { name: 'Taken Name' } });
    expect(local.status).toBe(201);
    registry.items = [
      { ...items[0], name: 'EOSC Provider 0 renamed', logo: null },
      { id: 'eosc.clash', name: 'Taken Name' },
      { id: 'eosc.new', name: 'New One' },
    ];
    const errors: unknown[] = [];
    const { ProviderSync } = await import('../src/modules/providers/provider-sync.js');
    const { EoscProviderClient } = await import('../src/modules/providers/eosc-client.js');
    const sync = new ProviderSync({ db: s.app.database.dataSource, client: new EoscProviderClient(registry.url), onError: (e) => errors.push(e) });
    expect(await sync.syncOnce()).toEqual({ upserted: 2, skipped: 1 });
    expect(errors).toHaveLength(1);
    const renamed = await s.call('GET', '/accounting-system/providers/eosc.provider-0', { token: resAdmin });
    expect(renamed.body).toMatchObject({ name: 'EOSC Provider 0 renamed', logo: null, creator_id: '' });
    expect((await s.call('GET', '/accounting-system/providers/eosc.new', { token: resAdmin })).status).toBe(200);
    expect((await s.call('GET', '/accounting-system/providers/eosc.clash', { token: resAdmin })).status).toBe(404);
  });

  it('only reports a registry failure; the server keeps serving', async () => {
    registry.failWith = 503;
    const errors: unknown[] = [];
    const { ProviderSync } = await import('../src/modules/providers/provider-sync.js');
    const { EoscProviderClient } = await import('../src/modules/providers/eosc-client.js');
    const sync = new ProviderSync({ db: s.app.database.dataSource, client: new EoscProviderClient(registry.url), onError: (e) => errors.push(e) });
    await sync.start();
    await sync.stop();
    registry.failWith = undefined;
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('503');
    expect((await s.call('GET', '/accounting-system/providers', { token: resAdmin })).status).toBe(200);
  });
});
