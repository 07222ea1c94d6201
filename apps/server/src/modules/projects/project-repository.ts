import type { EntityManager } from 'typeorm';
import { ProjectEntity, type InstallationRow, type ProjectRow, type ProviderRow } from '@acc/db';
import { INSTALLATION_COLUMNS } from '../installations/installation-repository.js';
import type { SqlFragment } from '../../access/index.js';

/** Project columns under alias `pj` (the alias the §6 search fields use), named as ProjectRow names them. */
const PROJECT_COLUMNS = `pj.id, pj.acronym, pj.title, pj.start_date AS "startDate", pj.end_date AS "endDate",
  pj.call_identifier AS "callIdentifier", pj.creator_id AS "creatorId", pj.registered_on AS "registeredOn"`;

export type ProjectPatch = Partial<Pick<ProjectRow, 'acronym' | 'title' | 'startDate' | 'endDate' | 'callIdentifier'>>;

export interface AssociatedProvider {
  projectId: string;
  provider: ProviderRow;
}

export class ProjectRepository {
  constructor(private readonly m: EntityManager) {}

  /** One page of the projects matching `where` (over alias `pj`), in registration order. */
  async page(where: SqlFragment, offset: number, limit: number): Promise<[ProjectRow[], number]> {
    const n = where.params.length;
    const [{ total }] = await this.m.query<
      {
        total: number;
      }[]
    >(`SELECT count(*)::int AS total FROM projects pj WHERE ${where.sql}`, where.params);
    const rows = await this.m.query<ProjectRow[]>(
      `SELECT ${PROJECT_COLUMNS} FROM projects pj WHERE ${where.sql}
        ORDER BY pj.registered_on, pj.id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...where.params, limit, offset],
    );
    return [rows, total];
  }

  async exists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM projects WHERE id = $1', [id]);
    return rows.length > 0;
  }

  async insert(row: Omit<ProjectRow, 'registeredOn'>): Promise<ProjectRow> {
    await this.m.getRepository(ProjectEntity).insert(row);
    return (await this.m.getRepository(ProjectEntity).findOneBy({ id: row.id }))!;
  }

  async update(id: string, patch: ProjectPatch): Promise<ProjectRow> {
    if (Object.keys(patch).length > 0) await this.m.getRepository(ProjectEntity).update({ id }, patch);
    return (await this.m.getRepository(ProjectEntity).findOneBy({ id }))!;
  }

  /**
   * §2.3 cascade. Every statement matches the project id exactly (never a prefix), so a project `P1`
   * keeps everything when `P` goes (fixed vs original). Children first: the foreign keys restrict.
   */
  async deleteCascade(id: string): Promise<void> {
    const ofProject = 'SELECT i.id FROM installations i WHERE i.project_id = $1';
    await this.m.query(`DELETE FROM metrics WHERE project_id = $1 OR installation_id IN (${ofProject})`, [id]);
    await this.m.query(`DELETE FROM capacities WHERE installation_id IN (${ofProject})`, [id]);
    await this.m.query('DELETE FROM installations WHERE project_id = $1', [id]);
    await this.m.query('DELETE FROM project_providers WHERE project_id = $1', [id]);
    await this.m.query('DELETE FROM projects WHERE id = $1', [id]);
  }

  /** False when the association already existed. */
  async associate(projectId: string, providerId: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query(
      'INSERT INTO project_providers (project_id, provider_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING project_id',
      [projectId, providerId],
    );
    return rows.length > 0;
  }

  async dissociate(projectId: string, providerId: string): Promise<void> {
    await this.m.query('DELETE FROM project_providers WHERE project_id = $1 AND provider_id = $2', [projectId, providerId]);
  }

  async hasInstallations(projectId: string, providerId: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM installations WHERE project_id = $1 AND provider_id = $2 LIMIT 1', [
      projectId,
      providerId,
    ]);
    return rows.length > 0;
  }

  /** The providers associated with each project, in association order. */
  async associationsOf(projectIds: string[]): Promise<AssociatedProvider[]> {
    if (projectIds.length === 0) return [];
    const rows = await this.m.query<(ProviderRow & { projectId: string })[]>(
      `SELECT pp.project_id AS "projectId", pv.id, pv.name, pv.website, pv.abbreviation, pv.logo,
              pv.external_id AS "externalId", pv.creator_id AS "creatorId", pv.registered_on AS "registeredOn"
         FROM project_providers pp JOIN providers pv ON pv.id = pp.provider_id
        WHERE pp.project_id = ANY($1::text[])
        ORDER BY pp.associated_at, pp.provider_id`,
      [projectIds],
    );
    return rows.map(({ projectId, ...provider }) => ({ projectId, provider }));
  }

  /** The installations of the given projects, in insertion order. */
  async installationsOf(projectIds: string[]): Promise<InstallationRow[]> {
    if (projectIds.length === 0) return [];
    return await this.m.query<InstallationRow[]>(
      `SELECT ${INSTALLATION_COLUMNS} FROM installations i WHERE i.project_id = ANY($1::text[]) ORDER BY i.registered_on, i.id`,
      [projectIds],
    );
  }
}
