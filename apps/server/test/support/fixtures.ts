import { newObjectId } from '@acc/db';
import type { DataSource } from 'typeorm';
import type { TestServer } from './server.js';
import { ent } from './issuer.js';
import { insertRow } from './rows.js';
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
    await insertRow(this.db, 'projects', {
      id,
      acronym: p.acronym ?? `ACR-${id}`,
      title: p.title ?? `Title ${id}`,
      start_date: p.startDate ?? '2023-01-01',
      end_date: p.endDate ?? '2026-12-31',
      call_identifier: p.callIdentifier ?? 'HORIZON',
      creator_id: 'seed',
    });
    return id;
  }

  async provider(id: string, p: Partial<{ name: string; externalId: string | null; website: string; abbreviation: string; logo: string }> = {}) {
    await insertRow(this.db, 'providers', {
      id,
      name: p.name ?? `Provider ${id}`,
      website: p.website ?? null,
      abbreviation: p.abbreviation ?? null,
      logo: p.logo ?? null,
      external_id: p.externalId === undefined ? `ext-${id}` : p.externalId,
      creator_id: 'seed',
    });
    return id;
  }

  async associate(projectId: string, providerId: string) {
    await insertRow(this.db, 'project_providers', { project_id: projectId, provider_id: providerId });
  }

  async resource(id: string) {
    await insertRow(this.db, 'resources', { id, name: `Resource ${id}`, creator_id: 'seed' });
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
    await insertRow(this.db, 'installations', {
      id,
      project_id: projectId,
      provider_id: providerId,
      installation,
      infrastructure: i.infrastructure === undefined ? 'infra' : i.infrastructure,
      resource_id: i.resourceId ?? null,
      external_id: externalId,
      creator_id: 'seed',
    });
    return { id, projectId, providerId, installation, externalId };
  }

  async definition(d: Partial<{ id: string; metricName: string; metricDescription: string | null; unitType: string; metricType: string }> = {}) {
    const id = d.id ?? objectId();
    await insertRow(this.db, 'metric_definitions', {
      id,
      metric_name: d.metricName ?? `metric-${id.slice(-6)}`,
      metric_description: d.metricDescription === undefined ? 'a metric' : d.metricDescription,
      unit_type: d.unitType ?? 'TB',
      metric_type: d.metricType ?? 'aggregated',
      creator_id: 'seed',
    });
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
    await insertRow(this.db, 'metrics', {
      installation_id: inst.id,
      id,
      metric_definition_id: definitionId,
      time_period_start: start,
      time_period_end: end,
      value,
      group_id: owner.groupId ?? null,
      user_id: owner.userId ?? null,
      creator_id: 'seed',
      project_id: inst.projectId,
      provider_id: inst.providerId,
      project_acronym: `ACR-${inst.projectId}`,
      installation_name: inst.installation,
      resource_id: `${inst.projectId}.${inst.providerId}.${inst.id}`,
    });
    return id;
  }

  async capacity(installationId: string, definitionId: string, value: string, registeredOn: string) {
    const id = objectId();
    await insertRow(this.db, 'capacities', {
      installation_id: installationId,
      id,
      metric_definition_id: definitionId,
      value,
      registered_on: registeredOn,
    });
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
