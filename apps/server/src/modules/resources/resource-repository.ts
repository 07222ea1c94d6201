import type { EntityManager } from 'typeorm';
import { ResourceEntity, type ResourceRow } from '@acc/db';

export class ResourceRepository {
  constructor(private readonly m: EntityManager) {}

  private get repo() {
    return this.m.getRepository(ResourceEntity);
  }

  page(offset: number, limit: number): Promise<[ResourceRow[], number]> {
    return this.repo.findAndCount({ order: { registeredOn: 'ASC', id: 'ASC' }, skip: offset, take: limit });
  }

  findById(id: string): Promise<ResourceRow | null> {
    return this.repo.findOneBy({ id });
  }

  async insert(row: Omit<ResourceRow, 'registeredOn'>): Promise<ResourceRow> {
    await this.repo.insert(row);
    return (await this.findById(row.id))!;
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  async usedByInstallation(id: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM installations WHERE resource_id = $1 LIMIT 1', [id]);
    return rows.length > 0;
  }
}
