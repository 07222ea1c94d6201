import type { EntityManager } from 'typeorm';
import { MetricDefinitionEntity, type MetricDefinitionRow } from '@acc/db';
import { criterionToSql, searchFields, type Criterion } from '../../search/index.js';

interface RawRow {
  id: string;
  metric_name: string;
  metric_description: string | null;
  unit_type: string;
  metric_type: string;
  creator_id: string;
  created_at: Date;
}

const fromRaw = (r: RawRow): MetricDefinitionRow => ({
  id: r.id,
  metricName: r.metric_name,
  metricDescription: r.metric_description,
  unitType: r.unit_type,
  metricType: r.metric_type,
  creatorId: r.creator_id,
  createdAt: r.created_at,
});

export type MetricDefinitionPatch = Partial<Pick<MetricDefinitionRow, 'metricName' | 'metricDescription' | 'unitType' | 'metricType'>>;

export class MetricDefinitionRepository {
  constructor(private readonly m: EntityManager) {}

  private get repo() {
    return this.m.getRepository(MetricDefinitionEntity);
  }

  page(offset: number, limit: number): Promise<[MetricDefinitionRow[], number]> {
    return this.repo.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, skip: offset, take: limit });
  }

  findById(id: string): Promise<MetricDefinitionRow | null> {
    return this.repo.findOneBy({ id });
  }

  /** The (unit type, name) pair is unique case-insensitively (§2.2), like the expression index. */
  findByUnitAndName(unitType: string, metricName: string): Promise<MetricDefinitionRow | null> {
    return this.repo
      .createQueryBuilder('md')
      .where('lower(md.unit_type) = lower(:unitType) AND lower(md.metric_name) = lower(:metricName)', { unitType, metricName })
      .getOne();
  }

  async unitTypeExists(name: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM unit_types WHERE lower(name) = lower($1) LIMIT 1', [name]);
    return rows.length > 0;
  }

  async metricTypeExists(name: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM metric_types WHERE lower(name) = lower($1) LIMIT 1', [name]);
    return rows.length > 0;
  }

  async hasMetrics(id: string): Promise<boolean> {
    const rows: unknown[] = await this.m.query('SELECT 1 FROM metrics WHERE metric_definition_id = $1 LIMIT 1', [id]);
    return rows.length > 0;
  }

  async insert(row: Omit<MetricDefinitionRow, 'createdAt'>): Promise<MetricDefinitionRow> {
    await this.repo.insert(row);
    return (await this.findById(row.id))!;
  }

  async update(id: string, patch: MetricDefinitionPatch): Promise<MetricDefinitionRow> {
    if (Object.keys(patch).length > 0) await this.repo.update({ id }, patch);
    return (await this.findById(id))!;
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  async search(criterion: Criterion, offset: number, limit: number): Promise<[MetricDefinitionRow[], number]> {
    const { sql, params } = criterionToSql(criterion, searchFields.metricDefinitions);
    const n = params.length;
    const [{ total }] = await this.m.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM metric_definitions md WHERE ${sql}`, params);
    const rows = await this.m.query<RawRow[]>(
      `SELECT md.* FROM metric_definitions md WHERE ${sql} ORDER BY md.created_at, md.id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, limit, offset],
    );
    return [rows.map(fromRaw), total];
  }
}
