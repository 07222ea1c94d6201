import type { EntityManager } from 'typeorm';
import { InstallationEntity, type CapacityRow, type InstallationRow, type MetricDefinitionRow } from '@acc/db';
import type { SqlFragment } from '../../access/index.js';

/** Installation columns under alias `i`, named as InstallationRow names them. */
export const INSTALLATION_COLUMNS = `i.id, i.project_id AS "projectId", i.provider_id AS "providerId", i.installation,
  i.infrastructure, i.resource_id AS "resourceId", i.unit_of_access AS "unitOfAccess", i.external_id AS "externalId",
  i.creator_id AS "creatorId", i.registered_on AS "registeredOn"`;

const DEFINITION_COLUMNS = `md.id, md.metric_name AS "metricName", md.metric_description AS "metricDescription",
  md.unit_type AS "unitType", md.metric_type AS "metricType", md.creator_id AS "creatorId", md.created_at AS "createdAt"`;

export type InstallationPatch = Partial<Pick<InstallationRow, 'installation' | 'infrastructure' | 'resourceId' | 'unitOfAccess'>>;

export class InstallationRepository {
  constructor(private readonly m: EntityManager) {}

  /** One page of the installations matching `where` (over alias `i`), in insertion order. */
  async page(where: SqlFragment, offset: number, limit: number): Promise<[InstallationRow[], number]> {
    const n = where.params.length;
    const [{ total }] = await this.m.query<
      {
        total: number;
      }[]
    >(`SELECT count(*)::int AS total FROM installations i WHERE ${where.sql}`, where.params);
    const rows = await this.m.query<InstallationRow[]>(
      `SELECT ${INSTALLATION_COLUMNS} FROM installations i WHERE ${where.sql}
        ORDER BY i.registered_on, i.id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...where.params, limit, offset],
    );
    return [rows, total];
  }

  /** The same name within a (project, provider), compared case-insensitively like the unique index. */
  async findByName(projectId: string, providerId: string, name: string): Promise<InstallationRow | null> {
    const rows = await this.m.query<InstallationRow[]>(
      `SELECT ${INSTALLATION_COLUMNS} FROM installations i
        WHERE i.project_id = $1 AND i.provider_id = $2 AND lower(i.installation) = lower($3) LIMIT 1`,
      [projectId, providerId, name],
    );
    return rows[0] ?? null;
  }

  async externalIdTaken(projectId: string, providerId: string, externalId: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query(
      'SELECT 1 FROM installations WHERE project_id = $1 AND provider_id = $2 AND external_id = $3 LIMIT 1',
      [projectId, providerId, externalId],
    );
    return rows.length > 0;
  }

  async definitionExists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM metric_definitions WHERE id = $1', [id]);
    return rows.length > 0;
  }

  async resourceExists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM resources WHERE id = $1', [id]);
    return rows.length > 0;
  }

  /** The update/delete lock of §4.6 holds only while this is true. */
  async hasMetrics(id: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM metrics WHERE installation_id = $1 LIMIT 1', [id]);
    return rows.length > 0;
  }

  async insert(row: Omit<InstallationRow, 'registeredOn'>): Promise<InstallationRow> {
    await this.m.getRepository(InstallationEntity).insert(row);
    return (await this.m.getRepository(InstallationEntity).findOneBy({ id: row.id }))!;
  }

  async update(id: string, patch: InstallationPatch): Promise<InstallationRow> {
    if (Object.keys(patch).length > 0) await this.m.getRepository(InstallationEntity).update({ id }, patch);
    return (await this.m.getRepository(InstallationEntity).findOneBy({ id }))!;
  }

  /** Capacities go with their installation (§2.3). */
  async delete(id: string): Promise<void> {
    await this.m.query('DELETE FROM capacities WHERE installation_id = $1', [id]);
    await this.m.query('DELETE FROM installations WHERE id = $1', [id]);
  }

  async definitions(ids: string[]): Promise<MetricDefinitionRow[]> {
    if (ids.length === 0) return [];
    return await this.m.query<MetricDefinitionRow[]>(`SELECT ${DEFINITION_COLUMNS} FROM metric_definitions md WHERE md.id = ANY($1::text[])`, [ids]);
  }

  async capacities(installationIds: string[]): Promise<CapacityRow[]> {
    if (installationIds.length === 0) return [];
    return await this.m.query<CapacityRow[]>(
      `SELECT c.installation_id AS "installationId", c.id, c.metric_definition_id AS "metricDefinitionId", c.value,
              c.registered_on AS "registeredOn", c.creator_id AS "creatorId", c.created_at AS "createdAt"
         FROM capacities c WHERE c.installation_id = ANY($1::text[]) ORDER BY c.created_at, c.id`,
      [installationIds],
    );
  }

  /**
   * One page of the distinct definitions used by the metrics matching `metrics` (over alias `m`), in the
   * definitions' insertion order.
   */
  async usedDefinitions(metrics: SqlFragment, offset: number, limit: number): Promise<[MetricDefinitionRow[], number]> {
    const n = metrics.params.length;
    const used = `EXISTS (SELECT 1 FROM metrics m WHERE m.metric_definition_id = md.id AND ${metrics.sql})`;
    const [{ total }] = await this.m.query<
      {
        total: number;
      }[]
    >(`SELECT count(*)::int AS total FROM metric_definitions md WHERE ${used}`, metrics.params);
    const rows = await this.m.query<MetricDefinitionRow[]>(
      `SELECT ${DEFINITION_COLUMNS} FROM metric_definitions md WHERE ${used}
        ORDER BY md.created_at, md.id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...metrics.params, limit, offset],
    );
    return [rows, total];
  }
}
