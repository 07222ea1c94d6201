import type { MetricDefinition } from '@acc/contracts';
import type { MetricDefinitionRow } from '@acc/db';

/** The §4.2 response shape; installations (`unit_of_access`) and metric listings embed it too. */
export const toMetricDefinitionWire = (row: MetricDefinitionRow): MetricDefinition => ({
  metric_definition_id: row.id,
  metric_name: row.metricName,
  metric_description: row.metricDescription ?? null,
  unit_type: row.unitType,
  metric_type: row.metricType,
  creator_id: row.creatorId,
});
