import type { EntityManager } from 'typeorm';
import { InstallationEntity, ProjectEntity, ProviderEntity, type InstallationRow, type ProjectRow, type ProviderRow } from '@acc/db';

/** Lookups of the project → provider → installation hierarchy that access decisions need. */
export class HierarchyRepository {
  constructor(private readonly m: EntityManager) {}

  findProject(id: string): Promise<ProjectRow | null> {
    return this.m.getRepository(ProjectEntity).findOneBy({ id });
  }

  findProvider(id: string): Promise<ProviderRow | null> {
    return this.m.getRepository(ProviderEntity).findOneBy({ id });
  }

  findProviderByExternalId(externalId: string): Promise<ProviderRow | null> {
    return this.m.getRepository(ProviderEntity).findOneBy({ externalId });
  }

  async isAssociated(projectId: string, providerId: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM project_providers WHERE project_id = $1 AND provider_id = $2', [projectId, providerId]);
    return rows.length > 0;
  }

  findInstallation(id: string): Promise<InstallationRow | null> {
    return this.m.getRepository(InstallationEntity).findOneBy({ id });
  }

  /** Several installations may share an external id across projects: the first registered wins (§4.6). */
  findInstallationByExternalId(externalId: string): Promise<InstallationRow | null> {
    return this.m.getRepository(InstallationEntity).findOne({ where: { externalId }, order: { registeredOn: 'ASC', id: 'ASC' } });
  }
}
