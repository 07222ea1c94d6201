import { z } from 'zod';
import { MAX_LENGTH, optionalText, pathId, requiredText } from '../fields.js';

/** The §4.2 response; also embedded in installations (`unit_of_access`) and metric listings. */
export const MetricDefinition = z
  .object({
    metric_definition_id: z.string(),
    metric_name: z.string(),
    metric_description: z.string().nullable(),
    unit_type: z.string(),
    metric_type: z.string(),
    creator_id: z.string(),
  })
  .meta({ id: 'MetricDefinition' });
export type MetricDefinition = z.infer<typeof MetricDefinition>;

// Key order is the order fields are validated in (fail-fast reports the first).
export const MetricDefinitionCreate = z.object({
  metric_name: requiredText('metric_name'),
  metric_description: optionalText('metric_description', MAX_LENGTH.description),
  unit_type: requiredText('unit_type'),
  metric_type: requiredText('metric_type'),
});
export type MetricDefinitionCreate = z.infer<typeof MetricDefinitionCreate>;

export const MetricDefinitionUpdate = z.object({
  id: pathId,
  metric_name: optionalText('metric_name'),
  metric_description: optionalText('metric_description', MAX_LENGTH.description),
  unit_type: optionalText('unit_type'),
  metric_type: optionalText('metric_type'),
});
export type MetricDefinitionUpdate = z.infer<typeof MetricDefinitionUpdate>;
