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
type StoredRow = ValidMetric & { id: string };

/** A text array element: always quoted, so no value can read as NULL or split the literal. */
const quoted = (v: string | null): string => (v === null ? 'NULL' : /[\\"]/.test(v) ? `"${v.replace(/[\\"]/g, '\\$&')}"` : `"${v}"`);

/**
 * How a value of each SQL type is written as an element of an array literal. The statement's arrays are
 * written here as literals, one join each, rather than handed to the driver as arrays: its serialiser
 * grows every literal by concatenation and formats dates field by field, which for 10,000 metrics was
 * ~30 MB of garbage per push, mostly still reachable when the young generation filled (so promoted). ISO
 * instants with `Z` and JavaScript's shortest round-trip numbers read back as the same timestamps and
 * doubles.
 */
const ELEMENT = {
  text: (v: unknown) => quoted(v as string | null),
  timestamptz: (v: unknown) => (v as Date).toISOString(),
  float8: (v: unknown) => String(v),
} as const;

/** Each row's own columns: name, SQL type (for the unnested arrays) and where the value comes from. */
const PER_ROW: readonly { column: string; type: keyof typeof ELEMENT; of: (m: StoredRow) => unknown }[] = [
  { column: 'id', type: 'text', of: (m) => m.id },
  { column: 'metric_definition_id', type: 'text', of: (m) => m.metricDefinitionId },
  { column: 'time_period_start', type: 'timestamptz', of: (m) => m.timePeriodStart },
  { column: 'time_period_end', type: 'timestamptz', of: (m) => m.timePeriodEnd },
  { column: 'value', type: 'float8', of: (m) => m.value },
  { column: 'group_id', type: 'text', of: (m) => m.groupId },
  { column: 'user_id', type: 'text', of: (m) => m.userId },
];
/** A column's values for the metrics, as one array literal. */
const arrayLiteral = (c: (typeof PER_ROW)[number], metrics: readonly StoredRow[]): string => {
  const element = ELEMENT[c.type];
  return `{${metrics.map((m) => element(c.of(m))).join(',')}}`;
};
/** The shared fields are $1…$9, each row column's parameter follows. */
const INSERT_COLUMNS = [...PER_ROW.map((c) => c.column), ...SHARED].join(', ');
const SHARED_REFS = SHARED.map((_, i) => `$${i + 1}`).join(', ');
const rowRef = (i: number) => `$${SHARED.length + i + 1}`;

/** One metric: a plain VALUES tuple. */
const INSERT_ONE = `INSERT INTO metrics (${INSERT_COLUMNS}) VALUES (${PER_ROW.map((_, i) => rowRef(i)).join(', ')}, ${SHARED_REFS})`;

/**
 * Many rows in **one** statement, each column an array unnested in step (order kept). One statement
 * whatever the size matters beyond the bind-parameter limit: the rollup trigger locks a statement's
 * buckets in key order, so two bulk pushes over the same buckets queue behind each other; written in
 * several statements, each could hold the buckets the other's next statement needs (a deadlock).
 */
const INSERT_MANY = `INSERT INTO metrics (${INSERT_COLUMNS})
  SELECT u.*, ${SHARED_REFS} FROM unnest(${PER_ROW.map((c, i) => `${rowRef(i)}::${c.type}[]`).join(', ')}) AS u`;

export class MetricRepository {
  constructor(private readonly m: EntityManager) {}

  /** The ids among `ids` that name an existing metric definition. */
  async existingDefinitions(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await this.m.query('SELECT id FROM metric_definitions WHERE id = ANY($1::text[])', [[...new Set(ids)]]);
    return new Set(rows.map((r) => r.id));
  }

  /** Stores the metrics in one statement: INSERT_MANY, or INSERT_ONE for a single metric. */
  async insertMany(owner: MetricOwner, metrics: readonly StoredRow[]): Promise<void> {
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
    if (metrics.length === 1) await this.m.query(INSERT_ONE, [...shared, ...PER_ROW.map((c) => c.of(metrics[0]))]);
    else await this.m.query(INSERT_MANY, [...shared, ...PER_ROW.map((c) => arrayLiteral(c, metrics))]);
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
