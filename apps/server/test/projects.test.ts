import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAireProject, seed, startOpenAire, type OpenAireStub } from './project-fixtures.js';
import { trpcCall } from './support/catalogue-fixtures.js';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';
const JSON_HEADERS = { 'Content-Type': 'application/json' };

const custom = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  acronym: `ACR-${id}`,
  title: `Title ${id}`,
  start_date: '2023-01-01',
  end_date: '2024-12-31',
  call_identifier: 'CALL-1',
  ...extra,
});

describe.each(backends)('projects on %s', (backend) => {
  let s: TestServer;
  let openaire: OpenAireStub;
  let data: ReturnType<typeof seed>;
  let sys: string;
  let sysViewer: string;
  let nobody: string;
  const token = (sub: string, ...entitlements: string[]) => s.issuer.token({ sub, entitlements: entitlements.map(ent) });

  /** A custom project through the API, with `providers` associated and one installation per entry. */
  const project = async (id: string, providers: Record<string, string[]> = {}) => {
    const r = await s.call('POST', `${API}/admin/projects`, { token: sys, body: custom(id) });
    expect(r.status).toBe(201);
    const installations: Record<string, string> = {};
    for (const [provider, names] of Object.entries(providers)) {
      expect((await s.call('POST', `${API}/projects/${id}/associate/provider/${provider}`, { token: sys, headers: JSON_HEADERS })).status).toBe(200);
      for (const name of names) {
        const i = await s.call('POST', `${API}/installations`, { token: sys, body: { project: id, organisation: provider, installation: name } });
        expect(i.status).toBe(201);
        installations[name] = i.body.id;
      }
    }
    return installations;
  };

  beforeAll(async () => {
    openaire = await startOpenAire({
      '777536': openAireProject('777536', { acronym: 'EOSC-hub' }),
      '101017567': openAireProject('101017567', { callidentifier: undefined }),
      EUROPEAN: openAireProject('EUROPEAN'),
      broken: 500,
      shapeless: { response: { header: { total: { $: 3 } }, results: { result: [] } } },
      notjson: 'this is not json',
    });
    s = await startTestServer(backend, { ACC_OPENAIRE_URL: openaire.url });
    data = seed(s);
    sys = await token('sys', 'role=admin');
    sysViewer = await token('sys-viewer', 'role=viewer');
    nobody = await token('nobody');
    for (const p of ['grnet', 'cesnet', 'egi', 'sara']) await data.provider(p);
  });
  afterAll(async () => {
    await s.close();
    await openaire.close();
  });

  describe('POST /admin/register-projects', () => {
    it('registers what OpenAIRE knows and reports every other id', async () => {
      const r = await s.call('POST', `${API}/admin/register-projects`, {
        token: sys,
        body: { projects: ['777536', 'unknown-grant', 'broken', 'shapeless', 'notjson', '777536'] },
      });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        code: 200,
        message: 'Project(s) : [777536] registered successfully.',
        errors: [
          'Project with id {unknown-grant} not found.',
          'Project : broken has not been registered. Please try again.',
          'Project : shapeless has not been registered. Please try again.',
          'Project : notjson has not been registered. Please try again.',
          'Project 777536 has already been registered.',
        ],
      });
      const got = await s.call('GET', `${API}/projects/777536`, { token: sys });
      expect(got.body).toEqual({
        id: '777536',
        acronym: 'EOSC-hub',
        title: 'Title of 777536',
        start_date: '2018-01-01',
        end_date: '2020-12-31',
        call_identifier: 'H2020-EINFRA-2017',
        providers: [],
      });
    });

    it('says no registration was performed when none succeeded, with the errors', async () => {
      const r = await s.call('POST', `${API}/admin/register-projects`, { token: sys, body: { projects: ['777536'] } });
      expect(r.body).toEqual({
        code: 200,
        message: 'No project registration was performed',
        errors: ['Project 777536 has already been registered.'],
      });
    });

    it('accepts numeric ids and maps a missing element to ""', async () => {
      const r = await s.call('POST', `${API}/admin/register-projects`, { token: sys, body: { projects: [101017567] } });
      expect(r.body).toEqual({ code: 200, message: 'Project(s) : [101017567] registered successfully.', errors: [] });
      expect((await s.call('GET', `${API}/projects/101017567`, { token: sys })).body.call_identifier).toBe('');
      expect(openaire.requests).toContain('101017567');
    });

    it.each([[{ projects: [] }], [{}], [{ projects: null }], [{ projects: 'x' }]])('400 for %j', async (body) => {
      const r = await s.call('POST', `${API}/admin/register-projects`, { token: sys, body });
      expect(r.body).toEqual({ code: 400, message: 'projects should have at least one entry.' });
    });

    it('checks token, Content-Type and SYS before the body', async () => {
      expect((await s.call('POST', `${API}/admin/register-projects`, { body: { projects: ['1'] } })).status).toBe(401);
      const unsupported = await s.call('POST', `${API}/admin/register-projects`, {
        token: sys,
        body: 'x',
        headers: { 'Content-Type': 'text/plain' },
      });
      expect(unsupported.body).toEqual({ code: 415, message: 'Cannot consume content type.' });
      for (const t of [nobody, sysViewer]) {
        expect((await s.call('POST', `${API}/admin/register-projects`, { token: t, body: {} })).body).toEqual({ code: 403, message: FORBIDDEN });
      }
      expect((await s.call('POST', `${API}/admin/register-projects`, { token: sys, headers: JSON_HEADERS })).body).toEqual({
        code: 400,
        message: 'The request body is empty.',
      });
    });

    it('works over tRPC', async () => {
      const r = await trpcCall(s.url, 'mutation', 'projects.register', { projects: ['nope-trpc'] }, sys);
      expect(r.body.result.data).toEqual({
        code: 200,
        message: 'No project registration was performed',
        errors: ['Project with id {nope-trpc} not found.'],
      });
      const bad = await trpcCall(s.url, 'mutation', 'projects.register', { projects: [] }, sys);
      expect(bad.body.error.data.httpStatus).toBe(400);
      expect(bad.body.error.message).toBe('projects should have at least one entry.');
    });
  });

  describe('POST /admin/projects', () => {
    it('creates a custom project: 201, Location and the ProjectProjection', async () => {
      const r = await s.call('POST', `${API}/admin/projects`, { token: sys, body: custom('CUSTOM-1', { unknown: 'ignored' }) });
      expect(r.status).toBe(201);
      expect(r.headers.get('location')).toBe('http://acc.test/accounting-system/admin/projects/CUSTOM-1');
      expect(r.body).toEqual({ ...custom('CUSTOM-1'), providers: [] });
      expect(openaire.requests).toContain('CUSTOM-1');
    });

    it.each(['id', 'acronym', 'title', 'start_date', 'end_date', 'call_identifier'])('400 "%s may not be empty."', async (field) => {
      for (const value of [undefined, null, '', '  ']) {
        const r = await s.call('POST', `${API}/admin/projects`, { token: sys, body: custom('NEVER', { [field]: value }) });
        expect(r.body).toEqual({ code: 400, message: `${field} may not be empty.` });
      }
    });

    it('reports only the first violation', async () => {
      const r = await s.call('POST', `${API}/admin/projects`, { token: sys, body: { start_date: 'x' } });
      expect(r.body).toEqual({ code: 400, message: 'id may not be empty.' });
    });

    it.each(['2023-02-30', '2023-13-01', '01-01-2023', '2023-1-1', '2023-01-01T00:00:00Z', 'tomorrow'])('400 for date %s', async (date) => {
      for (const field of ['start_date', 'end_date']) {
        const r = await s.call('POST', `${API}/admin/projects`, { token: sys, body: custom('NEVER', { [field]: date }) });
        expect(r.body).toEqual({ code: 400, message: 'Valid date format is yyyy-mm-dd.' });
      }
    });

    it('400 when end_date is before start_date, after every field is valid; equal dates are fine', async () => {
      const ENDS_FIRST = { code: 400, message: 'end_date must not be before start_date.' };
      const r = await s.call('POST', `${API}/admin/projects`, {
        token: sys,
        body: custom('BACKWARDS', { start_date: '2024-06-01', end_date: '2024-05-31' }),
      });
      expect(r.body).toEqual(ENDS_FIRST);
      expect(await data.count('projects', 'id = $1', ['BACKWARDS'])).toBe(0);
      const first = await s.call('POST', `${API}/admin/projects`, {
        token: sys,
        body: custom('BACKWARDS', { start_date: '2024-06-01', end_date: '2024-05-31', call_identifier: '' }),
      });
      expect(first.body).toEqual({ code: 400, message: 'call_identifier may not be empty.' });
      const viaTrpc = await trpcCall(
        s.url,
        'mutation',
        'projects.create',
        custom('BACKWARDS', { start_date: '2025-01-01', end_date: '2024-12-31' }),
        sys,
      );
      expect(viaTrpc.body.error.data.httpStatus).toBe(400);
      expect(viaTrpc.body.error.message).toBe(ENDS_FIRST.message);
      const sameDay = await s.call('POST', `${API}/admin/projects`, {
        token: sys,
        body: custom('ONE-DAY', { start_date: '2024-06-01', end_date: '2024-06-01' }),
      });
      expect(sameDay.status).toBe(201);
    });

    it('refuses a dot in the id', async () => {
      const r = await s.call('POST', `${API}/admin/projects`, { token: sys, body: custom('A.B') });
      expect(r.body).toEqual({ code: 400, message: 'Project ID should not contain a dot character.' });
    });

    it('409 when OpenAIRE knows the id, or it is already registered', async () => {
      expect((await s.call('POST', `${API}/admin/projects`, { token: sys, body: custom('EUROPEAN') })).body).toEqual({
        code: 409,
        message: 'Project with ID [EUROPEAN] exists in European Database.',
      });
      expect((await s.call('POST', `${API}/admin/projects`, { token: sys, body: custom('CUSTOM-1') })).body).toEqual({
        code: 409,
        message: 'Project with ID [CUSTOM-1] has already been registered in Accounting Service.',
      });
    });

    it('502 when OpenAIRE cannot be asked, and nothing is stored', async () => {
      const r = await s.call('POST', `${API}/admin/projects`, { token: sys, body: custom('broken') });
      expect(r.body).toEqual({ code: 502, message: 'Project broken could not be checked against the European Database. Please try again.' });
      expect(await data.count('projects', 'id = $1', ['broken'])).toBe(0);
    });

    it('403 for anyone but a system admin, before the body is read', async () => {
      for (const t of [nobody, sysViewer, await token('prj', 'CUSTOM-1:role=admin')]) {
        expect((await s.call('POST', `${API}/admin/projects`, { token: t, body: {} })).body).toEqual({ code: 403, message: FORBIDDEN });
      }
    });
  });

  describe('PATCH /admin/projects/{id}', () => {
    it('really updates dates and call_identifier, ignoring empty values', async () => {
      await project('PATCHED');
      const r = await s.call('PATCH', `${API}/admin/projects/PATCHED`, {
        token: sys,
        body: { start_date: '2025-02-01', end_date: '2026-02-28', call_identifier: 'NEW-CALL', acronym: '', title: null },
      });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ ...custom('PATCHED'), start_date: '2025-02-01', end_date: '2026-02-28', call_identifier: 'NEW-CALL', providers: [] });
      expect((await s.call('GET', `${API}/projects/PATCHED`, { token: sys })).body.call_identifier).toBe('NEW-CALL');
      const renamed = await s.call('PATCH', `${API}/admin/projects/PATCHED`, { token: sys, body: { acronym: 'NEW', title: 7 } });
      expect(renamed.body).toMatchObject({ acronym: 'NEW', title: '7', start_date: '2025-02-01' });
    });

    it('refuses an end_date before start_date, against the stored date when only one is sent', async () => {
      const ENDS_FIRST = { code: 400, message: 'end_date must not be before start_date.' };
      await project('ORDERED'); // 2023-01-01 .. 2024-12-31
      const patch = (body: unknown) => s.call('PATCH', `${API}/admin/projects/ORDERED`, { token: sys, body });
      expect((await patch({ start_date: '2025-01-01', end_date: '2024-01-01' })).body).toEqual(ENDS_FIRST);
      expect((await patch({ end_date: '2022-12-31' })).body).toEqual(ENDS_FIRST);
      expect((await patch({ start_date: '2025-01-01' })).body).toEqual(ENDS_FIRST);
      expect((await patch({ start_date: '2025-01-01', end_date: '' })).body).toEqual(ENDS_FIRST);
      // Both given in order: the stored values do not matter.
      expect((await patch({ start_date: '2030-01-01', end_date: '2030-12-31' })).body).toMatchObject({
        start_date: '2030-01-01',
        end_date: '2030-12-31',
      });
      expect((await patch({ end_date: '2030-01-01' })).body).toMatchObject({ start_date: '2030-01-01', end_date: '2030-01-01' });
      expect((await patch({ start_date: '2031-01-01', title: 'moved' })).body).toEqual(ENDS_FIRST);
      expect((await s.call('GET', `${API}/projects/ORDERED`, { token: sys })).body).toMatchObject({
        title: 'Title ORDERED',
        start_date: '2030-01-01',
        end_date: '2030-01-01',
      });
      // Both sent and out of order is a validation error, before the project is looked up.
      expect(
        (await s.call('PATCH', `${API}/admin/projects/ghost`, { token: sys, body: { start_date: '2025-01-01', end_date: '2024-01-01' } })).body,
      ).toEqual(ENDS_FIRST);
      const viaTrpc = await trpcCall(s.url, 'mutation', 'projects.update', { id: 'ORDERED', end_date: '2029-12-31' }, sys);
      expect(viaTrpc.body.error.data.httpStatus).toBe(400);
      expect(viaTrpc.body.error.message).toBe(ENDS_FIRST.message);
      const fine = await trpcCall(s.url, 'mutation', 'projects.update', { id: 'ORDERED', end_date: '2031-12-31' }, sys);
      expect(fine.body.result.data).toMatchObject({ start_date: '2030-01-01', end_date: '2031-12-31' });
    });

    it('validates dates as on create, then 404s an unknown project', async () => {
      expect((await s.call('PATCH', `${API}/admin/projects/PATCHED`, { token: sys, body: { end_date: '2025-02-29' } })).body).toEqual({
        code: 400,
        message: 'Valid date format is yyyy-mm-dd.',
      });
      expect((await s.call('PATCH', `${API}/admin/projects/ghost`, { token: sys, body: { title: 'x' } })).body).toEqual({
        code: 404,
        message: 'There is no Project with the following id: ghost',
      });
      expect((await s.call('PATCH', `${API}/admin/projects/PATCHED`, { token: sysViewer, body: { title: 'x' } })).status).toBe(403);
    });
  });

  describe('DELETE /admin/projects/{id}', () => {
    it('cascades in one go and touches only <id>. (a project P1 survives deleting P)', async () => {
      const definition = await data.definition('cascade');
      const p = await project('P', { grnet: ['g1', 'g2'], cesnet: ['c1'] });
      const p1 = await project('P1', { grnet: ['g1'] });
      const pp = await project('PP', { grnet: ['x'] });
      for (const id of [...Object.values(p), ...Object.values(p1), ...Object.values(pp)]) {
        await data.metric(id, definition);
        await data.capacity(id, definition, '5', '2024-01-01T00:00:00Z');
      }
      const r = await s.call('DELETE', `${API}/admin/projects/P`, { token: sys });
      expect(r.body).toEqual({ code: 200, message: 'Project deleted successfully.' });

      const gone = Object.values(p);
      expect(await data.count('projects', 'id = $1', ['P'])).toBe(0);
      expect(await data.count('project_providers', 'project_id = $1', ['P'])).toBe(0);
      expect(await data.count('installations', 'id = ANY($1::text[])', [gone])).toBe(0);
      expect(await data.count('metrics', 'installation_id = ANY($1::text[])', [gone])).toBe(0);
      expect(await data.count('metric_rollups', 'installation_id = ANY($1::text[])', [gone])).toBe(0);
      expect(await data.count('capacities', 'installation_id = ANY($1::text[])', [gone])).toBe(0);

      for (const [id, installations] of [
        ['P1', p1],
        ['PP', pp],
      ] as const) {
        const kept = Object.values(installations);
        expect(await data.count('projects', 'id = $1', [id])).toBe(1);
        expect(await data.count('project_providers', 'project_id = $1', [id])).toBe(1);
        expect(await data.count('installations', 'id = ANY($1::text[])', [kept])).toBe(1);
        expect(await data.count('metrics', 'installation_id = ANY($1::text[])', [kept])).toBe(1);
        expect(await data.count('metric_rollups', 'installation_id = ANY($1::text[])', [kept])).toBe(4); // one per level
        expect(await data.count('capacities', 'installation_id = ANY($1::text[])', [kept])).toBe(1);
      }
      expect((await s.call('GET', `${API}/projects/P`, { token: sys })).status).toBe(404);
      expect((await s.call('DELETE', `${API}/admin/projects/P`, { token: sys })).body).toEqual({
        code: 404,
        message: 'There is no Project with the following id: P',
      });
    });

    it('is SYS only', async () => {
      const t = await token('owner', 'P1:role=admin');
      expect((await s.call('DELETE', `${API}/admin/projects/P1`, { token: t })).body).toEqual({ code: 403, message: FORBIDDEN });
    });
  });

  describe('reading projects', () => {
    let ids: Record<string, string>;
    beforeAll(async () => {
      ids = await project('READ', { grnet: ['r-g1', 'r-g2'], cesnet: ['r-c1'] });
      await project('READ-2', { egi: ['e1'], grnet: [] });
      const resource = await data.resource('read-resource');
      const definition = await data.definition('read-unit');
      const patched = await s.call('PATCH', `${API}/installations/${ids['r-g2']}`, {
        token: sys,
        body: { resource, unit_of_access: definition, infrastructure: 'grid' },
      });
      expect(patched.status).toBe(200);
    });

    it('GET /projects/{id}: the hierarchy, with resource and unit_of_access only when set', async () => {
      const r = await s.call('GET', `${API}/projects/READ`, { token: await token('v', 'READ:role=viewer') });
      expect(r.status).toBe(200);
      expect(r.body.providers.map((p: { id: string }) => p.id)).toEqual(['grnet', 'cesnet']);
      const grnet = r.body.providers[0];
      expect(grnet).toEqual({
        id: 'grnet',
        name: 'Provider grnet',
        external_id: 'ext-grnet',
        website: null,
        abbreviation: null,
        logo: null,
        installations: [
          { id: ids['r-g1'], infrastructure: null, installation: 'r-g1', external_id: expect.any(String) },
          {
            id: ids['r-g2'],
            infrastructure: 'grid',
            installation: 'r-g2',
            external_id: expect.any(String),
            resource: 'read-resource',
            unit_of_access: expect.stringMatching(/^[0-9a-f]{24}$/),
          },
        ],
      });
    });

    it('GET /projects/{id}: 404 before 403, and permission flows downward only', async () => {
      expect((await s.call('GET', `${API}/projects/ghost`, { token: nobody })).body).toEqual({
        code: 404,
        message: 'There is no Project with the following id: ghost',
      });
      for (const t of [nobody, await token('pa', 'READ:grnet:role=admin'), await token('o', 'READ-2:role=admin')]) {
        expect((await s.call('GET', `${API}/projects/READ`, { token: t })).body).toEqual({ code: 403, message: FORBIDDEN });
      }
      expect((await s.call('GET', `${API}/projects/READ`, { token: await token('a', 'READ:role=admin') })).status).toBe(200);
      expect((await s.call('GET', `${API}/projects/READ`, { token: sysViewer })).status).toBe(200);
    });

    it('GET /admin/projects pages every project (SYS)', async () => {
      const r = await s.call('GET', `${API}/admin/projects?page=1&size=2`, { token: sys });
      expect(r.status).toBe(200);
      expect(r.body.size_of_page).toBe(2);
      expect(r.body.total_elements).toBeGreaterThanOrEqual(4);
      expect(r.body.links.map((l: { rel: string }) => l.rel)).toEqual(['first', 'last', 'self', 'next']);
      expect(r.body.links[0].href).toBe('http://acc.test/accounting-system/admin/projects?page=1&size=2');
      expect((await s.call('GET', `${API}/admin/projects?size=101`, { token: sys })).body).toEqual({
        code: 400,
        message: 'Page size must be between 1 and 100.',
      });
      expect((await s.call('GET', `${API}/admin/projects`, { token: sysViewer })).body).toEqual({ code: 403, message: FORBIDDEN });
    });

    describe('GET /projects: exactly what the caller may see', () => {
      const list = async (t: string) => {
        const r = await s.call('GET', `${API}/projects?size=100`, { token: t });
        expect(r.status).toBe(200);
        expect(r.body.total_elements).toBe(r.body.content.length);
        return r.body.content as { id: string; providers: { id: string; installations: { id: string }[] }[] }[];
      };
      const shape = (content: Awaited<ReturnType<typeof list>>) =>
        Object.fromEntries(content.map((p) => [p.id, Object.fromEntries(p.providers.map((v) => [v.id, v.installations.map((i) => i.id)]))]));

      it('a system admin or viewer sees every project, whole', async () => {
        for (const t of [sys, sysViewer]) {
          const all = shape(await list(t));
          expect(all.READ).toEqual({ grnet: [ids['r-g1'], ids['r-g2']], cesnet: [ids['r-c1']] });
          expect(Object.keys(all)).toEqual(expect.arrayContaining(['READ', 'READ-2', 'P1', '777536']));
        }
      });

      it('a project admin or viewer sees that project, whole', async () => {
        const seen = shape(await list(await token('pv', 'READ:role=viewer', 'ghost-project:role=admin')));
        expect(seen).toEqual({ READ: { grnet: [ids['r-g1'], ids['r-g2']], cesnet: [ids['r-c1']] } });
      });

      it('a provider admin sees the project restricted to that provider', async () => {
        expect(shape(await list(await token('pra', 'READ:cesnet:role=admin')))).toEqual({ READ: { cesnet: [ids['r-c1']] } });
      });

      it('an installation viewer sees the project, the provider and only that installation', async () => {
        expect(shape(await list(await token('iv', `READ:grnet:${ids['r-g2']}:role=viewer`)))).toEqual({ READ: { grnet: [ids['r-g2']] } });
      });

      it('a provider representative sees every project holding the provider, restricted to it', async () => {
        const seen = shape(await list(await token('rep', 'roles:provider:grnet:role=viewer')));
        expect(seen.READ).toEqual({ grnet: [ids['r-g1'], ids['r-g2']] });
        expect(seen['READ-2']).toEqual({ grnet: [] });
        expect(seen.P1).toEqual({ grnet: expect.any(Array) });
        expect(Object.keys(seen)).not.toContain('777536');
      });

      it('a caller without rights, or with rights only elsewhere, sees nothing', async () => {
        for (const t of [
          nobody,
          await token('res', 'operations:resources:role=admin'),
          await token('other-role', 'READ:role=member'),
          await token('unassociated', 'READ:sara:role=admin'),
          await token('ghost-inst', 'READ:grnet:000000000000000000000000:role=admin'),
        ]) {
          expect(await list(t)).toEqual([]);
        }
      });

      it('pages after filtering, and answers over tRPC', async () => {
        const t = await token('two', 'READ:role=viewer', 'READ-2:egi:role=viewer');
        const first = await s.call('GET', `${API}/projects?size=1`, { token: t });
        expect(first.body).toMatchObject({ total_elements: 2, total_pages: 2, size_of_page: 1 });
        const r = await trpcCall(s.url, 'query', 'projects.list', { page: 2, size: 1 }, t);
        expect(r.body.result.data.content).toEqual([expect.objectContaining({ id: 'READ-2', providers: [expect.objectContaining({ id: 'egi' })] })]);
      });
    });

    describe('POST /projects/search', () => {
      it('applies the filter (SYS)', async () => {
        const r = await s.call('POST', `${API}/projects/search?size=5`, {
          token: sys,
          body: {
            type: 'filter',
            operator: 'OR',
            criteria: [
              { type: 'query', field: 'acronym', values: 'acr-read' },
              { type: 'query', field: '_id', values: 'P1' },
            ],
          },
        });
        expect(r.status).toBe(200);
        expect(r.body.content.map((p: { id: string }) => p.id)).toEqual(['P1', 'READ']);
        expect(r.body.content[1].providers).toHaveLength(2);
        const none = await s.call('POST', `${API}/projects/search`, {
          token: sys,
          body: { type: 'query', field: 'title', values: 'nothing like it' },
        });
        expect(none.body).toMatchObject({ total_elements: 0, content: [] });
      });

      it('rejects bad criteria and non-SYS callers', async () => {
        expect((await s.call('POST', `${API}/projects/search`, { token: sys, body: { type: 'query', field: 'name', values: 'x' } })).body).toEqual({
          code: 400,
          message: "Invalid search query: unknown field 'name'. Allowed fields: _id, acronym, title, start_date, end_date, call_identifier.",
        });
        expect((await s.call('POST', `${API}/projects/search`, { token: sys, headers: JSON_HEADERS })).body).toEqual({
          code: 400,
          message: 'The request body is empty.',
        });
        expect(
          (await s.call('POST', `${API}/projects/search`, { token: sysViewer, body: { type: 'query', field: '_id', values: 'x' } })).body,
        ).toEqual({
          code: 403,
          message: FORBIDDEN,
        });
      });
    });

    it('GET /projects/{id}/installations (PRJ) and /projects/{p}/providers/{prov}/installations (PRV)', async () => {
      const prj = await s.call('GET', `${API}/projects/READ/installations?size=2`, { token: await token('v2', 'READ:role=viewer') });
      expect(prj.body).toMatchObject({ total_elements: 3, size_of_page: 2 });
      expect(prj.body.content[0]).toEqual({
        id: ids['r-g1'],
        project: 'READ',
        organisation: 'grnet',
        infrastructure: null,
        installation: 'r-g1',
        external_id: expect.any(String),
      });
      expect(prj.body.content[1].unit_of_access).toMatchObject({ metric_name: 'read-unit', unit_type: 'TB' });
      expect(prj.body.content[1].capacities).toBeUndefined();

      const provider = await token('prv', 'READ:cesnet:role=viewer');
      const prv = await s.call('GET', `${API}/projects/READ/providers/cesnet/installations`, { token: provider });
      expect(prv.body.content.map((i: { id: string }) => i.id)).toEqual([ids['r-c1']]);
      expect((await s.call('GET', `${API}/projects/READ/installations`, { token: provider })).body).toEqual({ code: 403, message: FORBIDDEN });
      expect((await s.call('GET', `${API}/projects/READ/providers/grnet/installations`, { token: provider })).body).toEqual({
        code: 403,
        message: FORBIDDEN,
      });
      expect((await s.call('GET', `${API}/projects/READ/providers/nope/installations`, { token: provider })).body).toEqual({
        code: 404,
        message: 'There is no Provider with the following id: nope',
      });
      expect((await s.call('GET', `${API}/projects/nope/providers/nope/installations`, { token: nobody })).body).toEqual({
        code: 404,
        message: 'There is no Project with the following id: nope',
      });
      const rep = await s.call('GET', `${API}/projects/READ/providers/grnet/installations`, {
        token: await token('rep2', 'roles:provider:grnet:role=admin'),
      });
      expect(rep.body.total_elements).toBe(2);
      const inst = await token('inst', `READ:grnet:${ids['r-g1']}:role=admin`);
      expect((await s.call('GET', `${API}/projects/READ/providers/grnet/installations`, { token: inst })).status).toBe(403);
    });

    it('GET /projects/{id}/metric-definitions and the provider twin list the distinct definitions used', async () => {
      const d1 = await data.definition('used-1');
      const d2 = await data.definition('used-2');
      await data.definition('unused');
      await data.metric(ids['r-g1'], d1);
      await data.metric(ids['r-g1'], d1);
      await data.metric(ids['r-c1'], d2);
      const t = await token('md', 'READ:role=viewer');
      const all = await s.call('GET', `${API}/projects/READ/metric-definitions`, { token: t });
      expect(all.body.content).toEqual([
        {
          metric_definition_id: d1,
          metric_name: 'used-1',
          metric_description: 'used-1 description',
          unit_type: 'TB',
          metric_type: 'aggregated',
          creator_id: 'seed',
        },
        expect.objectContaining({ metric_definition_id: d2 }),
      ]);
      const grnet = await s.call('GET', `${API}/projects/READ/providers/grnet/metric-definitions`, { token: t });
      expect(grnet.body.content.map((d: { metric_name: string }) => d.metric_name)).toEqual(['used-1']);
      expect((await s.call('GET', `${API}/projects/READ-2/metric-definitions`, { token: t })).status).toBe(403);
      expect((await s.call('GET', `${API}/projects/READ/providers/ghost/metric-definitions`, { token: t })).status).toBe(404);
      const r = await trpcCall(s.url, 'query', 'projects.providerMetricDefinitions', { project_id: 'READ', provider_id: 'cesnet' }, t);
      expect(r.body.result.data.content.map((d: { metric_name: string }) => d.metric_name)).toEqual(['used-2']);
    });
  });

  describe('associate and dissociate', () => {
    beforeAll(async () => {
      await project('ASSOC');
    });
    const associate = (t: string, p: string, prov: string, verb = 'associate') =>
      s.call('POST', `${API}/projects/${p}/${verb}/provider/${prov}`, { token: t, headers: JSON_HEADERS });

    it('associates once (PRJ[admin]), then 409', async () => {
      const admin = await token('assoc-admin', 'ASSOC:role=admin');
      expect((await associate(admin, 'ASSOC', 'sara')).body).toEqual({
        code: 200,
        message: 'The following provider sara has been associated with Project ASSOC',
      });
      expect((await associate(admin, 'ASSOC', 'sara')).body).toEqual({
        code: 409,
        message: 'This provider has already been associated with the Project : ASSOC',
      });
      expect((await s.call('GET', `${API}/projects/ASSOC`, { token: admin })).body.providers.map((p: { id: string }) => p.id)).toEqual(['sara']);
    });

    it('needs no Content-Type: the endpoints take no body', async () => {
      const t = await token('assoc-plain', 'ASSOC:role=admin');
      expect((await s.call('POST', `${API}/projects/ASSOC/associate/provider/cesnet`, { token: t })).status).toBe(200);
      expect((await s.call('POST', `${API}/projects/ASSOC/dissociate/provider/cesnet`, { token: t })).body).toEqual({
        code: 200,
        message: 'The following provider cesnet has been dissociated from Project ASSOC',
      });
    });

    it('checks both entities (404) before permission (403)', async () => {
      expect((await associate(nobody, 'ghost', 'sara')).body).toEqual({ code: 404, message: 'There is no Project with the following id: ghost' });
      expect((await associate(nobody, 'ASSOC', 'ghost')).body).toEqual({ code: 404, message: 'There is no Provider with the following id: ghost' });
      for (const t of [nobody, await token('assoc-viewer', 'ASSOC:role=viewer'), await token('assoc-prov', 'ASSOC:sara:role=admin')]) {
        expect((await associate(t, 'ASSOC', 'egi')).body).toEqual({ code: 403, message: FORBIDDEN });
        expect((await associate(t, 'ASSOC', 'sara', 'dissociate')).body).toEqual({ code: 403, message: FORBIDDEN });
      }
      expect((await associate(nobody, 'ASSOC', 'ghost', 'dissociate')).body).toEqual({
        code: 404,
        message: 'There is no Provider with the following id: ghost',
      });
    });

    it('refuses to dissociate while installations exist, and dissociates otherwise', async () => {
      const i = await s.call('POST', `${API}/installations`, {
        token: sys,
        body: { project: 'ASSOC', organisation: 'sara', installation: 'blocker' },
      });
      expect((await associate(sys, 'ASSOC', 'sara', 'dissociate')).body).toEqual({
        code: 409,
        message: 'Dissociation is not allowed. There are registered installations to {ASSOC, sara}.',
      });
      expect((await s.call('DELETE', `${API}/installations/${i.body.id}`, { token: sys })).status).toBe(200);
      expect((await associate(sys, 'ASSOC', 'sara', 'dissociate')).body).toEqual({
        code: 200,
        message: 'The following provider sara has been dissociated from Project ASSOC',
      });
      expect((await associate(sys, 'ASSOC', 'sara', 'dissociate')).body).toEqual({
        code: 200,
        message: 'The following provider sara has been dissociated from Project ASSOC',
      });
      expect((await s.call('GET', `${API}/projects/ASSOC`, { token: sys })).body.providers).toEqual([]);
    });

    it('works over tRPC', async () => {
      const ok = await trpcCall(s.url, 'mutation', 'projects.associateProvider', { id: 'ASSOC', provider_id: 'egi' }, sys);
      expect(ok.body.result.data).toEqual({ code: 200, message: 'The following provider egi has been associated with Project ASSOC' });
      const again = await trpcCall(s.url, 'mutation', 'projects.associateProvider', { id: 'ASSOC', provider_id: 'egi' }, sys);
      expect(again.body.error.data.httpStatus).toBe(409);
      expect(again.body.error.message).toBe('This provider has already been associated with the Project : ASSOC');
    });
  });
});
