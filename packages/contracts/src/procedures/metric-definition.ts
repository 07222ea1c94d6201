import { z } from 'zod';
import { MetricDefinition, MetricDefinitionCreate, MetricDefinitionUpdate } from '../entities/metric-definition.js';
import { MessageResponse } from '../errors.js';
import { pathId } from '../fields.js';
import { PageQuery, pageOf } from '../page.js';
import { defineProcedures } from './define.js';
import { SearchCriterionInput } from './search.js';

/** §4.2 messages, character for character. */
export const metricDefinitionMessages = {
  notFound: (id: string) => `There is no Metric Definition with the following id: ${id}`,
  noUnitType: (v: string) => `There is no unit type : ${v}`,
  noMetricType: (v: string) => `There is no metric type : ${v}`,
  exists: (unitType: string, name: string, id: string) => `There is a Metric Definition with unit type ${unitType} and name ${name}. Its id is ${id}`,
  combinationTaken:
    'The combination of unit_type and metric_name should be unique. A Metric Definition with that combination has already been created.',
  inUseUpdate: 'The Metric Definition cannot be updated. There is a Metric assigned to it.',
  inUseDelete: 'The Metric Definition cannot be deleted. There is a Metric assigned to it.',
  deleted: 'Metric Definition has been deleted successfully.',
} as const;

const IdInput = z.object({ id: pathId });
const MetricDefinitionPage = pageOf(MetricDefinition, 'MetricDefinitionPage');

export const metricDefinitionProcedures = defineProcedures('Metric definitions')({
  create: {
    name: 'metric_definition_add',
    method: 'POST',
    path: '/metric-definitions',
    input: MetricDefinitionCreate,
    output: MetricDefinition,
    status: 201,
    summary: 'Create a metric definition',
    errors: [400, 403, 404, 409, 415],
  },
  list: {
    name: 'metric_definition_list',
    method: 'GET',
    path: '/metric-definitions',
    input: PageQuery,
    output: MetricDefinitionPage,
    summary: 'List metric definitions',
    errors: [400, 403],
  },
  search: {
    name: 'metric_definition_search',
    method: 'POST',
    path: '/metric-definitions/search',
    jsonContentType: true,
    input: SearchCriterionInput,
    output: MetricDefinitionPage,
    summary: 'Search metric definitions',
    errors: [400, 403, 415],
  },
  get: {
    name: 'metric_definition_entry',
    method: 'GET',
    path: '/metric-definitions/{id}',
    input: IdInput,
    output: MetricDefinition,
    summary: 'Get a metric definition',
    errors: [403, 404],
  },
  update: {
    name: 'metric_definition_update',
    method: 'PATCH',
    path: '/metric-definitions/{id}',
    input: MetricDefinitionUpdate,
    output: MetricDefinition,
    summary: 'Update a metric definition',
    errors: [400, 403, 404, 409, 415],
  },
  delete: {
    name: 'metric_definition_delete',
    method: 'DELETE',
    path: '/metric-definitions/{id}',
    input: IdInput,
    output: MessageResponse,
    summary: 'Delete a metric definition',
    errors: [403, 404, 409],
  },
});
