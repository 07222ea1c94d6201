import type { DataSource } from 'typeorm';
import { messages, type PageQuery } from '@acc/contracts';
import { newObjectId, type TypeCatalogueRow } from '@acc/db';
import { isUniqueViolation } from '../../db-errors.js';
import { conflict, forbidden, notFound } from '../../errors.js';
import { offsetOf } from '../../paging.js';
import { TypeCatalogueRepository, type TypeCatalogueTable } from './type-catalogue-repository.js';

export interface TypeCatalogueKind extends TypeCatalogueTable {
  /** `Unit Type` / `Metric Type`, as the messages say it. */
  label: string;
}

const m = messages.typeCatalogue;

/** Unit types and metric types (§4.3): one service, two instances. */
export class TypeCatalogueService {
  constructor(
    private readonly db: DataSource,
    readonly kind: TypeCatalogueKind,
  ) {}

  private repo(manager = this.db.manager) {
    return new TypeCatalogueRepository(manager, this.kind);
  }

  async list(q: PageQuery) {
    const [rows, total] = await this.repo().page(offsetOf(q), q.size);
    return { rows, total };
  }

  async get(id: string): Promise<TypeCatalogueRow> {
    const row = await this.repo().findById(id);
    if (!row) throw notFound(m.notFound(this.kind.label, id));
    return row;
  }

  async create(creatorId: string, input: { name: string; description: string }): Promise<TypeCatalogueRow> {
    try {
      return await this.db.transaction(async (tx) => {
        const repo = this.repo(tx);
        const existing = await repo.findByName(input.name);
        if (existing) throw conflict(m.exists(this.kind.label, existing.id));
        return repo.insert({ id: newObjectId(), name: input.name, description: input.description, creatorId });
      });
    } catch (err) {
      // A concurrent create of the same name loses on the unique index: answer as if we had seen it first.
      if (isUniqueViolation(err)) {
        const existing = await this.repo().findByName(input.name);
        if (existing) throw conflict(m.exists(this.kind.label, existing.id));
      }
      throw err;
    }
  }

  async update(id: string, patch: { name?: string; description?: string }): Promise<TypeCatalogueRow> {
    return this.db.transaction(async (tx) => {
      const repo = this.repo(tx);
      const row = await repo.findById(id);
      if (!row) throw notFound(m.notFound(this.kind.label, id));
      if (row.creatorId === '') throw forbidden(m.seededUpdate(this.kind.label));
      if (await repo.usedByDefinition(row.name)) throw forbidden(m.inUseUpdate(this.kind.label));
      if (patch.name !== undefined) {
        const other = await repo.findByName(patch.name);
        if (other && other.id !== id) throw conflict(m.exists(this.kind.label, other.id));
      }
      return repo.update(id, {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
      });
    });
  }

  async delete(id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const repo = this.repo(tx);
      const row = await repo.findById(id);
      if (!row) throw notFound(m.notFound(this.kind.label, id));
      if (row.creatorId === '') throw forbidden(m.seededDelete(this.kind.label));
      if (await repo.usedByDefinition(row.name)) throw forbidden(m.inUseDelete(this.kind.label));
      await repo.delete(id);
    });
  }
}
