import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed, startOpenAire, type OpenAireStub } from './project-fixtures.js';
import { trpcCall } from './support/catalogue-fixtures.js';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

const API = '/accounting-system';
const JSON_HEADERS = { 'Content-Type': 'application/json' };

const always = (collection: string, operations: string[]) => ({
  collection,
  access_permissions: operations.map((operation) => ({ operation, access_type: 'ALWAYS' })),
});
const CRUD = ['READ', 'CREATE', 'UPDATE', 'DELETE'];
const SCOPED = [always('Metric', CRUD), always('Installation', CRUD)];
const PROJECT = [always('Project', ['ASSOCIATE', 'DISSOCIATE', 'READ']), ...SCOPED];

describe.each(backends)('clients on %s', (backend) => {
  let s: TestServer;
  let openaire: OpenAireStub;
  let data: ReturnType<typeof seed>;
  let sys: string;
  const ids: Record<string, string> = {};
  const token = (sub: string, ...entitlements: string[]) => s.issuer.token({ sub, entitlements: entitlements.map(ent) });

  beforeAll(async () => {
    openaire = await startOpenAire({});
    s = await startTestServer(backend, { ACC_OPENAIRE_URL: openaire.url });
    data = seed(s);
    sys = await token('sys', 'role=admin');
    for (const p of ['grnet', 'cesnet']) await data.provider(p);
    for (const [project, providers] of [
      ['A', ['grnet', 'cesnet']],
      ['B', ['grnet']],
      ['C', []],
    ] as const) {
      const body = {
        id: project,
        acronym: `ACR-${project}`,
        title: `T${project}`,
        start_date: '2024-01-01',
        end_date: '2025-01-01',
        call_identifier: 'C',
      };
      expect((await s.call('POST', `${API}/admin/projects`, { token: sys, body })).status).toBe(201);
      for (const provider of providers) {
        await s.call('POST', `${API}/projects/${project}/associate/provider/${provider}`, { token: sys, headers: JSON_HEADERS });
        for (const n of [1, 2]) {
          const name = `${project}-${provider}-${n}`;
          const r = await s.call('POST', `${API}/installations`, { token: sys, body: { project, organisation: provider, installation: name } });
          ids[name] = r.body.id;
        }
      }
    }
  });
  afterAll(async () => {
    await s.close();
    await openaire.close();
  });

  describe('POST /clients', () => {
    const actors = (oidcId: string) =>
      data.db.query<Promise<{ name: string; email: string; issuer: string }[]>>('SELECT name, email, issuer FROM actors WHERE oidc_id = $1', [
        oidcId,
      ]);

    it('registers the caller once: later calls leave the actor unchanged', async () => {
      const first = await s.issuer.token({ sub: 'alice', name: 'Alice', email: 'alice@example.org' });
      const r = await s.call('POST', `${API}/clients`, { token: first, headers: JSON_HEADERS });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ code: 200, message: 'The actor was successfully registered.' });
      const again = await s.call('POST', `${API}/clients`, { token: await s.issuer.token({ sub: 'alice', name: 'Renamed' }), headers: JSON_HEADERS });
      expect(again.body).toEqual({ code: 200, message: 'The actor was successfully registered.' });
      expect(await actors('alice')).toEqual([{ name: 'Alice', email: 'alice@example.org', issuer: s.issuer.issuer }]);
    });

    it('stores "" for a missing name and email, and ignores a body', async () => {
      const r = await s.call('POST', `${API}/clients`, { token: await s.issuer.token({ sub: 'bob' }), body: { name: 'ignored' } });
      expect(r.status).toBe(200);
      expect(await actors('bob')).toEqual([{ name: '', email: '', issuer: s.issuer.issuer }]);
    });

    it('requires Content-Type: application/json although there is no body, and a token', async () => {
      const t = await s.issuer.token({ sub: 'carol' });
      expect((await s.call('POST', `${API}/clients`, { token: t })).body).toEqual({ code: 415, message: 'Cannot consume content type.' });
      expect((await s.call('POST', `${API}/clients`, { token: t, body: 'x', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
      expect((await s.call('POST', `${API}/clients`, { headers: JSON_HEADERS })).status).toBe(401);
      expect(await actors('carol')).toEqual([]);
    });

    it('registers over tRPC', async () => {
      const r = await trpcCall(s.url, 'mutation', 'clients.register', {}, await s.issuer.token({ sub: 'dave' }));
      expect(r.body.result.data).toEqual({ code: 200, message: 'The actor was successfully registered.' });
      expect(await actors('dave')).toHaveLength(1);
    });
  });

  describe('GET /clients/me', () => {
    const me = async (t: string, query = 'size=100') => {
      const r = await s.call('GET', `${API}/clients/me?${query}`, { token: t });
      expect(r.status).toBe(200);
      return r.body;
    };
    /** project → provider → installation names, each with its permissions. */
    const outline = (content: any[]) =>
      Object.fromEntries(
        content.map((p) => [
          p.id,
          {
            permissions: p.permissions,
            providers: Object.fromEntries(
              p.providers.map((v: any) => [
                v.id,
                { permissions: v.permissions, installations: v.installations.map((i: any) => [i.installation, i.permissions]) },
              ]),
            ),
          },
        ]),
      );

    it('gives a bypass caller every project with project-level permissions', async () => {
      const body = await me(sys);
      expect(body.total_elements).toBe(3);
      const a = body.content[0];
      expect(a).toMatchObject({
        id: 'A',
        acronym: 'ACR-A',
        title: 'TA',
        start_date: '2024-01-01',
        end_date: '2025-01-01',
        call_identifier: 'C',
        permissions: PROJECT,
      });
      expect(a.providers[0]).toEqual({
        id: 'grnet',
        name: 'Provider grnet',
        website: null,
        abbreviation: null,
        logo: null,
        permissions: SCOPED,
        installations: [
          { id: ids['A-grnet-1'], infrastructure: null, installation: 'A-grnet-1', unit_of_access: null, permissions: SCOPED },
          { id: ids['A-grnet-2'], infrastructure: null, installation: 'A-grnet-2', unit_of_access: null, permissions: SCOPED },
        ],
      });
      expect(body.content.map((p: { id: string }) => p.id)).toEqual(['A', 'B', 'C']);
    });

    it('builds each project from the grants by hierarchy length', async () => {
      const t = await token('mixed', 'B:role=viewer', 'A:cesnet:role=admin', 'ghost:role=admin');
      const seen = outline((await me(t)).content);
      expect(seen).toEqual({
        A: {
          permissions: [],
          providers: {
            cesnet: {
              permissions: SCOPED,
              installations: [
                ['A-cesnet-1', SCOPED],
                ['A-cesnet-2', SCOPED],
              ],
            },
          },
        },
        B: {
          permissions: PROJECT,
          providers: {
            grnet: {
              permissions: SCOPED,
              installations: [
                ['B-grnet-1', SCOPED],
                ['B-grnet-2', SCOPED],
              ],
            },
          },
        },
      });
      const inst = await token('inst', `A:grnet:${ids['A-grnet-2']}:role=viewer`);
      expect(outline((await me(inst)).content)).toEqual({
        A: { permissions: [], providers: { grnet: { permissions: [], installations: [['A-grnet-2', SCOPED]] } } },
      });
    });

    it('ignores system, resource and provider-representative entitlements and unknown projects', async () => {
      const t = await token('none', 'role=viewer', 'operations:resources:role=admin', 'roles:provider:grnet:role=admin', 'ghost:role=admin');
      expect(await me(t)).toMatchObject({ total_elements: 0, content: [], links: [] });
      expect((await me(await s.issuer.token({ sub: 'plain' }))).content).toEqual([]);
    });

    it('pages the resulting list and answers over tRPC', async () => {
      const t = await token('pager', 'A:role=admin', 'C:role=viewer');
      const second = await me(t, 'page=2&size=1');
      expect(second).toMatchObject({ total_elements: 2, total_pages: 2, size_of_page: 1, number_of_page: 2 });
      expect(second.content[0]).toMatchObject({ id: 'C', permissions: PROJECT, providers: [] });
      expect((await s.call('GET', `${API}/clients/me?size=0`, { token: t })).body).toEqual({
        code: 400,
        message: 'Page size must be between 1 and 100.',
      });
      const r = await trpcCall(s.url, 'query', 'clients.me', { page: 1, size: 1 }, t);
      expect(r.body.result.data.content.map((p: { id: string }) => p.id)).toEqual(['A']);
    });
  });

  it('GET /clients/general-permissions lists the five collections, for any caller', async () => {
    const expected = ['MetricDefinition', 'UnitType', 'MetricType', 'Client', 'Provider'].map((c) => always(c, CRUD));
    const r = await s.call('GET', `${API}/clients/general-permissions`, { token: await s.issuer.token({ sub: 'anyone' }) });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expected);
    expect((await s.call('GET', `${API}/clients/general-permissions`)).status).toBe(401);
    const viaTrpc = await trpcCall(s.url, 'query', 'clients.generalPermissions', {}, sys);
    expect(viaTrpc.body.result.data).toEqual(expected);
  });
});
