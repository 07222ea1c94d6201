import { EntitySchema } from 'typeorm';

export interface MetricDefinitionRow {
  id: string;
  metricName: string;
  metricDescription: string | null;
  unitType: string;
  metricType: string;
  creatorId: string;
  createdAt: Date;
}

/** A reference table under Citus: small, read on every metric push and report. */
export const MetricDefinitionEntity = new EntitySchema<MetricDefinitionRow>({
  name: 'MetricDefinition',
  tableName: 'metric_definitions',
  columns: {
    id: { type: 'text', primary: true },
    metricName: { name: 'metric_name', type: 'text' },
    metricDescription: { name: 'metric_description', type: 'text', nullable: true },
    unitType: { name: 'unit_type', type: 'text' },
    metricType: { name: 'metric_type', type: 'text' },
    creatorId: { name: 'creator_id', type: 'text', default: '' },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' },
  },
  // (lower(unit_type), lower(metric_name)) is unique: an expression index the migration creates by hand.
  indices: [{ name: 'UQ_metric_definitions_lower_unit_name', columns: ['unitType', 'metricName'], unique: true, synchronize: false }],
});
