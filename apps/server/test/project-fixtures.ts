import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { newObjectId } from '@acc/db';
import { insertRow } from './support/rows.js';
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
      await insertRow(db, 'providers', {
        id,
        name: extra.name ?? `Provider ${id}`,
        external_id: extra.externalId ?? `ext-${id}`,
        website: extra.website ?? null,
        creator_id: 'seed',
      });
      return id;
    },
    definition: async (name: string) => {
      const id = newObjectId();
      await insertRow(db, 'metric_definitions', {
        id,
        metric_name: name,
        metric_description: `${name} description`,
        unit_type: 'TB',
        metric_type: 'aggregated',
        creator_id: 'seed',
      });
      return id;
    },
    resource: async (id: string) => {
      await insertRow(db, 'resources', { id, name: `Resource ${id}` });
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
      await insertRow(db, 'metrics', {
        installation_id: installationId,
        id,
        metric_definition_id: definitionId,
        time_period_start: '2024-01-01T00:00:00Z',
        time_period_end: '2024-01-02T00:00:00Z',
        value: 1,
        project_id: i.project_id,
        provider_id: i.provider_id,
        project_acronym: i.acronym,
        installation_name: i.installation,
        infrastructure: i.infrastructure,
        resource: i.resource_id,
        resource_id: `${i.project_id}.${i.provider_id}.${installationId}`,
      });
      return id;
    },
    capacity: async (installationId: string, definitionId: string, value: string, registeredOn: string) => {
      const id = newObjectId();
      await insertRow(db, 'capacities', {
        installation_id: installationId,
        id,
        metric_definition_id: definitionId,
        value,
        registered_on: registeredOn,
      });
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
