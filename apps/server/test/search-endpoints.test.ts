import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/database.js';
import { ent } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

/** Every `POST …/search` shares one parser and one SQL translator: prove the contract on each of them. */
const endpoints: [string, string][] = [
  ['/metric-definitions/search', 'metric_name'],
  ['/providers/search', 'name'],
  ['/projects/search', 'acronym'],
  ['/installations/search', 'installation'],
  ['/metrics/search', 'installation'],
];

const payloads = ["' OR 1=1 --", '"; DROP TABLE metrics; --', '.+', '%', '_', '^a', '(', '\\', "a'||'b"];

describe.each(backends)('search endpoints on %s', (backend) => {
  let s: TestServer;
  let admin: string;

  beforeAll(async () => {
    s = await startTestServer(backend);
    admin = await s.issuer.token({ sub: 'admin', entitlements: [ent('role=admin')] });
    const m = s.app.database.dataSource;
    // One row per collection whose searched value is a metacharacter-laden literal, plus a decoy.
    await m.query(
      `INSERT INTO metric_definitions (id, metric_name, unit_type, metric_type) VALUES ('md1', '.*', 'TB', 'count'), ('md2', 'plain', 'TB', 'count')`,
    );
    await m.query(`INSERT INTO projects (id, acronym) VALUES ('p1', '.*'), ('p2', 'plain')`);
    await m.query(`INSERT INTO providers (id, name) VALUES ('pv1', '.*'), ('pv2', 'plain')`);
    await m.query(`INSERT INTO project_providers (project_id, provider_id) VALUES ('p1', 'pv1'), ('p2', 'pv2')`);
    await m.query(
      `INSERT INTO installations (id, project_id, provider_id, installation) VALUES ('i1', 'p1', 'pv1', '.*'), ('i2', 'p2', 'pv2', 'plain')`,
    );
    await m.query(
      `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, value, project_id, provider_id, installation_name, resource_id)
       VALUES ('i1', 'm1', 'md1', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', 1, 'p1', 'pv1', '.*', 'p1.pv1.i1'),
              ('i2', 'm2', 'md2', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', 2, 'p2', 'pv2', 'plain', 'p2.pv2.i2')`,
    );
  });
  afterAll(() => s.close());

  const search = (path: string, body: unknown, headers?: Record<string, string>) =>
    s.call('POST', `/accounting-system${path}?page=1&size=10`, { token: admin, body, headers });

  describe.each(endpoints)('%s', (path, field) => {
    it('answers 415, then the empty and malformed body messages', async () => {
      expect((await search(path, '{}', { 'Content-Type': 'text/plain' })).status).toBe(415);
      expect((await search(path, '', { 'Content-Type': 'application/json' })).body).toEqual({ code: 400, message: 'The request body is empty.' });
      expect((await search(path, '[1]')).body).toEqual({ code: 400, message: 'Invalid search query: malformed JSON.' });
      const unknown = await search(path, { type: 'query', field: 'nope', values: 'x' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toMatch(/^Invalid search query: unknown field 'nope'\. Allowed fields: /);
    });

    it('matches metacharacters literally and injection payloads not at all', async () => {
      const literal = await search(path, { type: 'query', field, values: '.*', operand: 'eq' });
      expect(literal.status).toBe(200);
      expect(literal.body.total_elements).toBe(1);
      for (const value of payloads) {
        const r = await search(path, { type: 'query', field, values: value });
        expect(r.status, value).toBe(200);
        expect(r.body.total_elements, value).toBe(0);
      }
      // Both rows are still there.
      const all = await search(path, {
        type: 'filter',
        operator: 'OR',
        criteria: [
          { type: 'query', field, values: '.*' },
          { type: 'query', field, values: 'PLAIN' },
        ],
      });
      expect(all.body.total_elements).toBe(2);
    });
  });
});
