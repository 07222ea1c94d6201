import type { EntityManager } from 'typeorm';
import type { ValidMetric } from './metric-rules.js';

/** The installation-level fields every metric copies at push time (§2.1). */
export interface MetricOwner {
  installationId: string;
  projectId: string;
  providerId: string;
  projectAcronym: string;
  installationName: string;
  infrastructure: string | null;
  resource: string | null;
  /** The installation path `P.prov.inst`. */
  resourceId: string;
  creatorId: string;
}

export interface StoredMetric {
  id: string;
  installation_id: string;
  metric_definition_id: string;
  time_period_start: Date;
  time_period_end: Date;
  value: number;
  group_id: string | null;
  user_id: string | null;
}

/** A listed metric with its definition (`md_*`), as the projection needs it. */
export interface ListedMetric extends StoredMetric {
  project_acronym: string;
  provider_id: string;
  project_id: string;
  resource: string | null;
  md_metric_name: string;
  md_metric_description: string | null;
  md_unit_type: string;
  md_metric_type: string;
  md_creator_id: string;
}

/** A condition on a trusted column; only values travel as parameters. */
export type Column =
  'installation_id' | 'project_id' | 'provider_id' | 'group_id' | 'user_id' | 'metric_definition_id' | 'time_period_start' | 'time_period_end';
export type Condition = readonly [Column, '=' | '>=' | '<=' | '<', unknown];

/** A WHERE fragment over alias `m` with `$n` placeholders, and its parameters. */
export interface SqlFilter {
  sql: string;
  params: unknown[];
}

export function conditionsToSql(conditions: readonly Condition[], firstParam = 1): SqlFilter {
  if (conditions.length === 0) return { sql: 'TRUE', params: [] };
  return {
    sql: conditions.map(([column, op], i) => `m.${column} ${op} $${firstParam + i}`).join(' AND '),
    params: conditions.map(([, , value]) => value),
  };
}

const STORED_COLUMNS = 'm.id, m.installation_id, m.metric_definition_id, m.time_period_start, m.time_period_end, m.value, m.group_id, m.user_id';

const SHARED = [
  'installation_id',
  'creator_id',
  'project_id',
  'provider_id',
  'project_acronym',
  'installation_name',
  'infrastructure',
  'resource',
  'resource_id',
] as const;
const PER_ROW = ['id', 'metric_definition_id', 'time_period_start', 'time_period_end', 'value', 'group_id', 'user_id'] as const;
/** `INSERT INTO metrics … VALUES` with one tuple: the shared fields are $1…$9, the row's own follow. */
const INSERT_ONE = `INSERT INTO metrics (${[...PER_ROW, ...SHARED].join(', ')})
  VALUES (${PER_ROW.map((_, i) => `$${SHARED.length + i + 1}`).join(', ')}, ${SHARED.map((_, i) => `$${i + 1}`).join(', ')})`;

const ROW_TYPES: Record<(typeof PER_ROW)[number], string> = {
  id: 'text',
  metric_definition_id: 'text',
  time_period_start: 'timestamptz',
  time_period_end: 'timestamptz',
  value: 'float8',
  group_id: 'text',
  user_id: 'text',
};

/**
 * Many rows in **one** statement, each column an array unnested in step (order kept). One statement
 * whatever the size matters beyond the bind-parameter limit: the rollup trigger locks a statement's
 * buckets in key order, so two bulk pushes over the same buckets queue behind each other; written in
 * several statements, each could hold the buckets the other's next statement needs (a deadlock).
 */
const INSERT_MANY = `INSERT INTO metrics (${[...PER_ROW, ...SHARED].join(', ')})
  SELECT u.*, ${SHARED.map((_, i) => `$${i + 1}`).join(', ')}
    FROM unnest(${PER_ROW.map((c, i) => `$${SHARED.length + i + 1}::${ROW_TYPES[c]}[]`).join(', ')}) AS u`;

export class MetricRepository {
  constructor(private readonly m: EntityManager) {}

  /** The ids among `ids` that name an existing metric definition. */
  async existingDefinitions(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await this.m.query('SELECT id FROM metric_definitions WHERE id = ANY($1::text[])', [[...new Set(ids)]]);
    return new Set(rows.map((r) => r.id));
  }

  /** Stores the metrics in one statement (INSERT_MANY), the single push through its own prepared one. */
  async insertMany(owner: MetricOwner, metrics: readonly (ValidMetric & { id: string })[]): Promise<void> {
    if (metrics.length === 0) return;
    const shared = [
      owner.installationId,
      owner.creatorId,
      owner.projectId,
      owner.providerId,
      owner.projectAcronym,
      owner.installationName,
      owner.infrastructure,
      owner.resource,
      owner.resourceId,
    ];
    if (metrics.length === 1) {
      const [m] = metrics;
      await this.m.query(INSERT_ONE, [...shared, m.id, m.metricDefinitionId, m.timePeriodStart, m.timePeriodEnd, m.value, m.groupId, m.userId]);
      return;
    }
    const n = metrics.length;
    const columns = Array.from({ length: PER_ROW.length }, () => new Array<unknown>(n));
    for (let i = 0; i < n; i++) {
      const m = metrics[i];
      columns[0][i] = m.id;
      columns[1][i] = m.metricDefinitionId;
      columns[2][i] = m.timePeriodStart;
      columns[3][i] = m.timePeriodEnd;
      columns[4][i] = m.value;
      columns[5][i] = m.groupId;
      columns[6][i] = m.userId;
    }
    await this.m.query(INSERT_MANY, [...shared, ...columns]);
  }

  async findInInstallation(installationId: string, id: string): Promise<StoredMetric | undefined> {
    const rows: StoredMetric[] = await this.m.query(`SELECT ${STORED_COLUMNS} FROM metrics m WHERE m.installation_id = $1 AND m.id = $2`, [
      installationId,
      id,
    ]);
    return rows[0];
  }

  async update(installationId: string, id: string, row: StoredMetric): Promise<void> {
    await this.m.query(
      `UPDATE metrics SET metric_definition_id = $3, time_period_start = $4, time_period_end = $5, value = $6, group_id = $7, user_id = $8
        WHERE installation_id = $1 AND id = $2`,
      [installationId, id, row.metric_definition_id, row.time_period_start, row.time_period_end, row.value, row.group_id, row.user_id],
    );
  }

  async delete(installationId: string, id: string): Promise<void> {
    await this.m.query('DELETE FROM metrics WHERE installation_id = $1 AND id = $2', [installationId, id]);
  }

  /** One page of metrics matching `filter`, in insertion order, with the total count. */
  async page(filter: SqlFilter, offset: number, limit: number): Promise<{ rows: ListedMetric[]; total: number }> {
    const n = filter.params.length;
    const [count]: { total: number }[] = await this.m.query(`SELECT count(*)::int AS total FROM metrics m WHERE ${filter.sql}`, filter.params);
    const rows: ListedMetric[] = await this.m.query(
      `SELECT ${STORED_COLUMNS}, m.project_acronym, m.provider_id, m.project_id, m.resource,
              md.metric_name AS md_metric_name, md.metric_description AS md_metric_description, md.unit_type AS md_unit_type,
              md.metric_type AS md_metric_type, md.creator_id AS md_creator_id
         FROM metrics m JOIN metric_definitions md ON md.id = m.metric_definition_id
        WHERE ${filter.sql}
        ORDER BY m.seq
        LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...filter.params, limit, offset],
    );
    return { rows, total: count.total };
  }
}
