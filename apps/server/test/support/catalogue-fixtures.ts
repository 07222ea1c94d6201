import { newObjectId } from '@acc/db';
import type { DataSource } from 'typeorm';
import { callByPath, trpcClient } from './trpc.js';

/**
 * Rows the catalogue suites need but whose endpoints belong to other modules (projects, associations,
 * installations, metrics): written straight to the tables so these suites do not depend on them.
 */
/** The product's own id generator: ids sort in creation order, as lists expect when timestamps tie. */
export const hexId = newObjectId;

export async function insertProject(db: DataSource, id: string, acronym = `ACR-${id}`): Promise<void> {
  await db.query('INSERT INTO projects (id, acronym, title) VALUES ($1, $2, $3)', [id, acronym, `Title ${id}`]);
}

export async function insertProvider(
  db: DataSource,
  p: { id?: string; name: string; creatorId?: string; externalId?: string | null; website?: string | null },
): Promise<string> {
  const id = p.id ?? hexId();
  await db.query('INSERT INTO providers (id, name, creator_id, external_id, website) VALUES ($1, $2, $3, $4, $5)', [
    id,
    p.name,
    p.creatorId ?? 'someone',
    p.externalId ?? null,
    p.website ?? null,
  ]);
  return id;
}

export async function associate(db: DataSource, projectId: string, providerId: string): Promise<void> {
  await db.query('INSERT INTO project_providers (project_id, provider_id) VALUES ($1, $2)', [projectId, providerId]);
}

export async function insertResource(db: DataSource, id: string, name = `Resource ${id}`): Promise<void> {
  await db.query('INSERT INTO resources (id, name, creator_id) VALUES ($1, $2, $3)', [id, name, 'someone']);
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
  await db.query(
    `INSERT INTO installations (id, project_id, provider_id, installation, infrastructure, resource_id, unit_of_access, external_id, creator_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'someone')`,
    [id, i.projectId, i.providerId, i.installation, i.infrastructure ?? null, i.resourceId ?? null, i.unitOfAccess ?? null, i.externalId ?? null],
  );
  return id;
}

export async function insertMetric(
  db: DataSource,
  m: { installationId: string; projectId: string; providerId: string; metricDefinitionId: string },
): Promise<string> {
  const id = hexId();
  await db.query(
    `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, value, project_id, provider_id, resource_id)
     VALUES ($1, $2, $3, '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', 1, $4, $5, $6)`,
    [m.installationId, id, m.metricDefinitionId, m.projectId, m.providerId, `${m.projectId}.${m.providerId}.${m.installationId}`],
  );
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
