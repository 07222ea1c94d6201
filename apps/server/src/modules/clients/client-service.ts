import type { DataSource } from 'typeorm';
import type { ClientProject, PageQuery } from '@acc/contracts';
import { clientProjectsAccess } from '../../access/index.js';
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

  /** `GET /clients/me` (§4.1): the existing projects access lets the caller see, in registration order, paged in SQL. */
  async me(caller: Caller, q: PageQuery): Promise<{ content: ClientProject[]; total: number }> {
    const repo = new ProjectRepository(this.db.manager);
    const access = clientProjectsAccess(caller);
    const [rows, total] = await repo.page(access.where, offsetOf(q), q.size);
    const trees = await loadTrees(repo, rows);
    const content = trees.map((t) => toClientProject(t, access.grantsOn(t.project.id)));
    return { content, total };
  }
}
