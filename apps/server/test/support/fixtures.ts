import { newObjectId } from '@acc/db';
import type { DataSource } from 'typeorm';
import type { TestServer } from './server.js';
import { ent } from './issuer.js';
import { callByPath, trpcClient } from './trpc.js';

/**
 * Catalogue rows the metric, capacity and report suites stand on, written straight to the tables so
 * these suites do not depend on the project, provider, installation or definition endpoints.
 */
/** The product's own id generator: ids sort in creation order, as lists expect when timestamps tie. */
export const objectId = newObjectId;

export interface InstallationFixture {
  id: string;
  projectId: string;
  providerId: string;
  installation: string;
  externalId: string | null;
}

export class Fixtures {
  constructor(private readonly db: DataSource) {}

  static of(server: TestServer) {
    return new Fixtures(server.app.database.dataSource);
  }

  async project(id: string, p: Partial<{ acronym: string; title: string; startDate: string; endDate: string; callIdentifier: string }> = {}) {
    await this.db.query(
      'INSERT INTO projects (id, acronym, title, start_date, end_date, call_identifier, creator_id) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        id,
        p.acronym ?? `ACR-${id}`,
        p.title ?? `Title ${id}`,
        p.startDate ?? '2023-01-01',
        p.endDate ?? '2026-12-31',
        p.callIdentifier ?? 'HORIZON',
        'seed',
      ],
    );
    return id;
  }

  async provider(id: string, p: Partial<{ name: string; externalId: string | null; website: string; abbreviation: string; logo: string }> = {}) {
    await this.db.query(
      'INSERT INTO providers (id, name, website, abbreviation, logo, external_id, creator_id) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        id,
        p.name ?? `Provider ${id}`,
        p.website ?? null,
        p.abbreviation ?? null,
        p.logo ?? null,
        p.externalId === undefined ? `ext-${id}` : p.externalId,
        'seed',
      ],
    );
    return id;
  }

  async associate(projectId: string, providerId: string) {
    await this.db.query('INSERT INTO project_providers (project_id, provider_id) VALUES ($1, $2)', [projectId, providerId]);
  }

  async resource(id: string) {
    await this.db.query('INSERT INTO resources (id, name, creator_id) VALUES ($1, $2, $3)', [id, `Resource ${id}`, 'seed']);
    return id;
  }

  async installation(
    projectId: string,
    providerId: string,
    i: Partial<{ id: string; installation: string; infrastructure: string | null; resourceId: string | null; externalId: string | null }> = {},
  ): Promise<InstallationFixture> {
    const id = i.id ?? objectId();
    const installation = i.installation ?? `INST-${id.slice(-6)}`;
    const externalId = i.externalId === undefined ? `ext-${id}` : i.externalId;
    await this.db.query(
      `INSERT INTO installations (id, project_id, provider_id, installation, infrastructure, resource_id, external_id, creator_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'seed')`,
      [id, projectId, providerId, installation, i.infrastructure === undefined ? 'infra' : i.infrastructure, i.resourceId ?? null, externalId],
    );
    return { id, projectId, providerId, installation, externalId };
  }

  async definition(d: Partial<{ id: string; metricName: string; metricDescription: string | null; unitType: string; metricType: string }> = {}) {
    const id = d.id ?? objectId();
    await this.db.query(
      'INSERT INTO metric_definitions (id, metric_name, metric_description, unit_type, metric_type, creator_id) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        id,
        d.metricName ?? `metric-${id.slice(-6)}`,
        d.metricDescription === undefined ? 'a metric' : d.metricDescription,
        d.unitType ?? 'TB',
        d.metricType ?? 'aggregated',
        'seed',
      ],
    );
    return id;
  }

  /** A metric row with the §2.1 copies, bypassing the push rules (reports need arbitrary windows). */
  async metric(
    inst: InstallationFixture,
    definitionId: string,
    start: string,
    end: string,
    value: number,
    owner: { groupId?: string; userId?: string } = {},
  ): Promise<string> {
    const id = objectId();
    await this.db.query(
      `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, value, group_id, user_id, creator_id,
                            project_id, provider_id, project_acronym, installation_name, resource_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'seed', $9, $10, $11, $12, $13)`,
      [
        inst.id,
        id,
        definitionId,
        start,
        end,
        value,
        owner.groupId ?? null,
        owner.userId ?? null,
        inst.projectId,
        inst.providerId,
        `ACR-${inst.projectId}`,
        inst.installation,
        `${inst.projectId}.${inst.providerId}.${inst.id}`,
      ],
    );
    return id;
  }

  async capacity(installationId: string, definitionId: string, value: string, registeredOn: string) {
    const id = objectId();
    await this.db.query(
      'INSERT INTO capacities (installation_id, id, metric_definition_id, value, registered_on) VALUES ($1, $2, $3, $4::numeric, $5)',
      [installationId, id, definitionId, value, registeredOn],
    );
    return id;
  }

  count(table: 'metrics' | 'capacities' | 'idempotency_keys'): Promise<number> {
    return this.db.query(`SELECT count(*)::int AS n FROM ${table}`).then((rows: { n: number }[]) => rows[0].n);
  }
}

/** A project P with provider `prov` associated and one installation: the usual stage of these suites. */
export async function stage(f: Fixtures, projectId = 'P1', providerId = 'prov1') {
  await f.project(projectId);
  await f.provider(providerId);
  await f.associate(projectId, providerId);
  const inst = await f.installation(projectId, providerId);
  const def = await f.definition();
  return { projectId, providerId, inst, def };
}

/** A bearer token carrying the given entitlements (`ent('role=admin')` etc.). */
export const tokenWith = (server: TestServer, ...entitlements: string[]) => server.issuer.token({ entitlements });
export const adminToken = (server: TestServer) => tokenWith(server, ent('role=admin'));

/** A tRPC call through the typed client (`support/trpc.ts`); per-call headers such as an Idempotency-Key. */
export async function trpc(
  server: TestServer,
  kind: 'query' | 'mutation',
  procedure: string,
  input: unknown,
  token: string,
  headers: Record<string, string> = {},
) {
  return callByPath(trpcClient(server.url, token, headers), kind, procedure, input);
}
