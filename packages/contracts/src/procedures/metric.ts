import { z } from 'zod';
import {
  GroupMetricsQuery,
  InstallationExternalMetricsQuery,
  InstallationMetricsQuery,
  MetricBulkPush,
  MetricBulkResponse,
  MetricPatch,
  MetricProjection,
  MetricPush,
  MetricPushExternal,
  MetricPushResponse,
  ProjectMetricsQuery,
  ProjectProviderExternalMetricsQuery,
  ProjectProviderMetricsQuery,
  UserMetricsQuery,
} from '../entities/metric.js';
import { MessageResponse } from '../errors.js';
import { messages } from '../messages.js';
import { pathId } from '../fields.js';
import { pageOf } from '../page.js';
import { defineProcedures } from './define.js';
import { metricListingCsv } from '../csv.js';
import { PAGE_SIZE } from '../limits.js';

const listingCsv = metricListingCsv(PAGE_SIZE.max);
const searchCsv = metricListingCsv(PAGE_SIZE.maxSearch);

const metricSearchMalformed = 'Invalid search query: malformed JSON.';

const MetricPage = pageOf(MetricProjection, 'MetricProjectionPage');
const MetricId = z.object({ installation_id: pathId, metric_id: pathId });

/**
 * `POST /metrics/search`: one §6 criterion, taken loosely because the server's parser owns its messages,
 * so no property is declared (the handler then answers empty and malformed bodies with the §6 texts).
 * Over REST `page`/`size` are query parameters; over tRPC they may travel beside the criterion.
 */
export const MetricSearchInput = z
  .looseObject({}, { error: (issue) => (issue.input === undefined || issue.input === null ? messages.bodyEmpty : metricSearchMalformed) })
  .meta({
    description:
      'One criterion: `{"type":"query","field":…,"values":…,"operand"?:"eq|neq|lt|lte|gt|gte"}` or ' +
      '`{"type":"filter","operator":"AND|OR","criteria":[…]}`. Paging comes from the `page` and `size` query parameters (size ≤ 1000).',
  });

const listErrors = [400, 403, 404];

/**
 * Route order matters: the REST bridge takes the first path that matches, so every `external` form is
 * declared before its `{id}` twin.
 */
export const metricProcedures = defineProcedures('Metrics')({
  pushExternal: {
    name: 'installation_external_metrics_add',
    method: 'POST',
    path: '/installations/external/metrics',
    query: ['externalId'],
    input: MetricPushExternal,
    output: MetricPushResponse,
    status: 201,
    summary: 'Push a metric to the installation with the given external id (`?externalId=`)',
    errors: [400, 403, 404, 409, 415],
  },
  listByInstallationExternal: {
    name: 'installation_external_metrics_list',
    method: 'GET',
    path: '/installations/external/metrics',
    input: InstallationExternalMetricsQuery,
    output: MetricPage,
    csv: listingCsv,
    summary: 'List the metrics of the installation with the given external id',
    errors: listErrors,
  },
  push: {
    name: 'installation_metrics_add',
    method: 'POST',
    path: '/installations/{installation_id}/metrics',
    input: MetricPush,
    output: MetricPushResponse,
    status: 201,
    summary: 'Push a metric (optional `Idempotency-Key` header)',
    errors: [400, 403, 404, 409, 415],
  },
  pushBulk: {
    name: 'installation_metrics_bulk',
    method: 'POST',
    path: '/installations/{installation_id}/metrics/bulk',
    input: MetricBulkPush,
    body: 'items',
    output: MetricBulkResponse,
    status: 201,
    summary: 'Push up to 10000 metrics at once, all or nothing (optional `Idempotency-Key` header)',
    errors: [400, 403, 404, 409, 413, 415],
    // 10,000 metrics with 255-character group and user ids come to about 6.9 MiB of compact JSON.
    maxBodyBytes: 8 * 1024 * 1024,
  },
  listByInstallation: {
    name: 'installation_metrics_list',
    method: 'GET',
    path: '/installations/{installation_id}/metrics',
    input: InstallationMetricsQuery,
    output: MetricPage,
    csv: listingCsv,
    summary: 'List the metrics of an installation',
    errors: listErrors,
  },
  get: {
    name: 'installation_metrics_entry',
    method: 'GET',
    path: '/installations/{installation_id}/metrics/{metric_id}',
    input: MetricId,
    output: MetricPushResponse,
    summary: 'Get a metric of an installation',
    errors: [403, 404],
  },
  update: {
    name: 'installation_metrics_update',
    method: 'PATCH',
    path: '/installations/{installation_id}/metrics/{metric_id}',
    input: MetricPatch,
    output: MetricPushResponse,
    summary: 'Update a metric of an installation',
    errors: [400, 403, 404, 415],
  },
  delete: {
    name: 'installation_metrics_delete',
    method: 'DELETE',
    path: '/installations/{installation_id}/metrics/{metric_id}',
    input: MetricId,
    output: MessageResponse,
    summary: 'Delete a metric of an installation',
    errors: [403, 404],
  },
  listByProject: {
    name: 'project_metrics_list',
    method: 'GET',
    path: '/projects/{project_id}/metrics',
    input: ProjectMetricsQuery,
    output: MetricPage,
    csv: listingCsv,
    summary: 'List the metrics of a project',
    errors: listErrors,
  },
  listByProjectProviderExternal: {
    name: 'project_provider_external_metric_list',
    method: 'GET',
    path: '/projects/{project_id}/providers/external/metrics',
    input: ProjectProviderExternalMetricsQuery,
    output: MetricPage,
    csv: listingCsv,
    summary: 'List the metrics of a provider (by external id, `?externalProviderId=`) within a project',
    errors: listErrors,
  },
  listByProjectProvider: {
    name: 'project_provider_metric_list',
    method: 'GET',
    path: '/projects/{project_id}/providers/{provider_id}/metrics',
    input: ProjectProviderMetricsQuery,
    output: MetricPage,
    csv: listingCsv,
    summary: 'List the metrics of a provider within a project',
    errors: listErrors,
  },
  listByGroup: {
    name: 'project_group_metric_list',
    method: 'GET',
    path: '/projects/projects/{project_id}/groups/{group_id}/metrics',
    input: GroupMetricsQuery,
    output: MetricPage,
    csv: listingCsv,
    summary: 'List the metrics of a group within a project',
    errors: listErrors,
  },
  listByGroupAlias: {
    name: 'project_group_metric_list_alias',
    method: 'GET',
    path: '/projects/{project_id}/groups/{group_id}/metrics',
    input: GroupMetricsQuery,
    output: MetricPage,
    csv: listingCsv,
    summary: 'List the metrics of a group within a project (alias without the doubled segment)',
    errors: listErrors,
  },
  listByUser: {
    name: 'project_user_metric_list',
    method: 'GET',
    path: '/projects/projects/{project_id}/users/{user_id}/metrics',
    input: UserMetricsQuery,
    output: MetricPage,
    csv: listingCsv,
    summary: 'List the metrics of a user within a project',
    errors: listErrors,
  },
  listByUserAlias: {
    name: 'project_user_metric_list_alias',
    method: 'GET',
    path: '/projects/{project_id}/users/{user_id}/metrics',
    input: UserMetricsQuery,
    output: MetricPage,
    csv: listingCsv,
    summary: 'List the metrics of a user within a project (alias without the doubled segment)',
    errors: listErrors,
  },
  search: {
    name: 'metric_search',
    method: 'POST',
    path: '/metrics/search',
    input: MetricSearchInput,
    output: MetricPage,
    csv: searchCsv,
    // No body fields are declared (see MetricSearchInput), yet the body is JSON.
    jsonContentType: true,
    summary: 'Search the metrics visible to the caller (§6 criterion; `?page&size`, size ≤ 1000)',
    errors: [400, 415],
  },
});
