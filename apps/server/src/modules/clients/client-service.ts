import type { DataSource } from 'typeorm';
import type { ClientProject, PageQuery } from '@acc/contracts';
import type { Caller } from '../../auth/caller.js';
import { offsetOf } from '../../paging.js';
import { ProjectRepository } from '../projects/project-repository.js';
import { loadTrees } from '../projects/project-tree.js';
import { ClientRepository } from './client-repository.js';
import { toClientProject } from './client-projects.js';

export class ClientService {
  constructor(private readonly db: DataSource) {}

  register(caller: Caller): Promise<void> {
    return new ClientRepository(this.db.manager).registerActor({ oidcId: caller.id, issuer: caller.issuer, name: caller.name, email: caller.email });
  }

  /**
   * `GET /clients/me` (§4.1): every project for a bypass caller; otherwise the existing projects its
   * grants name, in registration order, paged in SQL.
   */
  async me(caller: Caller, q: PageQuery): Promise<{ content: ClientProject[]; total: number }> {
    const repo = new ProjectRepository(this.db.manager);
    const bypass = caller.policy.bypass;
    const grants = bypass ? [] : caller.policy.grants();
    const where = bypass
      ? { sql: 'TRUE', params: [] }
      : { sql: 'pj.id = ANY($1::text[])', params: [[...new Set(grants.map((g) => g.projectId))]] };
    const [rows, total] = await repo.page(where, offsetOf(q), q.size);
    const trees = await loadTrees(repo, rows);
    const content = trees.map((t) => toClientProject(t, bypass ? 'project' : grants.filter((g) => g.projectId === t.project.id)));
    return { content, total };
  }
}
