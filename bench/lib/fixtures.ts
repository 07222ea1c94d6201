import { randomBytes } from 'node:crypto';
import type { Sql } from './db.js';

/**
 * Catalogue rows written straight to the tables (their endpoints are not what is measured): projects,
 * providers, associations, installations, metric definitions and capacities.
 */
export const hexId = () => randomBytes(12).toString('hex');

export const DEFINITION_COUNT = 10;

/** The §2.1 fields every metric copies from its installation (what the floors insert too). */
export interface InstallationFixture {
  installationId: string;
  projectId: string;
  providerId: string;
  projectAcronym: string;
  installationName: string;
  infrastructure: string | null;
  resource: string | null;
  resourceId: string;
  creatorId: string;
}

/** Ten metric definitions (reports group by definition), created in a fixed order. */
export async function createDefinitions(sql: Sql): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < DEFINITION_COUNT; i++) {
    const id = hexId();
    await sql.query(
      `INSERT INTO metric_definitions (id, metric_name, metric_description, unit_type, metric_type, creator_id, created_at)
       VALUES ($1, $2, $3, 'TB', 'aggregated', 'bench', clock_timestamp() + make_interval(secs => $4))`,
      [id, `bench-metric-${i}`, `benchmark metric ${i}`, i],
    );
    ids.push(id);
  }
  return ids;
}

export async function createProject(sql: Sql, id: string): Promise<void> {
  await sql.query(`INSERT INTO projects (id, acronym, title, start_date, end_date) VALUES ($1, $2, $3, '2024-01-01', '2026-12-31')`, [
    id,
    `ACR-${id}`,
    `Benchmark project ${id}`,
  ]);
}

export async function createProvider(sql: Sql, projectId: string): Promise<string> {
  const id = `bench-prov-${randomBytes(4).toString('hex')}`;
  await sql.query(`INSERT INTO providers (id, name, website, creator_id) VALUES ($1, $2, NULL, 'bench')`, [id, `Provider ${id}`]);
  await sql.query('INSERT INTO project_providers (project_id, provider_id) VALUES ($1, $2)', [projectId, id]);
  return id;
}

export async function createInstallation(sql: Sql, projectId: string, providerId: string, name: string): Promise<InstallationFixture> {
  const id = hexId();
  await sql.query(
    `INSERT INTO installations (id, project_id, provider_id, installation, infrastructure, creator_id)
     VALUES ($1, $2, $3, $4, 'bench-infra', 'bench')`,
    [id, projectId, providerId, name],
  );
  return {
    installationId: id,
    projectId,
    providerId,
    projectAcronym: `ACR-${projectId}`,
    installationName: name,
    infrastructure: 'bench-infra',
    resource: null,
    resourceId: `${projectId}.${providerId}.${id}`,
    creatorId: 'bench',
  };
}

/** Capacities of every definition on each date: `dates.length` capacity periods per (installation, definition). */
export async function createCapacities(sql: Sql, installationId: string, definitions: readonly string[], dates: readonly string[]): Promise<void> {
  for (const definitionId of definitions)
    for (const [k, date] of dates.entries()) {
      await sql.query(
        `INSERT INTO capacities (installation_id, id, metric_definition_id, value, registered_on, creator_id) VALUES ($1, $2, $3, $4, $5, 'bench')`,
        [installationId, hexId(), definitionId, 1_000_000 * (k + 1), date],
      );
    }
}

/** A project with `providers` × `perProvider` installations. */
export async function createProjectTree(sql: Sql, projectId: string, providers: number, perProvider: number): Promise<InstallationFixture[]> {
  await createProject(sql, projectId);
  const out: InstallationFixture[] = [];
  for (let p = 0; p < providers; p++) {
    const providerId = await createProvider(sql, projectId);
    for (let i = 0; i < perProvider; i++) out.push(await createInstallation(sql, projectId, providerId, `inst-${p}-${i}`));
  }
  return out;
}

/** Column list and row values of `metrics`, for the floors' INSERT and COPY. */
export const METRIC_COLUMNS = [
  'installation_id',
  'id',
  'metric_definition_id',
  'time_period_start',
  'time_period_end',
  'value',
  'group_id',
  'user_id',
  'creator_id',
  'project_id',
  'provider_id',
  'project_acronym',
  'installation_name',
  'infrastructure',
  'resource',
  'resource_id',
] as const;

/** One metric as a client sends it (§4.7). */
export interface MetricBody {
  metric_definition_id: string;
  time_period_start: string;
  time_period_end: string;
  value: number;
}

export function metricRow(o: InstallationFixture, id: string, m: MetricBody): unknown[] {
  return [
    o.installationId,
    id,
    m.metric_definition_id,
    m.time_period_start,
    m.time_period_end,
    m.value,
    null,
    null,
    o.creatorId,
    o.projectId,
    o.providerId,
    o.projectAcronym,
    o.installationName,
    o.infrastructure,
    o.resource,
    o.resourceId,
  ];
}

/** `count` metrics of 2023, one hour each, cycling through the definitions. */
export function metricBodies(count: number, definitions: readonly string[]): MetricBody[] {
  const base = Date.parse('2023-01-01T00:00:00Z');
  const out: MetricBody[] = [];
  for (let i = 0; i < count; i++) {
    const start = base + (i % 8000) * 3_600_000 + Math.floor(i / 8000) * 1000;
    out.push({
      metric_definition_id: definitions[i % definitions.length],
      time_period_start: new Date(start).toISOString().replace('.000Z', 'Z'),
      time_period_end: new Date(start + 3_600_000).toISOString().replace('.000Z', 'Z'),
      value: (i % 97) + 0.25,
    });
  }
  return out;
}

export interface HourlyLoad {
  /** The first metric's start (an instant). */
  start: string;
  /** The span the metrics are spread over, in days (the last one ends two hours before it closes). */
  spanDays: number;
  /** Put between the installation id and the row number before hashing, so phases never share ids. */
  idTag: string;
  /** Added to `row % 100` for each value. */
  valueOffset: number;
  /** Rows per INSERT … SELECT. */
  chunk: number;
}

/**
 * `count` one-hour metrics of one installation spread evenly over the span, cycling through the
 * definitions, generated inside the database (INSERT … SELECT generate_series), not over HTTP.
 */
export async function loadHourlyMetrics(
  sql: Sql,
  o: InstallationFixture,
  definitions: readonly string[],
  count: number,
  load: HourlyLoad,
): Promise<void> {
  const spanSeconds = load.spanDays * 86_400 - 7_200;
  for (let from = 0; from < count; from += load.chunk) {
    const to = Math.min(count, from + load.chunk) - 1;
    await sql.query(
      `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, value, creator_id,
                            project_id, provider_id, project_acronym, installation_name, infrastructure, resource, resource_id)
       SELECT $1, substr(md5($1 || $13 || g), 1, 24), ($2::text[])[1 + g % ${definitions.length}],
              $3::timestamptz + make_interval(secs => g * $4::double precision),
              $3::timestamptz + make_interval(secs => g * $4::double precision) + interval '1 hour',
              (g % 100) + $14::double precision, 'bench', $5, $6, $7, $8, $9, NULL, $10
         FROM generate_series($11::int, $12::int) AS g`,
      [
        o.installationId,
        definitions,
        load.start,
        spanSeconds / count,
        o.projectId,
        o.providerId,
        o.projectAcronym,
        o.installationName,
        o.infrastructure,
        o.resourceId,
        from,
        to,
        load.idTag,
        load.valueOffset,
      ],
    );
  }
}
