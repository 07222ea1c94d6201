import type { DataSource, EntityManager } from 'typeorm';
import { runPrepared, type NamedStatement } from '@acc/db';
import type { ValidMetric } from './metric-rules.js';

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

/**
 * The push's INSERT when its target came from the cache (push-target-cache.ts): the installation's and
 * project's fields are copied from their rows inside the statement, and it inserts nothing unless the
 * installation still exists with the project and provider access was decided on — and, named by external
 * id, is still that id's first registered installation (§4.6). The definition is checked by its foreign
 * key. Named, so PostgreSQL plans it once per connection. `$1…$8`: the metric and its creator.
 */
const insertChecked = (name: string, installation: string): NamedStatement => ({
  name,
  text: `
  INSERT INTO metrics (id, metric_definition_id, time_period_start, time_period_end, value, group_id, user_id, creator_id,
                       installation_id, project_id, provider_id, project_acronym, installation_name, infrastructure, resource, resource_id)
  SELECT $1::text, $2::text, $3::timestamptz, $4::timestamptz, $5::float8, $6::text, $7::text, $8::text,
         i.id, i.project_id, i.provider_id, p.acronym, i.installation, i.infrastructure, i.resource_id,
         i.project_id || '.' || i.provider_id || '.' || i.id
    FROM installations i JOIN projects p ON p.id = i.project_id
   WHERE i.id = $9::text AND i.project_id = $10::text AND i.provider_id = $11::text${installation}
  RETURNING id`,
});

const INSERT_BY_ID = insertChecked('acc_push_checked_by_id', '');
const INSERT_BY_EXTERNAL_ID = insertChecked(
  'acc_push_checked_by_external_id',
  ' AND i.id = (SELECT id FROM installations WHERE external_id = $12::text ORDER BY registered_on, id LIMIT 1)',
);

/** True when the metric was stored; false when the remembered installation no longer holds (nothing stored). */
export async function insertIfTargetHolds(
  db: DataSource,
  ref: InstallationRef,
  installation: { id: string; projectId: string; providerId: string },
  metric: ValidMetric & { id: string },
  creatorId: string,
): Promise<boolean> {
  const values: unknown[] = [
    metric.id,
    metric.metricDefinitionId,
    metric.timePeriodStart,
    metric.timePeriodEnd,
    metric.value,
    metric.groupId,
    metric.userId,
    creatorId,
    installation.id,
    installation.projectId,
    installation.providerId,
  ];
  const statement = 'installationId' in ref ? INSERT_BY_ID : INSERT_BY_EXTERNAL_ID;
  if (!('installationId' in ref)) values.push(ref.externalId);
  const rows = await runPrepared<{ id: string }>(db, statement, values);
  return rows.length === 1;
}
