import type { EntityManager, EntitySchema } from 'typeorm';
import type { TypeCatalogueRow } from '@acc/db';

/** Unit types and metric types share one table shape; `usedBy` is the metric_definitions column naming them. */
export interface TypeCatalogueTable {
  entity: EntitySchema<TypeCatalogueRow>;
  usedBy: 'unit_type' | 'metric_type';
}

export class TypeCatalogueRepository {
  constructor(
    private readonly m: EntityManager,
    private readonly table: TypeCatalogueTable,
  ) {}

  private get repo() {
    return this.m.getRepository(this.table.entity);
  }

  page(offset: number, limit: number): Promise<[TypeCatalogueRow[], number]> {
    return this.repo.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, skip: offset, take: limit });
  }

  findById(id: string): Promise<TypeCatalogueRow | null> {
    return this.repo.findOneBy({ id });
  }

  findByName(name: string): Promise<TypeCatalogueRow | null> {
    return this.repo.createQueryBuilder('t').where('lower(t.name) = lower(:name)', { name }).getOne();
  }

  async insert(row: Omit<TypeCatalogueRow, 'createdAt'>): Promise<TypeCatalogueRow> {
    await this.repo.insert(row);
    return (await this.findById(row.id))!;
  }

  async update(id: string, patch: Partial<Pick<TypeCatalogueRow, 'name' | 'description'>>): Promise<TypeCatalogueRow> {
    if (Object.keys(patch).length > 0) await this.repo.update({ id }, patch);
    return (await this.findById(id))!;
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  /** Whether a metric definition names this type; definitions store the type as sent, so compare case-insensitively. */
  async usedByDefinition(name: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query(`SELECT 1 FROM metric_definitions WHERE lower(${this.table.usedBy}) = lower($1) LIMIT 1`, [name]);
    return rows.length > 0;
  }
}
