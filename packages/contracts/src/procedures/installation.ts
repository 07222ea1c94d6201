import { z } from 'zod';
import { MessageResponse } from '../errors.js';
import {
  ExternalIdQuery,
  Installation,
  InstallationCreate,
  InstallationPage,
  InstallationUpdate,
  InstallationUpdateByExternalId,
  UsedMetricDefinitionPage,
} from '../entities/installation.js';
import { pathId } from '../fields.js';
import { pageParams, PageQuery } from '../page.js';
import { defineProcedures } from './define.js';
import { SearchCriterionInput } from './search.js';

const InstallationId = z.object({ id: pathId });

/**
 * The REST bridge matches routes in declaration order, so the literal `/installations/all`,
 * `/installations/external` and `/installations/search` come before `/installations/{id}`.
 */
export const installationProcedures = defineProcedures('Installations')({
  create: {
    name: 'installation_add',
    method: 'POST',
    path: '/installations',
    input: InstallationCreate,
    output: Installation,
    status: 201,
    summary: 'Create an installation',
    errors: [400, 403, 404, 409, 415],
  },
  all: {
    name: 'installation_list',
    method: 'GET',
    path: '/installations/all',
    input: PageQuery,
    output: InstallationPage,
    summary: 'List the installations the caller may see',
    errors: [400],
  },
  search: {
    name: 'installation_search',
    method: 'POST',
    path: '/installations/search',
    jsonContentType: true,
    input: SearchCriterionInput,
    output: InstallationPage,
    summary: 'Search installations',
    errors: [400, 403, 415],
  },
  getByExternalId: {
    name: 'installation_external_entry',
    method: 'GET',
    path: '/installations/external',
    input: ExternalIdQuery,
    output: Installation,
    summary: 'Get an installation by external id',
    errors: [400, 403, 404],
  },
  updateByExternalId: {
    name: 'installation_external_update',
    method: 'PATCH',
    path: '/installations/external',
    query: ['externalId'],
    input: InstallationUpdateByExternalId,
    output: Installation,
    summary: 'Update an installation by external id',
    errors: [400, 403, 404, 409, 415],
  },
  deleteByExternalId: {
    name: 'installation_external_delete',
    method: 'DELETE',
    path: '/installations/external',
    input: ExternalIdQuery,
    output: MessageResponse,
    summary: 'Delete an installation by external id',
    errors: [400, 403, 404],
  },
  get: {
    name: 'installation_entry',
    method: 'GET',
    path: '/installations/{id}',
    input: InstallationId,
    output: Installation,
    summary: 'Get an installation',
    errors: [403, 404],
  },
  update: {
    name: 'installation_update',
    method: 'PATCH',
    path: '/installations/{id}',
    input: InstallationUpdate,
    output: Installation,
    summary: 'Update an installation',
    errors: [400, 403, 404, 409, 415],
  },
  delete: {
    name: 'installation_delete',
    method: 'DELETE',
    path: '/installations/{id}',
    input: InstallationId,
    output: MessageResponse,
    summary: 'Delete an installation and its capacities',
    errors: [403, 404],
  },
  metricDefinitions: {
    name: 'installation_metric_definitions_list',
    method: 'GET',
    path: '/installations/{id}/metric-definitions',
    input: z.object({ id: pathId, ...pageParams }),
    output: UsedMetricDefinitionPage,
    summary: "List the metric definitions an installation's metrics use",
    errors: [400, 403, 404],
  },
});
