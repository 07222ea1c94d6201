import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';
import { deleteMetric, hexId, metricChain, trpcCall } from './support/catalogue-fixtures.js';

const BASE = '/accounting-system/metric-definitions';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';

describe.each(backends)('metric definitions (%s)', (backend) => {
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
    nobody = await s.issuer.token({ sub: 'nobody', entitlements: [ent('777536:role=admin')] });
  });
  afterAll(async () => {
    await s?.close();
  });

  const db = () => s.app.database.dataSource;
  const create = (body: unknown, token = resAdmin) => s.call('POST', BASE, { token, body });
  const unique = (prefix = 'metric') => `${prefix}-${hexId()}`;
  const createOk = async (fields: Record<string, unknown> = {}) => {
    const res = await create({ metric_name: unique(), unit_type: 'TB', metric_type: 'aggregated', ...fields });
    expect(res.status).toBe(201);
    return res.body as { metric_definition_id: string; metric_name: string; unit_type: string; metric_type: string };
  };

  describe('POST /metric-definitions', () => {
    it('creates a definition: 201, Location, the response object, types matched case-insensitively and kept as sent', async () => {
      const name = unique();
      const res = await create({ metric_name: name, metric_description: 'desc', unit_type: 'tb', metric_type: 'AGGREGATED' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        metric_definition_id: expect.stringMatching(/^[0-9a-f]{24}$/),
        metric_name: name,
        metric_description: 'desc',
        unit_type: 'tb',
        metric_type: 'AGGREGATED',
        creator_id: 'res-admin',
      });
      expect(res.headers.get('location')).toBe(`http://acc.test${BASE}/${res.body.metric_definition_id}`);
    });

    it('accepts numbers for string fields and shows an absent description as null', async () => {
      const res = await create({ metric_name: 4242, unit_type: '#', metric_type: 'count' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ metric_name: '4242', metric_description: null, unit_type: '#' });
    });

    it('401 without a token', async () => {
      const res = await s.call('POST', BASE, { body: { metric_name: 'x', unit_type: 'TB', metric_type: 'count' } });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 401, message: 'Missing bearer token.' });
    });

    it('415 before the permission check, 403 before body validation', async () => {
      const wrongType = await s.call('POST', BASE, { token: nobody, body: '{}', headers: { 'Content-Type': 'text/plain' } });
      expect(wrongType.status).toBe(415);
      expect(wrongType.body).toEqual({ code: 415, message: 'Cannot consume content type.' });
      for (const token of [nobody, resViewer]) {
        const res = await s.call('POST', BASE, { token, body: '', headers: { 'Content-Type': 'application/json' } });
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ code: 403, message: FORBIDDEN });
      }
    });

    it('400 for an empty body and for each required field, in field order', async () => {
      const empty = await s.call('POST', BASE, { token: resAdmin, headers: { 'Content-Type': 'application/json' } });
      expect(empty.body).toEqual({ code: 400, message: 'The request body is empty.' });
      const cases: [unknown, string][] = [
        [{}, 'metric_name may not be empty.'],
        [{ metric_name: '  ', unit_type: 'TB', metric_type: 'count' }, 'metric_name may not be empty.'],
        [{ metric_name: null, unit_type: 'TB', metric_type: 'count' }, 'metric_name may not be empty.'],
        [{ metric_name: 'n', metric_type: 'count' }, 'unit_type may not be empty.'],
        [{ metric_name: 'n', unit_type: '', metric_type: 'count' }, 'unit_type may not be empty.'],
        [{ metric_name: 'n', unit_type: 'TB' }, 'metric_type may not be empty.'],
        [{ metric_name: 'n', unit_type: 'nope', metric_type: null }, 'metric_type may not be empty.'],
      ];
      for (const [body, message] of cases) {
        const res = await create(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body).toEqual({ code: 400, message });
      }
    });

    it('404 for an unknown unit type, then for an unknown metric type', async () => {
      const unit = await create({ metric_name: 'n', unit_type: 'Parsecs', metric_type: 'nope' });
      expect(unit.status).toBe(404);
      expect(unit.body).toEqual({ code: 404, message: 'There is no unit type : Parsecs' });
      const metric = await create({ metric_name: 'n', unit_type: 'TB', metric_type: 'Weird' });
      expect(metric.status).toBe(404);
      expect(metric.body).toEqual({ code: 404, message: 'There is no metric type : Weird' });
    });

    it('409 for the same (unit_type, metric_name) case-insensitively, echoing the request values', async () => {
      const first = await createOk({ metric_name: unique('Dup'), unit_type: 'TB' });
      const res = await create({ metric_name: first.metric_name.toUpperCase(), unit_type: 'tb', metric_type: 'count' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        code: 409,
        message: `There is a Metric Definition with unit type tb and name ${first.metric_name.toUpperCase()}. Its id is ${first.metric_definition_id}`,
      });
      // Another unit type with the same name is a different definition.
      expect((await create({ metric_name: first.metric_name, unit_type: 's', metric_type: 'count' })).status).toBe(201);
    });

    it('409 for concurrent creates of the same pair: exactly one wins', async () => {
      const name = unique('race');
      const results = await Promise.all(Array.from({ length: 4 }, () => create({ metric_name: name, unit_type: 'TB', metric_type: 'count' })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      const winner = results.find((r) => r.status === 201)!.body.metric_definition_id;
      for (const r of results.filter((x) => x.status !== 201)) {
        expect(r.status).toBe(409);
        expect(r.body.message).toBe(`There is a Metric Definition with unit type TB and name ${name}. Its id is ${winner}`);
      }
    });
  });

  describe('GET', () => {
    it('lists definitions in insertion order, paginated, for admins and viewers', async () => {
      const a = await createOk();
      const b = await createOk();
      const all = await s.call('GET', `${BASE}?size=100`, { token: resViewer });
      expect(all.status).toBe(200);
      const ids = (all.body.content as { metric_definition_id: string }[]).map((d) => d.metric_definition_id);
      expect(ids.indexOf(a.metric_definition_id)).toBeLessThan(ids.indexOf(b.metric_definition_id));
      const page = await s.call('GET', `${BASE}?page=2&size=1`, { token: admin });
      expect(page.body).toMatchObject({ size_of_page: 1, number_of_page: 2, total_elements: all.body.total_elements });
      expect(page.body.links.map((l: { rel: string }) => l.rel)).toEqual(['first', 'last', 'self', 'prev', 'next']);
      expect(page.body.links[2].href).toBe('http://acc.test/accounting-system/metric-definitions?page=2&size=1');
    });

    it('400 for bad paging, 403 without RES rights', async () => {
      expect((await s.call('GET', `${BASE}?page=0`, { token: resViewer })).body).toEqual({ code: 400, message: 'Page number must be >= 1.' });
      expect((await s.call('GET', `${BASE}?size=101`, { token: resViewer })).body).toEqual({
        code: 400,
        message: 'Page size must be between 1 and 100.',
      });
      expect((await s.call('GET', BASE, { token: nobody })).status).toBe(403);
    });

    it('gets one by id; 404 for an unknown or malformed id', async () => {
      const d = await createOk();
      const res = await s.call('GET', `${BASE}/${d.metric_definition_id}`, { token: resViewer });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject(d);
      for (const id of ['507f1f77bcf86cd799439011', 'not-an-id']) {
        const missing = await s.call('GET', `${BASE}/${id}`, { token: resViewer });
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual({ code: 404, message: `There is no Metric Definition with the following id: ${id}` });
      }
      expect((await s.call('GET', `${BASE}/${d.metric_definition_id}`, { token: nobody })).status).toBe(403);
    });
  });

  describe('PATCH /metric-definitions/{id}', () => {
    it('merges the given fields, ignoring empty and null values', async () => {
      const d = await createOk({ metric_description: 'old' });
      const res = await s.call('PATCH', `${BASE}/${d.metric_definition_id}`, {
        token: resAdmin,
        body: { metric_name: '', metric_description: 'new', unit_type: null, metric_type: 'Count' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...d, metric_description: 'new', metric_type: 'Count' });
    });

    it('400 for an empty body; 403 for viewers; 404 for an unknown definition', async () => {
      const d = await createOk();
      const empty = await s.call('PATCH', `${BASE}/${d.metric_definition_id}`, { token: resAdmin, headers: { 'Content-Type': 'application/json' } });
      expect(empty.body).toEqual({ code: 400, message: 'The request body is empty.' });
      expect((await s.call('PATCH', `${BASE}/${d.metric_definition_id}`, { token: resViewer, body: { metric_name: 'x' } })).status).toBe(403);
      const missing = await s.call('PATCH', `${BASE}/nope`, { token: resAdmin, body: { metric_name: 'x' } });
      expect(missing.body).toEqual({ code: 404, message: 'There is no Metric Definition with the following id: nope' });
    });

    it('404 for unknown unit and metric types, validated as on create', async () => {
      const d = await createOk();
      const unit = await s.call('PATCH', `${BASE}/${d.metric_definition_id}`, { token: resAdmin, body: { unit_type: 'Furlongs' } });
      expect(unit.body).toEqual({ code: 404, message: 'There is no unit type : Furlongs' });
      const metric = await s.call('PATCH', `${BASE}/${d.metric_definition_id}`, { token: resAdmin, body: { metric_type: 'odd' } });
      expect(metric.body).toEqual({ code: 404, message: 'There is no metric type : odd' });
    });

    it('409 when another definition has the resulting (unit_type, metric_name)', async () => {
      const a = await createOk({ unit_type: 'TB' });
      const b = await createOk({ unit_type: 's' });
      const res = await s.call('PATCH', `${BASE}/${b.metric_definition_id}`, {
        token: resAdmin,
        body: { unit_type: 'tb', metric_name: a.metric_name.toUpperCase() },
      });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        code: 409,
        message: 'The combination of unit_type and metric_name should be unique. A Metric Definition with that combination has already been created.',
      });
      // Renaming to its own pair (another case) is not a conflict.
      const self = await s.call('PATCH', `${BASE}/${a.metric_definition_id}`, {
        token: resAdmin,
        body: { metric_name: a.metric_name.toUpperCase() },
      });
      expect(self.status).toBe(200);
    });

    it('409 while a metric references it, allowed again once the metric is gone', async () => {
      const d = await createOk();
      const { metricId } = await metricChain(db(), d.metric_definition_id);
      const res = await s.call('PATCH', `${BASE}/${d.metric_definition_id}`, { token: resAdmin, body: { metric_description: 'x' } });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ code: 409, message: 'The Metric Definition cannot be updated. There is a Metric assigned to it.' });
      await deleteMetric(db(), metricId);
      expect((await s.call('PATCH', `${BASE}/${d.metric_definition_id}`, { token: resAdmin, body: { metric_description: 'x' } })).status).toBe(200);
    });
  });

  describe('DELETE /metric-definitions/{id}', () => {
    it('deletes, then 404', async () => {
      const d = await createOk();
      const res = await s.call('DELETE', `${BASE}/${d.metric_definition_id}`, { token: resAdmin });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ code: 200, message: 'Metric Definition has been deleted successfully.' });
      const again = await s.call('DELETE', `${BASE}/${d.metric_definition_id}`, { token: resAdmin });
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ code: 404, message: `There is no Metric Definition with the following id: ${d.metric_definition_id}` });
    });

    it('409 while a metric references it; 403 for viewers', async () => {
      const d = await createOk();
      await metricChain(db(), d.metric_definition_id);
      expect((await s.call('DELETE', `${BASE}/${d.metric_definition_id}`, { token: resViewer })).status).toBe(403);
      const res = await s.call('DELETE', `${BASE}/${d.metric_definition_id}`, { token: resAdmin });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ code: 409, message: 'The Metric Definition cannot be deleted. There is a Metric assigned to it.' });
    });
  });

  describe('POST /metric-definitions/search', () => {
    const search = (body: unknown, query = '', token = resViewer) =>
      s.call('POST', `${BASE}/search${query}`, { token, body, headers: { 'Content-Type': 'application/json' } });

    it('finds by an exact, case-insensitive match and pages the result', async () => {
      const tag = unique('Search');
      const a = await createOk({ metric_name: tag, unit_type: 'TB' });
      const b = await createOk({ metric_name: tag, unit_type: 's' });
      await createOk({ metric_name: `${tag}-other` });
      const res = await search(JSON.stringify({ type: 'query', field: 'metric_name', values: tag.toLowerCase(), operand: 'eq' }));
      expect(res.status).toBe(200);
      expect(res.body.content.map((d: { metric_definition_id: string }) => d.metric_definition_id)).toEqual([
        a.metric_definition_id,
        b.metric_definition_id,
      ]);
      const page2 = await search(JSON.stringify({ type: 'query', field: 'metric_name', values: tag }), '?page=2&size=1');
      expect(page2.body).toMatchObject({ size_of_page: 1, number_of_page: 2, total_elements: 2, total_pages: 2 });
      expect(page2.body.content[0].metric_definition_id).toBe(b.metric_definition_id);
      expect(page2.body.links.find((l: { rel: string }) => l.rel === 'self').href).toBe(
        'http://acc.test/accounting-system/metric-definitions/search?page=2&size=1',
      );
    });

    it('combines criteria with AND/OR filters and other operands', async () => {
      const tag = unique('Filter');
      const a = await createOk({ metric_name: tag, unit_type: 'TB', metric_type: 'count' });
      const b = await createOk({ metric_name: tag, unit_type: 's', metric_type: 'aggregated' });
      const body = {
        type: 'filter',
        operator: 'AND',
        criteria: [
          { type: 'query', field: 'metric_name', values: tag },
          {
            type: 'filter',
            operator: 'or',
            criteria: [
              { type: 'query', field: 'metric_type', values: 'COUNT' },
              { type: 'query', field: 'unit_type', values: 'nothing' },
            ],
          },
        ],
      };
      const res = await search(JSON.stringify(body));
      expect(res.body.content.map((d: { metric_definition_id: string }) => d.metric_definition_id)).toEqual([a.metric_definition_id]);
      const neq = await search(
        JSON.stringify({
          type: 'filter',
          operator: 'AND',
          criteria: [
            { type: 'query', field: 'metric_name', values: tag },
            { type: 'query', field: 'unit_type', values: 'TB', operand: 'neq' },
          ],
        }),
      );
      expect(neq.body.content.map((d: { metric_definition_id: string }) => d.metric_definition_id)).toEqual([b.metric_definition_id]);
      const byCreator = await search(
        JSON.stringify({
          type: 'filter',
          operator: 'AND',
          criteria: [
            { type: 'query', field: 'metric_name', values: tag },
            { type: 'query', field: 'creatorId', values: 'res-admin' },
          ],
        }),
      );
      expect(byCreator.body.total_elements).toBe(2);
    });

    it('treats regex metacharacters and SQL as literal text', async () => {
      const tag = unique('Lit');
      const literal = await createOk({ metric_name: `${tag}.*(a)^` });
      await createOk({ metric_name: `${tag}XX(a)^` });
      const regex = await search(JSON.stringify({ type: 'query', field: 'metric_name', values: `${tag}.*(a)^` }));
      expect(regex.body.content.map((d: { metric_definition_id: string }) => d.metric_definition_id)).toEqual([literal.metric_definition_id]);
      expect((await search(JSON.stringify({ type: 'query', field: 'metric_name', values: '.*' }))).body.total_elements).toBe(0);
      expect((await search(JSON.stringify({ type: 'query', field: 'metric_name', values: '%' }))).body.total_elements).toBe(0);
      for (const payload of ["' OR '1'='1", "x'; DROP TABLE metric_definitions; --", '") OR 1=1 --']) {
        const res = await search(JSON.stringify({ type: 'query', field: 'metric_name', values: payload }));
        expect(res.status).toBe(200);
        expect(res.body.total_elements).toBe(0);
      }
      const sqlName = await createOk({ metric_name: `${tag}' OR '1'='1` });
      const exact = await search(JSON.stringify({ type: 'query', field: 'metric_name', values: `${tag}' OR '1'='1` }));
      expect(exact.body.content.map((d: { metric_definition_id: string }) => d.metric_definition_id)).toEqual([sqlName.metric_definition_id]);
      expect((await s.call('GET', `${BASE}/${literal.metric_definition_id}`, { token: resViewer })).status).toBe(200);
    });

    it('answers the §6 messages for bad bodies, 400 for bad paging', async () => {
      const cases: [string | undefined, string][] = [
        [undefined, 'The request body is empty.'],
        ['', 'The request body is empty.'],
        ['null', 'The request body is empty.'],
        ['{"type":', 'Invalid search query: malformed JSON.'],
        ['[{"type":"query","field":"metric_name","values":"x"}]', 'Invalid search query: malformed JSON.'],
        ['5', 'Invalid search query: malformed JSON.'],
        ['"query"', 'Invalid search query: malformed JSON.'],
        ['{}', "Invalid search query: unknown type ''. Allowed types: query, filter."],
        ['{"type":"regex","field":"metric_name","values":"x"}', "Invalid search query: unknown type 'regex'. Allowed types: query, filter."],
        [
          '{"type":"query","field":"metric_name","values":"x","operand":"like"}',
          "Invalid search query: unknown operand 'like'. Allowed operands: eq, neq, lt, lte, gt, gte.",
        ],
        [
          '{"type":"filter","operator":"XOR","criteria":[{"type":"query","field":"metric_name","values":"x"}]}',
          "Invalid search query: unknown operator 'XOR'. Allowed operators: AND, OR.",
        ],
        ['{"type":"query","field":"metric_name"}', "Invalid search query: a query needs 'field' and 'values'."],
        ['{"type":"filter","operator":"AND","criteria":[]}', 'Invalid search query: a filter needs at least one criterion.'],
        [
          '{"type":"query","field":"creator_id","values":"x"}',
          "Invalid search query: unknown field 'creator_id'. Allowed fields: metric_name, metric_description, unit_type, metric_type, creatorId.",
        ],
        ['{"type":"query","field":"metric_name","values":true}', "Invalid search query: invalid value for field 'metric_name'."],
        ['{"type":"query","field":"metric_name","values":{"$regex":".*"}}', "Invalid search query: invalid value for field 'metric_name'."],
      ];
      for (const [body, message] of cases) {
        const res = await search(body);
        expect(res.status, String(body)).toBe(400);
        expect(res.body, String(body)).toEqual({ code: 400, message });
      }
      const valid = JSON.stringify({ type: 'query', field: 'metric_name', values: 'x' });
      expect((await search(valid, '?size=0')).body).toEqual({ code: 400, message: 'Page size must be between 1 and 100.' });
      expect((await search(valid, '?page=abc')).body).toEqual({ code: 400, message: 'Page number must be >= 1.' });
    });

    it('checks the content type and RES rights before the body', async () => {
      const wrong = await s.call('POST', `${BASE}/search`, { token: resViewer, body: '{', headers: { 'Content-Type': 'text/plain' } });
      expect(wrong.body).toEqual({ code: 415, message: 'Cannot consume content type.' });
      const denied = await search('{', '', nobody);
      expect(denied.body).toEqual({ code: 403, message: FORBIDDEN });
    });
  });

  describe('tRPC', () => {
    it('creates, reads and searches through /trpc/metricDefinitions.*', async () => {
      const name = unique('trpc');
      const created = await trpcCall(
        s.url,
        'mutation',
        'metricDefinitions.create',
        { metric_name: name, unit_type: 'TB', metric_type: 'count' },
        resAdmin,
      );
      expect(created.status).toBe(200);
      const id = created.body.result.data.metric_definition_id;
      const got = await trpcCall(s.url, 'query', 'metricDefinitions.get', { id }, resViewer);
      expect(got.body.result.data).toMatchObject({ metric_definition_id: id, metric_name: name });
      const found = await trpcCall(
        s.url,
        'mutation',
        'metricDefinitions.search',
        { type: 'query', field: 'metric_name', values: name, size: 5 },
        resViewer,
      );
      expect(found.body.result.data).toMatchObject({ total_elements: 1, content: [{ metric_definition_id: id }] });
    });

    it('reports errors with httpStatus and the spec message', async () => {
      const missing = await trpcCall(s.url, 'query', 'metricDefinitions.get', { id: 'nope' }, resViewer);
      expect(missing.status).toBe(404);
      expect(missing.body.error.data.httpStatus).toBe(404);
      expect(missing.body.error.message).toBe('There is no Metric Definition with the following id: nope');
      const invalid = await trpcCall(s.url, 'mutation', 'metricDefinitions.create', { unit_type: 'TB', metric_type: 'count' }, resAdmin);
      expect(invalid.body.error.data.httpStatus).toBe(400);
      expect(invalid.body.error.message).toBe('metric_name may not be empty.');
      const malformed = await trpcCall(s.url, 'mutation', 'metricDefinitions.search', 7, resViewer);
      expect(malformed.body.error.message).toBe('Invalid search query: malformed JSON.');
      const field = await trpcCall(s.url, 'mutation', 'metricDefinitions.search', { type: 'query', field: 'x', values: 1 }, resViewer);
      expect(field.body.error.message).toMatch(/^Invalid search query: unknown field 'x'\./);
      const denied = await trpcCall(s.url, 'mutation', 'metricDefinitions.delete', { id: 'nope' }, resViewer);
      expect(denied.body.error.data.httpStatus).toBe(403);
    });
  });
});
