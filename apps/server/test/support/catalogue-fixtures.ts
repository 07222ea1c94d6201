import { newObjectId } from '@acc/db';
import type { DataSource } from 'typeorm';
import { insertRow } from './rows.js';
import { callByPath, trpcClient } from './trpc.js';

/**
 * Rows the catalogue suites need but whose endpoints belong to other modules (projects, associations,
 * installations, metrics): written straight to the tables so these suites do not depend on them.
 */
/** The product's own id generator: ids sort in creation order, as lists expect when timestamps tie. */
export const hexId = newObjectId;

export async function insertProject(db: DataSource, id: string, acronym = `ACR-${id}`): Promise<void> {
  await insertRow(db, 'projects', { id, acronym, title: `Title ${id}` });
}

export async function insertProvider(
  db: DataSource,
  p: { id?: string; name: string; creatorId?: string; externalId?: string | null; website?: string | null },
): Promise<string> {
  const id = p.id ?? hexId();
  await insertRow(db, 'providers', {
    id,
    name: p.name,
    creator_id: p.creatorId ?? 'someone',
    external_id: p.externalId ?? null,
    website: p.website ?? null,
  });
  return id;
}

export async function associate(db: DataSource, projectId: string, providerId: string): Promise<void> {
  await insertRow(db, 'project_providers', { project_id: projectId, provider_id: providerId });
}

export async function insertResource(db: DataSource, id: string, name = `Resource ${id}`): Promise<void> {
  await insertRow(db, 'resources', { id, name, creator_id: 'someone' });
}

export async function insertInstallation(
  db: DataSource,
  i: {
    projectId: string;
    providerId: string;
    installation: string;
    infrastructure?: string | null;
    resourceId?: string | null;
    unitOfAccess?: string | null;
    externalId?: string | null;
  },
): Promise<string> {
  const id = hexId();
  await insertRow(db, 'installations', {
    id,
    project_id: i.projectId,
    provider_id: i.providerId,
    installation: i.installation,
    infrastructure: i.infrastructure ?? null,
    resource_id: i.resourceId ?? null,
    unit_of_access: i.unitOfAccess ?? null,
    external_id: i.externalId ?? null,
    creator_id: 'someone',
  });
  return id;
}

export async function insertMetric(
  db: DataSource,
  m: { installationId: string; projectId: string; providerId: string; metricDefinitionId: string },
): Promise<string> {
  const id = hexId();
  await insertRow(db, 'metrics', {
    installation_id: m.installationId,
    id,
    metric_definition_id: m.metricDefinitionId,
    time_period_start: '2024-01-01T00:00:00Z',
    time_period_end: '2024-01-02T00:00:00Z',
    value: 1,
    project_id: m.projectId,
    provider_id: m.providerId,
    resource_id: `${m.projectId}.${m.providerId}.${m.installationId}`,
  });
  return id;
}

export async function deleteMetric(db: DataSource, id: string): Promise<void> {
  await db.query('DELETE FROM metrics WHERE id = $1', [id]);
}

/** A metric needs an installation, which needs a project-provider association: builds the whole chain. */
export async function metricChain(db: DataSource, metricDefinitionId: string): Promise<{ metricId: string; installationId: string }> {
  const projectId = `P${hexId().slice(-8)}`;
  await insertProject(db, projectId);
  const providerId = await insertProvider(db, { name: `prov-${hexId()}` });
  await associate(db, projectId, providerId);
  const installationId = await insertInstallation(db, { projectId, providerId, installation: `inst-${hexId()}` });
  const metricId = await insertMetric(db, { installationId, projectId, providerId, metricDefinitionId });
  return { metricId, installationId };
}

/** A tRPC call through the typed client (`support/trpc.ts`). */
export async function trpcCall(
  baseUrl: string,
  kind: 'query' | 'mutation',
  path: string,
  input: unknown,
  token?: string,
): Promise<{ status: number; body: any }> {
  return callByPath(trpcClient(baseUrl, token), kind, path, input);
}
