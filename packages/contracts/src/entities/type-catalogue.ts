import { z } from 'zod';
import { MAX_LENGTH, optionalText, pathId, requiredText } from '../fields.js';

/**
 * Unit types and metric types "behave identically" (§4.3): one builder keeps them from drifting apart.
 * `field` is the wire name of the value field (`unit_type` / `metric_type`).
 */
export const typeCatalogueSchemas = <F extends 'unit_type' | 'metric_type'>(field: F, id: string) => {
  const entity = z
    .object({
      id: z.string(),
      [field]: z.string(),
      description: z.string(),
      creator_id: z.string(),
    } as { id: z.ZodString; description: z.ZodString; creator_id: z.ZodString } & Record<F, z.ZodString>)
    .meta({ id });
  const create = z.object({
    [field]: requiredText(field),
    description: requiredText('description', MAX_LENGTH.description),
  } as { description: ReturnType<typeof requiredText> } & Record<F, ReturnType<typeof requiredText>>);
  const update = z.object({
    id: pathId,
    [field]: optionalText(field),
    description: optionalText('description', MAX_LENGTH.description),
  } as { id: typeof pathId; description: ReturnType<typeof optionalText> } & Record<F, ReturnType<typeof optionalText>>);
  return { entity, create, update };
};

const unit = typeCatalogueSchemas('unit_type', 'UnitType');
export const UnitType = unit.entity;
export const UnitTypeCreate = unit.create;
export const UnitTypeUpdate = unit.update;
export type UnitType = z.infer<typeof UnitType>;

const metric = typeCatalogueSchemas('metric_type', 'MetricType');
export const MetricType = metric.entity;
export const MetricTypeCreate = metric.create;
export const MetricTypeUpdate = metric.update;
export type MetricType = z.infer<typeof MetricType>;
