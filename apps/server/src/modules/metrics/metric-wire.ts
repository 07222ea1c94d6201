import type { MetricProjection, MetricPushResponse } from '@acc/contracts';
import { formatInstant } from './instants.js';
import type { ListedMetric, StoredMetric } from './metric-repository.js';

/** The push-response shape (§4.7); null ids are omitted. */
export const toPushResponse = (row: StoredMetric): MetricPushResponse => ({
  metric_id: row.id,
  metric_definition_id: row.metric_definition_id,
  time_period_start: formatInstant(row.time_period_start),
  time_period_end: formatInstant(row.time_period_end),
  value: row.value,
  ...(row.group_id !== null && { group_id: row.group_id }),
  ...(row.user_id !== null && { user_id: row.user_id }),
});

/** MetricProjection (§4.7) for listings and search. */
export const toProjection = (row: ListedMetric): MetricProjection => ({
  id: row.id,
  time_period_start: formatInstant(row.time_period_start),
  time_period_end: formatInstant(row.time_period_end),
  value: row.value,
  project: row.project_acronym,
  provider: row.provider_id,
  installation_id: row.installation_id,
  project_id: row.project_id,
  ...(row.resource !== null && { resource: row.resource }),
  ...(row.group_id !== null && { group_id: row.group_id }),
  ...(row.user_id !== null && { user_id: row.user_id }),
  metric_definition: {
    metric_definition_id: row.metric_definition_id,
    metric_name: row.md_metric_name,
    metric_description: row.md_metric_description,
    unit_type: row.md_unit_type,
    metric_type: row.md_metric_type,
    creator_id: row.md_creator_id,
  },
});
