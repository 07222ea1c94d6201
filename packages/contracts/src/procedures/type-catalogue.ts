import { z } from 'zod';
import { MessageResponse } from '../errors.js';
import { MetricType, MetricTypeCreate, MetricTypeUpdate, UnitType, UnitTypeCreate, UnitTypeUpdate } from '../entities/type-catalogue.js';
import { pathId } from '../fields.js';
import { PageQuery, pageOf } from '../page.js';
import { defineProcedures } from './define.js';

const IdInput = z.object({ id: pathId });

const catalogue = <P extends 'unit_type' | 'metric_type', E extends z.ZodType, C extends z.ZodType, U extends z.ZodType>(
  prefix: P,
  base: '/unit-types' | '/metric-types',
  label: string,
  tag: string,
  entity: E,
  create: C,
  update: U,
  pageId: string,
) =>
  defineProcedures(tag)({
    list: {
      name: `${prefix}_list`,
      method: 'GET',
      path: base,
      input: PageQuery,
      output: pageOf(entity, pageId),
      summary: `List ${label}s`,
      errors: [400, 403],
    },
    get: {
      name: `${prefix}_entry`,
      method: 'GET',
      path: `${base}/{id}`,
      input: IdInput,
      output: entity,
      summary: `Get a ${label}`,
      errors: [403, 404],
    },
    create: {
      name: `${prefix}_add`,
      method: 'POST',
      path: base,
      input: create,
      output: entity,
      status: 201,
      summary: `Create a ${label}`,
      errors: [400, 403, 409, 415],
    },
    update: {
      name: `${prefix}_update`,
      method: 'PATCH',
      path: `${base}/{id}`,
      input: update,
      output: entity,
      summary: `Update a ${label}`,
      errors: [400, 403, 404, 409, 415],
    },
    delete: {
      name: `${prefix}_delete`,
      method: 'DELETE',
      path: `${base}/{id}`,
      input: IdInput,
      output: MessageResponse,
      summary: `Delete a ${label}`,
      errors: [403, 404],
    },
  });

export const unitTypeProcedures = catalogue(
  'unit_type',
  '/unit-types',
  'unit type',
  'Unit types',
  UnitType,
  UnitTypeCreate,
  UnitTypeUpdate,
  'UnitTypePage',
);
export const metricTypeProcedures = catalogue(
  'metric_type',
  '/metric-types',
  'metric type',
  'Metric types',
  MetricType,
  MetricTypeCreate,
  MetricTypeUpdate,
  'MetricTypePage',
);
