import type { EntityManager } from 'typeorm';
import type { SqlFragment } from '../../access/index.js';

export interface UsageDefinition {
  id: string;
  metric_name: string;
  unit_type: string;
  metric_type: string;
}

/** The scope's installations and the definitions a usage answer names. */
export class UsageRepository {
  constructor(private readonly m: EntityManager) {}

  /** Ids of the installations `where` admits (alias `i`). */
  async installationIds(where: SqlFragment): Promise<string[]> {
    const rows = await this.m.query<{ id: string }[]>(`SELECT i.id FROM installations i WHERE ${where.sql}`, where.params);
    return rows.map((r) => r.id);
  }

  definitions(ids: readonly string[]): Promise<UsageDefinition[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.m.query(`SELECT id, metric_name, unit_type, metric_type FROM metric_definitions WHERE id = ANY($1::text[])`, [ids]);
  }
}
