import type { EntityManager } from 'typeorm';

export interface CapacityRecord {
  id: string;
  installation_id: string;
  metric_definition_id: string;
  /** numeric, as exact decimal text. */
  value: string;
  registered_on: Date;
}

const COLUMNS = 'id, installation_id, metric_definition_id, value, registered_on';

export class CapacityRepository {
  constructor(private readonly m: EntityManager) {}

  async definitionExists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM metric_definitions WHERE id = $1', [id]);
    return rows.length > 0;
  }

  async insert(row: CapacityRecord, creatorId: string): Promise<void> {
    await this.m.query(
      `INSERT INTO capacities (id, installation_id, metric_definition_id, value, registered_on, creator_id) VALUES ($1, $2, $3, $4::numeric, $5, $6)`,
      [row.id, row.installation_id, row.metric_definition_id, row.value, row.registered_on, creatorId],
    );
  }

  /** Insertion order (§1.1). */
  async page(installationId: string, offset: number, limit: number): Promise<{ rows: CapacityRecord[]; total: number }> {
    const [count]: { total: number }[] = await this.m.query('SELECT count(*)::int AS total FROM capacities WHERE installation_id = $1', [
      installationId,
    ]);
    const rows: CapacityRecord[] = await this.m.query(
      `SELECT ${COLUMNS} FROM capacities WHERE installation_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3`,
      [installationId, limit, offset],
    );
    return { rows, total: count.total };
  }

  /** Only within the installation: another installation's capacity is a 404 (§4.8). */
  async findInInstallation(installationId: string, id: string): Promise<CapacityRecord | undefined> {
    const rows: CapacityRecord[] = await this.m.query(`SELECT ${COLUMNS} FROM capacities WHERE installation_id = $1 AND id = $2`, [
      installationId,
      id,
    ]);
    return rows[0];
  }

  async delete(installationId: string, id: string): Promise<void> {
    await this.m.query('DELETE FROM capacities WHERE installation_id = $1 AND id = $2', [installationId, id]);
  }

  async update(installationId: string, id: string, change: { value?: string; registeredOn?: Date }): Promise<void> {
    await this.m.query(
      `UPDATE capacities SET value = COALESCE($3::numeric, value), registered_on = COALESCE($4::timestamptz, registered_on)
        WHERE installation_id = $1 AND id = $2`,
      [installationId, id, change.value ?? null, change.registeredOn ?? null],
    );
  }
}
