import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed, startOpenAire, type OpenAireStub } from './project-fixtures.js';
import { trpcCall } from './support/catalogue-fixtures.js';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';
const JSON_HEADERS = { 'Content-Type': 'application/json' };

describe.each(backends)('installations on %s', (backend) => {
  let s: TestServer;
  let openaire: OpenAireStub;
  let data: ReturnType<typeof seed>;
  let sys: string;
  let nobody: string;
  let definition: string;
  const token = (sub: string, ...entitlements: string[]) => s.issuer.token({ sub, entitlements: entitlements.map(ent) });

  const newProject = async (id: string, ...providers: string[]) => {
    const body = { id, acronym: `ACR-${id}`, title: id, start_date: '2024-01-01', end_date: '2025-01-01', call_identifier: 'C' };
    expect((await s.call('POST', `${API}/admin/projects`, { token: sys, body })).status).toBe(201);
    for (const p of providers) {
      expect((await s.call('POST', `${API}/projects/${id}/associate/provider/${p}`, { token: sys, headers: JSON_HEADERS })).status).toBe(200);
    }
  };
  const create = (body: unknown, t = sys) => s.call('POST', `${API}/installations`, { token: t, body });
  const created = async (body: Record<string, unknown>) => {
    const r = await create(body);
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  beforeAll(async () => {
    openaire = await startOpenAire({});
    s = await startTestServer(backend, { ACC_OPENAIRE_URL: openaire.url });
    data = seed(s);
    sys = await token('sys', 'role=admin');
    nobody = await token('nobody');
    for (const p of ['grnet', 'cesnet', 'egi']) await data.provider(p);
    await data.resource('compute');
    definition = await data.definition('cpu');
    await newProject('P', 'grnet', 'cesnet');
    await newProject('Q', 'grnet');
  });
  afterAll(async () => {
    await s.close();
    await openaire.close();
  });

  describe('POST /installations', () => {
    it('creates with 201 + Location, a default external_id and the unit_of_access object', async () => {
      const r = await create({
        id: 'ignored',
        project: 'P',
        organisation: 'grnet',
        installation: 'GRNET-KNS-1',
        infrastructure: 'EGI',
        resource: 'compute',
        unit_of_access: definition,
      });
      expect(r.status).toBe(201);
      expect(r.headers.get('location')).toBe(`http://acc.test/accounting-system/installations/${r.body.id}`);
      expect(r.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        project: 'P',
        organisation: 'grnet',
        infrastructure: 'EGI',
        installation: 'GRNET-KNS-1',
        resource: 'compute',
        external_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        unit_of_access: {
          metric_definition_id: definition,
          metric_name: 'cpu',
          metric_description: 'cpu description',
          unit_type: 'TB',
          metric_type: 'aggregated',
          creator_id: 'seed',
        },
      });
      const minimal = await create({ project: 'P', organisation: 'grnet', installation: 'minimal', external_id: 'ext-min' });
      expect(minimal.body).toEqual({
        id: expect.any(String),
        project: 'P',
        organisation: 'grnet',
        infrastructure: null,
        installation: 'minimal',
        external_id: 'ext-min',
      });
    });

    it('checks in the spec order: body, fields, definition, project, provider, 403, association, name, resource, external_id', async () => {
      const steps: [unknown, number, string][] = [
        [{}, 400, 'project may not be empty.'],
        [{ project: 'P', installation: 'x' }, 400, 'organisation may not be empty.'],
        [{ project: 'P', organisation: 'grnet', installation: ' ' }, 400, 'installation may not be empty.'],
        [
          { project: 'ghost', organisation: 'ghost', installation: 'x', unit_of_access: 'nodef' },
          404,
          'There is no Metric Definition with the following id: nodef',
        ],
        [{ project: 'ghost', organisation: 'ghost', installation: 'x' }, 404, 'There is no Project with the following id: ghost'],
        [{ project: 'P', organisation: 'ghost', installation: 'x' }, 404, 'There is no Provider with the following id: ghost'],
        [{ project: 'P', organisation: 'egi', installation: 'x' }, 400, 'There is no relationship between Project {P} and Provider {egi}'],
        [{ project: 'P', organisation: 'grnet', installation: 'grnet-kns-1', resource: 'nope' }, 409, ''],
        [
          { project: 'P', organisation: 'grnet', installation: 'new', resource: 'nope', external_id: 'ext-min' },
          404,
          'There is no Resource with the following id: nope',
        ],
        [{ project: 'P', organisation: 'grnet', installation: 'new', external_id: 'ext-min' }, 409, 'external_id already exists'],
      ];
      const existing = (await s.call('GET', `${API}/installations/external?externalId=ext-min`, { token: sys })).body;
      const first = (await s.call('GET', `${API}/projects/P/installations`, { token: sys })).body.content[0];
      for (const [body, status, message] of steps) {
        const r = await create(body);
        expect(r.status).toBe(status);
        expect(r.body.message).toBe(
          message || `There is an Installation with the following combination : {P, grnet, grnet-kns-1}. Its id is ${first.id}`,
        );
      }
      expect(existing.installation).toBe('minimal');
      expect((await s.call('POST', `${API}/installations`, { token: sys, headers: JSON_HEADERS })).body).toEqual({
        code: 400,
        message: 'The request body is empty.',
      });
      expect((await s.call('POST', `${API}/installations`, { token: sys, body: 'x', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
    });

    it('needs PRV[admin] on the body project and organisation (after the 404s)', async () => {
      const body = { project: 'P', organisation: 'cesnet', installation: 'by-rights' };
      for (const t of [nobody, await token('pv', 'P:role=viewer'), await token('other', 'P:grnet:role=admin'), await token('q', 'Q:role=admin')]) {
        expect((await create(body, t)).body).toEqual({ code: 403, message: FORBIDDEN });
      }
      expect((await create({ ...body, project: 'ghost' }, nobody)).status).toBe(404);
      expect((await create({ ...body, installation: 'prv-admin' }, await token('pa', 'P:cesnet:role=admin'))).status).toBe(201);
      expect((await create({ ...body, installation: 'rep-admin' }, await token('ra', 'roles:provider:cesnet:role=admin'))).status).toBe(201);
      expect((await create({ ...body, installation: 'prj-admin' }, await token('pja', 'P:role=admin'))).status).toBe(201);
    });

    it('keeps external ids unique per (project, provider) only', async () => {
      expect((await create({ project: 'Q', organisation: 'grnet', installation: 'q-min', external_id: 'ext-min' })).status).toBe(201);
    });
  });

  describe('one installation', () => {
    let id: string;
    let externalId: string;
    beforeAll(async () => {
      const r = await create({ project: 'P', organisation: 'cesnet', installation: 'ONE', unit_of_access: definition, external_id: 'ext-one' });
      id = r.body.id;
      externalId = r.body.external_id;
    });

    it('GET /installations/{id} embeds the capacities (INS[admin,viewer])', async () => {
      await data.capacity(id, definition, '10.50', '2025-12-15T10:00:00Z');
      await data.capacity(id, definition, '3', '2025-12-16T10:00:00.250Z');
      const viewer = await token('iv', `P:cesnet:${id}:role=viewer`);
      const r = await s.call('GET', `${API}/installations/${id}`, { token: viewer });
      expect(r.status).toBe(200);
      expect(r.body.capacities).toEqual([
        { id: expect.any(String), installation_id: id, metric_definition_id: definition, value: 10.5, registered_on: '2025-12-15T10:00:00Z' },
        { id: expect.any(String), installation_id: id, metric_definition_id: definition, value: 3, registered_on: '2025-12-16T10:00:00.250Z' },
      ]);
      expect(r.body.unit_of_access.metric_definition_id).toBe(definition);
      for (const t of [await token('rep', 'roles:provider:cesnet:role=viewer'), await token('pv', 'P:role=viewer')]) {
        expect((await s.call('GET', `${API}/installations/${id}`, { token: t })).status).toBe(200);
      }
      for (const t of [nobody, await token('other', 'P:grnet:role=admin'), await token('q', 'Q:role=admin')]) {
        expect((await s.call('GET', `${API}/installations/${id}`, { token: t })).body).toEqual({ code: 403, message: FORBIDDEN });
      }
      expect((await s.call('GET', `${API}/installations/ghost`, { token: nobody })).body).toEqual({
        code: 404,
        message: 'There is no Installation with the following id: ghost',
      });
    });

    it('omits a unit_of_access whose definition was deleted', async () => {
      const doomed = await data.definition('doomed');
      const i = await created({ project: 'P', organisation: 'cesnet', installation: 'orphan', unit_of_access: doomed });
      await data.db.query('DELETE FROM metric_definitions WHERE id = $1', [doomed]);
      const r = await s.call('GET', `${API}/installations/${i}`, { token: sys });
      expect(r.body).not.toHaveProperty('unit_of_access');
      expect(r.body.capacities).toEqual([]);
    });

    it('PATCH updates what may change and ignores the rest (INS[admin])', async () => {
      const r = await s.call('PATCH', `${API}/installations/${id}`, {
        token: await token('ia', `P:cesnet:${id}:role=admin`),
        body: {
          infrastructure: 'EOSC',
          installation: 'ONE-renamed',
          resource: 'compute',
          unit_of_access: '',
          project: 'Q',
          organisation: 'grnet',
          external_id: 'x',
        },
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        id,
        project: 'P',
        organisation: 'cesnet',
        infrastructure: 'EOSC',
        installation: 'ONE-renamed',
        resource: 'compute',
        external_id: externalId,
      });
      expect(r.body.unit_of_access.metric_definition_id).toBe(definition);
      expect(r.body).not.toHaveProperty('capacities');
      expect((await s.call('PATCH', `${API}/installations/${id}`, { token: sys, body: { installation: 'one-RENAMED' } })).body.installation).toBe(
        'one-RENAMED',
      );
    });

    it('PATCH errors: 404, 403, definition, resource, combination', async () => {
      const patch = (body: unknown, t = sys, target = id) => s.call('PATCH', `${API}/installations/${target}`, { token: t, body });
      expect((await patch({ installation: 'x' }, nobody, 'ghost')).body.message).toBe('There is no Installation with the following id: ghost');
      expect((await patch({ installation: 'x' }, await token('iv2', `P:cesnet:${id}:role=viewer`))).body).toEqual({ code: 403, message: FORBIDDEN });
      expect((await patch({ unit_of_access: 'nodef', resource: 'nope' })).body).toEqual({
        code: 404,
        message: 'There is no Metric Definition with the following id: nodef',
      });
      expect((await patch({ resource: 'nope' })).body).toEqual({ code: 404, message: 'There is no Resource with the following id: nope' });
      const other = (await s.call('GET', `${API}/projects/P/providers/cesnet/installations?size=100`, { token: sys })).body.content.find(
        (i: { installation: string }) => i.installation === 'prv-admin',
      );
      expect((await patch({ installation: 'PRV-ADMIN' })).body).toEqual({
        code: 409,
        message: `There is an Installation with the following combination : {P, cesnet, PRV-ADMIN}. Its id is ${other.id}`,
      });
      expect((await s.call('PATCH', `${API}/installations/${id}`, { token: sys, headers: JSON_HEADERS })).body).toEqual({
        code: 400,
        message: 'The request body is empty.',
      });
    });

    it('locks update and delete only while metrics exist', async () => {
      const metric = await data.metric(id, definition);
      expect((await s.call('PATCH', `${API}/installations/${id}`, { token: sys, body: { infrastructure: 'x' } })).body).toEqual({
        code: 403,
        message: 'Updating an Installation is not allowed if there are Metrics assigned to it.',
      });
      expect((await s.call('DELETE', `${API}/installations/${id}`, { token: sys })).body).toEqual({
        code: 403,
        message: 'Deleting an Installation is not allowed if there are Metrics assigned to it.',
      });
      await data.db.query('DELETE FROM metrics WHERE id = $1', [metric]);
      expect((await s.call('PATCH', `${API}/installations/${id}`, { token: sys, body: { infrastructure: 'unlocked' } })).body.infrastructure).toBe(
        'unlocked',
      );
    });

    it('GET /installations/{id}/metric-definitions lists the distinct definitions its metrics use', async () => {
      const other = await data.definition('other');
      await data.metric(id, other);
      await data.metric(id, other);
      const r = await s.call('GET', `${API}/installations/${id}/metric-definitions`, { token: await token('iv3', `P:cesnet:${id}:role=viewer`) });
      expect(r.body).toMatchObject({ total_elements: 1, content: [{ metric_definition_id: other, metric_name: 'other' }] });
      expect((await s.call('GET', `${API}/installations/${id}/metric-definitions`, { token: nobody })).status).toBe(403);
      await data.db.query('DELETE FROM metrics WHERE installation_id = $1', [id]);
    });

    it('the external-id twins find, update and delete by external id', async () => {
      const get = await s.call('GET', `${API}/installations/external?externalId=${externalId}`, { token: sys });
      expect(get.body).toMatchObject({ id, capacities: expect.any(Array) });
      const patched = await s.call('PATCH', `${API}/installations/external?externalId=${externalId}`, {
        token: sys,
        body: { infrastructure: 'via-external' },
      });
      expect(patched.body).toMatchObject({ id, infrastructure: 'via-external' });
      for (const method of ['GET', 'DELETE']) {
        expect((await s.call(method, `${API}/installations/external`, { token: sys })).body).toEqual({
          code: 400,
          message: 'externalId may not be empty.',
        });
        expect((await s.call(method, `${API}/installations/external?externalId=`, { token: sys })).body).toEqual({
          code: 400,
          message: 'externalId may not be empty.',
        });
        expect((await s.call(method, `${API}/installations/external?externalId=nope`, { token: nobody })).body).toEqual({
          code: 404,
          message: 'There is no Installation with external id: nope',
        });
        expect((await s.call(method, `${API}/installations/external?externalId=${externalId}`, { token: nobody })).body).toEqual({
          code: 403,
          message: FORBIDDEN,
        });
      }
      expect((await s.call('PATCH', `${API}/installations/external`, { token: sys, body: { infrastructure: 'x' } })).body).toEqual({
        code: 400,
        message: 'externalId may not be empty.',
      });
      // ext-min exists in P and Q: the first registered wins.
      expect((await s.call('GET', `${API}/installations/external?externalId=ext-min`, { token: sys })).body.project).toBe('P');
      const viaTrpc = await trpcCall(s.url, 'query', 'installations.getByExternalId', { externalId }, sys);
      expect(viaTrpc.body.result.data.id).toBe(id);
      const trpcPatch = await trpcCall(s.url, 'mutation', 'installations.updateByExternalId', { externalId, infrastructure: 'trpc' }, sys);
      expect(trpcPatch.body.result.data.infrastructure).toBe('trpc');
      const missing = await trpcCall(s.url, 'query', 'installations.get', { id: 'ghost' }, sys);
      expect(missing.body.error.data.httpStatus).toBe(404);
      expect(missing.body.error.message).toBe('There is no Installation with the following id: ghost');

      const deleted = await s.call('DELETE', `${API}/installations/external?externalId=${externalId}`, { token: sys });
      expect(deleted.body).toEqual({ code: 200, message: 'Installation has been deleted successfully.' });
      expect(await data.count('capacities', 'installation_id = $1', [id])).toBe(0);
      expect((await s.call('GET', `${API}/installations/${id}`, { token: sys })).status).toBe(404);
    });

    it('DELETE by id (INS[admin]) takes the capacities with it', async () => {
      const i = await created({ project: 'P', organisation: 'grnet', installation: 'to-delete' });
      await data.capacity(i, definition, '1', '2025-01-01T00:00:00Z');
      expect((await s.call('DELETE', `${API}/installations/${i}`, { token: await token('v', `P:grnet:${i}:role=viewer`) })).status).toBe(403);
      expect((await s.call('DELETE', `${API}/installations/${i}`, { token: await token('a', `P:grnet:${i}:role=admin`) })).body).toEqual({
        code: 200,
        message: 'Installation has been deleted successfully.',
      });
      expect(await data.count('capacities', 'installation_id = $1', [i])).toBe(0);
      expect((await s.call('DELETE', `${API}/installations/${i}`, { token: sys })).status).toBe(404);
    });
  });

  describe('listing', () => {
    let ids: Record<string, string>;
    beforeAll(async () => {
      await newProject('V', 'grnet', 'egi');
      await newProject('W', 'grnet');
      ids = {
        vg1: await created({ project: 'V', organisation: 'grnet', installation: 'vg1' }),
        vg2: await created({ project: 'V', organisation: 'grnet', installation: 'vg2' }),
        ve1: await created({ project: 'V', organisation: 'egi', installation: 've1' }),
        wg1: await created({ project: 'W', organisation: 'grnet', installation: 'wg1' }),
      };
      await data.capacity(ids.vg1, definition, '2', '2025-01-01T00:00:00Z');
    });

    const visible = async (t: string) => {
      const r = await s.call('GET', `${API}/installations/all?size=100`, { token: t });
      expect(r.status).toBe(200);
      expect(r.body.total_elements).toBe(r.body.content.length);
      return (r.body.content as { id: string }[]).map((i) => i.id).filter((i) => Object.values(ids).includes(i));
    };

    it('GET /installations/all shows only visible installations, for every kind of entitlement', async () => {
      const cases: [string[], string[]][] = [
        [['role=admin'], ['vg1', 'vg2', 've1', 'wg1']],
        [['role=viewer'], ['vg1', 'vg2', 've1', 'wg1']],
        [['V:role=viewer'], ['vg1', 'vg2', 've1']],
        [['V:grnet:role=admin'], ['vg1', 'vg2']],
        [['V:grnet:vg2:role=viewer'], ['vg2']],
        [['roles:provider:grnet:role=viewer'], ['vg1', 'vg2', 'wg1']],
        [
          ['roles:provider:egi:role=admin', 'W:role=viewer'],
          ['ve1', 'wg1'],
        ],
        [[], []],
        [['operations:resources:role=admin'], []],
        [['V:role=member', 'roles:provider:grnet:role=member'], []],
      ];
      for (const [entitlements, expected] of cases) {
        const named = entitlements.map((e) => e.replace(':vg2:', `:${ids.vg2}:`));
        const seen = await visible(await token(`caller-${entitlements.join('+')}`, ...named));
        expect(seen, entitlements.join(' ')).toEqual(expected.map((k) => ids[k]));
      }
    });

    it('embeds capacities and pages after filtering', async () => {
      const t = await token('vv', 'V:role=viewer');
      const r = await s.call('GET', `${API}/installations/all?size=2&page=2`, { token: t });
      expect(r.body).toMatchObject({ total_elements: 3, total_pages: 2, size_of_page: 1, number_of_page: 2 });
      expect(r.body.content[0]).toMatchObject({ id: ids.ve1, capacities: [] });
      const first = await s.call('GET', `${API}/installations/all?size=2`, { token: t });
      expect(first.body.content[0].capacities).toEqual([expect.objectContaining({ value: 2, registered_on: '2025-01-01T00:00:00Z' })]);
      expect((await s.call('GET', `${API}/installations/all?page=0`, { token: t })).body).toEqual({
        code: 400,
        message: 'Page number must be >= 1.',
      });
      const viaTrpc = await trpcCall(s.url, 'query', 'installations.all', { size: 100 }, await token('ev', 'V:egi:role=viewer'));
      expect(viaTrpc.body.result.data.content.map((i: { id: string }) => i.id)).toEqual([ids.ve1]);
    });

    it('POST /installations/search filters (SYS) and embeds capacities', async () => {
      const r = await s.call('POST', `${API}/installations/search?size=10`, {
        token: sys,
        body: {
          type: 'filter',
          operator: 'AND',
          criteria: [
            { type: 'query', field: 'project', values: 'v' },
            { type: 'query', field: 'organisation', values: 'GRNET' },
          ],
        },
      });
      expect(r.body.content.map((i: { id: string }) => i.id)).toEqual([ids.vg1, ids.vg2]);
      expect(r.body.content[0].capacities).toHaveLength(1);
      expect(
        (await s.call('POST', `${API}/installations/search`, { token: sys, body: { type: 'query', field: 'installation', values: 'VG%' } })).body
          .content,
      ).toEqual([]);
      expect((await s.call('POST', `${API}/installations/search`, { token: sys, body: '{' })).body).toEqual({
        code: 400,
        message: 'Invalid search query: malformed JSON.',
      });
      expect(
        (
          await s.call('POST', `${API}/installations/search`, {
            token: await token('va', 'V:role=admin'),
            body: { type: 'query', field: 'project', values: 'V' },
          })
        ).body,
      ).toEqual({
        code: 403,
        message: FORBIDDEN,
      });
    });
  });
});
