import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { newObjectId } from '@acc/db';
import type { TestServer } from './support/server.js';

/**
 * Rows other modules own (providers, definitions, resources, metrics, capacities), written straight to
 * the database so the project/installation/client suites depend only on their own endpoints.
 */
export const seed = (s: TestServer) => {
  const db: DataSource = s.app.database.dataSource;
  return {
    db,
    provider: async (id: string, extra: { name?: string; externalId?: string; website?: string } = {}) => {
      await db.query('INSERT INTO providers (id, name, external_id, website, creator_id) VALUES ($1, $2, $3, $4, $5)', [
        id,
        extra.name ?? `Provider ${id}`,
        extra.externalId ?? `ext-${id}`,
        extra.website ?? null,
        'seed',
      ]);
      return id;
    },
    definition: async (name: string) => {
      const id = newObjectId();
      await db.query(
        'INSERT INTO metric_definitions (id, metric_name, metric_description, unit_type, metric_type, creator_id) VALUES ($1, $2, $3, $4, $5, $6)',
        [id, name, `${name} description`, 'TB', 'aggregated', 'seed'],
      );
      return id;
    },
    resource: async (id: string) => {
      await db.query('INSERT INTO resources (id, name) VALUES ($1, $2)', [id, `Resource ${id}`]);
      return id;
    },
    /** A metric of an installation, with the §2.1 denormalised fields copied from it. */
    metric: async (installationId: string, definitionId: string) => {
      const [i] = await db.query<
        {
          project_id: string;
          provider_id: string;
          installation: string;
          infrastructure: string | null;
          resource_id: string | null;
          acronym: string;
        }[]
      >(
        `SELECT i.project_id, i.provider_id, i.installation, i.infrastructure, i.resource_id, p.acronym
           FROM installations i JOIN projects p ON p.id = i.project_id WHERE i.id = $1`,
        [installationId],
      );
      const id = newObjectId();
      await db.query(
        `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, value, project_id, provider_id,
                              project_acronym, installation_name, infrastructure, resource, resource_id)
         VALUES ($1, $2, $3, '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', 1, $4, $5, $6, $7, $8, $9, $10)`,
        [
          installationId,
          id,
          definitionId,
          i.project_id,
          i.provider_id,
          i.acronym,
          i.installation,
          i.infrastructure,
          i.resource_id,
          `${i.project_id}.${i.provider_id}.${installationId}`,
        ],
      );
      return id;
    },
    capacity: async (installationId: string, definitionId: string, value: string, registeredOn: string) => {
      const id = newObjectId();
      await db.query('INSERT INTO capacities (installation_id, id, metric_definition_id, value, registered_on) VALUES ($1, $2, $3, $4, $5)', [
        installationId,
        id,
        definitionId,
        value,
        registeredOn,
      ]);
      return id;
    },
    count: async (table: string, where: string, params: unknown[]) => {
      const [{ n }] = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
      return n;
    },
  };
};

export interface OpenAireStub {
  url: string;
  /** grantID values asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** The §4.5 OpenAIRE answer for one project; `fields` override the `$` values. */
export const openAireProject = (code: string, fields: Partial<Record<string, string>> = {}) => ({
  response: {
    header: { total: { $: 1 } },
    results: {
      result: [
        {
          metadata: {
            'oaf:entity': {
              'oaf:project': Object.fromEntries(
                Object.entries({
                  code,
                  acronym: `ACR-${code}`,
                  title: `Title of ${code}`,
                  startdate: '2018-01-01',
                  enddate: '2020-12-31',
                  callidentifier: 'H2020-EINFRA-2017',
                  ...fields,
                })
                  .filter(([, v]) => v !== undefined)
                  .map(([k, v]) => [k, { $: v }]),
              ),
            },
          },
        },
      ],
    },
  },
});

/**
 * A local OpenAIRE on 127.0.0.1: `known` maps a grant id to its JSON answer (or an HTTP status to fail
 * with); any other id gets OpenAIRE's "no results" answer.
 */
export async function startOpenAire(known: Record<string, unknown>): Promise<OpenAireStub> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/search/projects' || url.searchParams.get('format') !== 'json') {
      res.writeHead(404).end();
      return;
    }
    const id = url.searchParams.get('grantID') ?? '';
    requests.push(id);
    const answer = Object.hasOwn(known, id) ? known[id] : { response: { header: { total: { $: 0 } }, results: null } };
    if (typeof answer === 'number') {
      res.writeHead(answer, { 'Content-Type': 'text/plain' }).end('failure');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(typeof answer === 'string' ? answer : JSON.stringify(answer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
