import { z } from 'zod';
import { MessageResponse } from '../errors.js';
import { InstallationPage, UsedMetricDefinitionPage } from '../entities/installation.js';
import { ProjectCreate, ProjectProjection, ProjectRegistration, ProjectRegistrationResult, ProjectUpdate } from '../entities/project.js';
import { pathId } from '../fields.js';
import { pageOf, pageParams, PageQuery } from '../page.js';
import { defineProcedures } from './define.js';
import { SearchCriterionInput } from './search.js';

const ProjectId = z.object({ id: pathId });
const ProjectProvider = z.object({ id: pathId, provider_id: pathId });
const ProjectScope = z.object({ project_id: pathId, ...pageParams });
const ProviderScope = z.object({ project_id: pathId, provider_id: pathId, ...pageParams });

export const ProjectPage = pageOf(ProjectProjection, 'ProjectPage');

export const projectProcedures = defineProcedures('Projects')({
  register: {
    name: 'admin_project_register',
    method: 'POST',
    path: '/admin/register-projects',
    input: ProjectRegistration,
    output: ProjectRegistrationResult,
    summary: 'Register projects known to OpenAIRE',
    errors: [400, 403, 415],
  },
  create: {
    name: 'admin_project_add',
    method: 'POST',
    path: '/admin/projects',
    input: ProjectCreate,
    output: ProjectProjection,
    status: 201,
    summary: 'Register a custom project',
    errors: [400, 403, 409, 415],
  },
  update: {
    name: 'admin_project_update',
    method: 'PATCH',
    path: '/admin/projects/{id}',
    input: ProjectUpdate,
    output: ProjectProjection,
    summary: 'Update a project',
    errors: [400, 403, 404, 415],
  },
  delete: {
    name: 'admin_project_delete',
    method: 'DELETE',
    path: '/admin/projects/{id}',
    input: ProjectId,
    output: MessageResponse,
    summary: 'Delete a project with its associations, installations, capacities and metrics',
    errors: [403, 404],
  },
  listAll: {
    name: 'admin_project_list',
    method: 'GET',
    path: '/admin/projects',
    input: PageQuery,
    output: ProjectPage,
    summary: 'List every project',
    errors: [400, 403],
  },
  list: {
    name: 'project_list',
    method: 'GET',
    path: '/projects',
    input: PageQuery,
    output: ProjectPage,
    summary: 'List the projects the caller may see',
    errors: [400],
  },
  search: {
    name: 'project_search',
    method: 'POST',
    path: '/projects/search',
    jsonContentType: true,
    input: SearchCriterionInput,
    output: ProjectPage,
    summary: 'Search projects',
    errors: [400, 403, 415],
  },
  get: {
    name: 'project_entry',
    method: 'GET',
    path: '/projects/{id}',
    input: ProjectId,
    output: ProjectProjection,
    summary: "Get a project's hierarchy",
    errors: [403, 404],
  },
  associateProvider: {
    name: 'project_provider_associate',
    method: 'POST',
    path: '/projects/{id}/associate/provider/{provider_id}',
    input: ProjectProvider,
    output: MessageResponse,
    summary: 'Associate a provider with a project',
    errors: [403, 404, 409],
  },
  dissociateProvider: {
    name: 'project_provider_dissociate',
    method: 'POST',
    path: '/projects/{id}/dissociate/provider/{provider_id}',
    input: ProjectProvider,
    output: MessageResponse,
    summary: 'Dissociate a provider from a project',
    errors: [403, 404, 409],
  },
  installations: {
    name: 'project_installations_list',
    method: 'GET',
    path: '/projects/{project_id}/installations',
    input: ProjectScope,
    output: InstallationPage,
    summary: "List a project's installations",
    errors: [400, 403, 404],
  },
  providerInstallations: {
    name: 'project_provider_installations_list',
    method: 'GET',
    path: '/projects/{project_id}/providers/{provider_id}/installations',
    input: ProviderScope,
    output: InstallationPage,
    summary: "List a provider's installations within a project",
    errors: [400, 403, 404],
  },
  metricDefinitions: {
    name: 'project_metric_definitions_list',
    method: 'GET',
    path: '/projects/{project_id}/metric-definitions',
    input: ProjectScope,
    output: UsedMetricDefinitionPage,
    summary: "List the metric definitions a project's metrics use",
    errors: [400, 403, 404],
  },
  providerMetricDefinitions: {
    name: 'project_provider_metric_definitions_list',
    method: 'GET',
    path: '/projects/{project_id}/providers/{provider_id}/metric-definitions',
    input: ProviderScope,
    output: UsedMetricDefinitionPage,
    summary: "List the metric definitions a provider's metrics use within a project",
    errors: [400, 403, 404],
  },
});
