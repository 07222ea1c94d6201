import type { EntityManager } from 'typeorm';

/** What a single push needs from the database besides the INSERT: rule 2 and the installation with its project. */
export interface PushTarget {
  definitionExists: boolean;
  /** Absent when no installation has the id (or external id). */
  installation?: {
    id: string;
    projectId: string;
    providerId: string;
    installation: string;
    infrastructure: string | null;
    resourceId: string | null;
    /** Null only if the project row were missing, which the foreign key forbids. */
    projectAcronym: string | null;
  };
}

/** Which installation a push names: by id (path) or by external id (query). */
export type InstallationRef = { installationId: string } | { externalId: string };

interface Row {
  definition_exists: boolean;
  id: string | null;
  project_id: string;
  provider_id: string;
  installation: string;
  infrastructure: string | null;
  resource_id: string | null;
  project_acronym: string | null;
}

// Always one row: the definition's existence is known even when the installation is not.
const select = (installation: string) => `
  SELECT EXISTS (SELECT 1 FROM metric_definitions WHERE id = $1::text) AS definition_exists,
         i.id, i.project_id, i.provider_id, i.installation, i.infrastructure, i.resource_id, p.acronym AS project_acronym
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (${installation}) i ON true
    LEFT JOIN projects p ON p.id = i.project_id`;

const BY_ID = select('SELECT * FROM installations WHERE id = $2');
// Several installations may share an external id across projects: the first registered wins (§4.6).
const BY_EXTERNAL_ID = select('SELECT * FROM installations WHERE external_id = $2 ORDER BY registered_on, id LIMIT 1');

/**
 * The definition check (§4.7 rule 2), the installation and its project's acronym in ONE statement, so a
 * push costs this and its INSERT. `definitionId` undefined: no definition is looked up (the request
 * already failed rule 1).
 */
export async function pushTarget(m: EntityManager, definitionId: string | undefined, ref: InstallationRef): Promise<PushTarget> {
  const [sql, key] = 'installationId' in ref ? [BY_ID, ref.installationId] : [BY_EXTERNAL_ID, ref.externalId];
  const rows: Row[] = await m.query(sql, [definitionId ?? null, key]);
  const row = rows[0];
  if (!row?.id) return { definitionExists: row?.definition_exists === true };
  return {
    definitionExists: row.definition_exists === true,
    installation: {
      id: row.id,
      projectId: row.project_id,
      providerId: row.provider_id,
      installation: row.installation,
      infrastructure: row.infrastructure,
      resourceId: row.resource_id,
      projectAcronym: row.project_acronym,
    },
  };
}
