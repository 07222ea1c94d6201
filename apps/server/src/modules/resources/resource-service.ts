import type { DataSource, EntityManager } from 'typeorm';
import { resourceMessages as m, type PageQuery } from '@acc/contracts';
import type { ResourceRow } from '@acc/db';
import { isForeignKeyViolation, isUniqueViolation } from '../../db-errors.js';
import { conflict, notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { ResourceRepository } from './resource-repository.js';

/** Resources (§4.9): client-chosen ids, deletable only while no installation names them. */
export class ResourceService {
  constructor(private readonly db: DataSource) {}

  private repo(manager: EntityManager = this.db.manager) {
    return new ResourceRepository(manager);
  }

  async list(q: PageQuery) {
    const [rows, total] = await this.repo().page(offsetOf(q), q.size);
    return { rows, total };
  }

  /** For installations, which must name an existing resource (§4.6). */
  async get(id: string, manager?: EntityManager): Promise<ResourceRow> {
    const row = await this.repo(manager).findById(id);
    if (!row) throw notFound(m.notFound(id));
    return row;
  }

  async create(creatorId: string, input: { id: string; name: string }): Promise<ResourceRow> {
    try {
      return await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        if (await repo.findById(input.id)) throw conflict(m.exists(input.id));
        return repo.insert({ id: input.id, name: input.name, creatorId });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(m.exists(input.id));
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        if (!(await repo.findById(id))) throw notFound(m.notFound(id));
        if (await repo.usedByInstallation(id)) throw conflict(m.inUse);
        await repo.delete(id);
      });
    } catch (err) {
      // An installation created between the check and the delete: the foreign key says the same.
      if (isForeignKeyViolation(err)) throw conflict(m.inUse);
      throw err;
    }
  }
}
