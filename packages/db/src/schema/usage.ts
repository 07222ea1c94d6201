import { EntitySchema } from 'typeorm';

/**
 * Usage tables grow without bound: distributed by `installation_id` under Citus, so every primary key
 * and unique constraint starts with it and a report or listing for one installation stays on one shard.
 */

export interface MetricRow {
  installationId: string;
  id: string;
  /** Insertion order, for listings. */
  seq: string;
  metricDefinitionId: string;
  timePeriodStart: Date;
  timePeriodEnd: Date;
  value: number;
  groupId: string | null;
  userId: string | null;
  creatorId: string;
  createdAt: Date;
  // Denormalised at push time (§2.1) so search and scoping need no joins.
  projectId: string;
  providerId: string;
  projectAcronym: string;
  installationName: string;
  infrastructure: string | null;
  resource: string | null;
  /** The installation path `P.prov.inst`. */
  resourceId: string;
}
export const MetricEntity = new EntitySchema<MetricRow>({
  name: 'Metric',
  tableName: 'metrics',
  columns: {
    installationId: { name: 'installation_id', type: 'text', primary: true },
    id: { type: 'text', primary: true },
    seq: { type: 'bigint', generated: 'increment' },
    metricDefinitionId: { name: 'metric_definition_id', type: 'text' },
    timePeriodStart: { name: 'time_period_start', type: 'timestamptz' },
    timePeriodEnd: { name: 'time_period_end', type: 'timestamptz' },
    value: { type: 'double precision', default: 0 },
    groupId: { name: 'group_id', type: 'text', nullable: true },
    userId: { name: 'user_id', type: 'text', nullable: true },
    creatorId: { name: 'creator_id', type: 'text', default: '' },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
    projectId: { name: 'project_id', type: 'text' },
    providerId: { name: 'provider_id', type: 'text' },
    projectAcronym: { name: 'project_acronym', type: 'text', default: '' },
    installationName: { name: 'installation_name', type: 'text', default: '' },
    infrastructure: { type: 'text', nullable: true },
    resource: { type: 'text', nullable: true },
    resourceId: { name: 'resource_id', type: 'text' },
  },
  indices: [
    // Reports and listings: one installation, one definition, a time window.
    { name: 'IDX_metrics_installation_definition_start', columns: ['installationId', 'metricDefinitionId', 'timePeriodStart'] },
    { name: 'IDX_metrics_installation_seq', columns: ['installationId', 'seq'] },
    { name: 'IDX_metrics_project_provider', columns: ['projectId', 'providerId'] },
    { name: 'IDX_metrics_definition', columns: ['metricDefinitionId'] },
    // Freshness's last 24 hours: a BRIN index, which entity schemas cannot declare (its migration makes it).
    { name: 'IDX_metrics_created_at', columns: ['createdAt'], synchronize: false },
  ],
  relations: {
    installation: { type: 'many-to-one', target: 'Installation', joinColumn: { name: 'installation_id' }, onDelete: 'RESTRICT' },
    definition: { type: 'many-to-one', target: 'MetricDefinition', joinColumn: { name: 'metric_definition_id' }, onDelete: 'RESTRICT' },
  },
} as never);

export interface CapacityRow {
  installationId: string;
  id: string;
  metricDefinitionId: string;
  /** numeric: decimal capacities are exact (pg returns numeric as string). */
  value: string;
  registeredOn: Date;
  creatorId: string;
  createdAt: Date;
}
export const CapacityEntity = new EntitySchema<CapacityRow>({
  name: 'Capacity',
  tableName: 'capacities',
  columns: {
    installationId: { name: 'installation_id', type: 'text', primary: true },
    id: { type: 'text', primary: true },
    metricDefinitionId: { name: 'metric_definition_id', type: 'text' },
    value: { type: 'numeric' },
    registeredOn: { name: 'registered_on', type: 'timestamptz' },
    creatorId: { name: 'creator_id', type: 'text', default: '' },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  uniques: [{ name: 'UQ_capacities_installation_definition_date', columns: ['installationId', 'metricDefinitionId', 'registeredOn'] }],
  relations: {
    installation: { type: 'many-to-one', target: 'Installation', joinColumn: { name: 'installation_id' }, onDelete: 'CASCADE' },
  },
} as never);

export interface IdempotencyKeyRow {
  callerId: string;
  route: string;
  key: string;
  requestHash: string;
  /** null while the first request is still running. */
  status: number | null;
  location: string | null;
  body: unknown;
  createdAt: Date;
}
export const IdempotencyKeyEntity = new EntitySchema<IdempotencyKeyRow>({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  columns: {
    callerId: { name: 'caller_id', type: 'text', primary: true },
    route: { type: 'text', primary: true },
    key: { type: 'text', primary: true },
    requestHash: { name: 'request_hash', type: 'text' },
    status: { type: 'int', nullable: true },
    location: { type: 'text', nullable: true },
    body: { type: 'jsonb', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  indices: [{ name: 'IDX_idempotency_keys_created_at', columns: ['createdAt'] }],
});
