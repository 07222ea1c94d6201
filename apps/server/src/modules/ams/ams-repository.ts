import type { EntityManager } from 'typeorm';

/** The two project facts the listener needs; providers and installations go through their services. */
export class AmsRepository {
  constructor(private readonly m: EntityManager) {}

  async projectExists(projectId: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM projects WHERE id = $1', [projectId]);
    return rows.length > 0;
  }

  async associate(projectId: string, providerId: string): Promise<void> {
    await this.m.query('INSERT INTO project_providers (project_id, provider_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [projectId, providerId]);
  }
}
