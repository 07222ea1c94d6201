import {
  FreshnessPage,
  FreshnessQuery,
  InstallationExternalUsageQuery,
  InstallationUsageQuery,
  ProjectProviderUsageQuery,
  ProjectUsageQuery,
  ProviderUsageQuery,
  UsageAnswer,
  UsageQuery,
} from '../entities/usage.js';
import { defineProcedures } from './define.js';
import { usageCsv } from '../csv.js';

const errors = [400, 403, 404];
const windowed = 'usage over time (`?start&end`, `window` hour…year|total, `tz`, `group_by`, `aggregation`, `fill`)';

/** usage-api.md §1–§2. Every `external` path is declared before its `{id}` twin: the REST bridge takes the first match. */
export const usageProcedures = defineProcedures('Usage')({
  freshness: {
    name: 'usage_freshness',
    method: 'GET',
    path: '/usage/freshness',
    input: FreshnessQuery,
    output: FreshnessPage,
    summary: 'Installations the caller may see, stalest first (never-reported first), with when each last reported',
    errors: [400],
  },
  installationExternal: {
    name: 'installation_external_usage',
    method: 'GET',
    path: '/installations/external/usage',
    input: InstallationExternalUsageQuery,
    output: UsageAnswer,
    csv: usageCsv,
    summary: `The installation with the given external id: ${windowed}`,
    errors,
  },
  installation: {
    name: 'installation_usage',
    method: 'GET',
    path: '/installations/{installation_id}/usage',
    input: InstallationUsageQuery,
    output: UsageAnswer,
    csv: usageCsv,
    summary: `An installation: ${windowed}`,
    errors,
  },
  projectProvider: {
    name: 'project_provider_usage',
    method: 'GET',
    path: '/projects/{project_id}/providers/{provider_id}/usage',
    input: ProjectProviderUsageQuery,
    output: UsageAnswer,
    csv: usageCsv,
    summary: `A provider's installations within a project: ${windowed}`,
    errors,
  },
  project: {
    name: 'project_usage',
    method: 'GET',
    path: '/projects/{project_id}/usage',
    input: ProjectUsageQuery,
    output: UsageAnswer,
    csv: usageCsv,
    summary: `Every installation of a project: ${windowed}`,
    errors,
  },
  provider: {
    name: 'provider_usage',
    method: 'GET',
    path: '/providers/{provider_id}/usage',
    input: ProviderUsageQuery,
    output: UsageAnswer,
    csv: usageCsv,
    summary: `A provider's installations in every project (provider representatives): ${windowed}`,
    errors,
  },
  global: {
    name: 'usage',
    method: 'GET',
    path: '/usage',
    input: UsageQuery,
    output: UsageAnswer,
    csv: usageCsv,
    summary: `Every installation the caller may see (an empty answer for a caller who sees none): ${windowed}`,
    errors: [400, 404],
  },
});
