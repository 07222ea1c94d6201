import { describe, expect, it } from 'vitest';
import { contractNames, contracts } from './registry.js';

/**
 * The names are public: the client and CLI call contracts by them and errors quote them. Renaming one,
 * or moving it to another route, breaks callers, so this list changes only on purpose.
 */
const STABLE: [string, string][] = [
  ['unit_type_list', 'GET /unit-types'],
  ['unit_type_entry', 'GET /unit-types/{id}'],
  ['unit_type_add', 'POST /unit-types'],
  ['unit_type_update', 'PATCH /unit-types/{id}'],
  ['unit_type_delete', 'DELETE /unit-types/{id}'],
  ['metric_type_list', 'GET /metric-types'],
  ['metric_type_entry', 'GET /metric-types/{id}'],
  ['metric_type_add', 'POST /metric-types'],
  ['metric_type_update', 'PATCH /metric-types/{id}'],
  ['metric_type_delete', 'DELETE /metric-types/{id}'],
  ['admin_version', 'GET /admin/version'],
  ['metric_definition_add', 'POST /metric-definitions'],
  ['metric_definition_list', 'GET /metric-definitions'],
  ['metric_definition_search', 'POST /metric-definitions/search'],
  ['metric_definition_entry', 'GET /metric-definitions/{id}'],
  ['metric_definition_update', 'PATCH /metric-definitions/{id}'],
  ['metric_definition_delete', 'DELETE /metric-definitions/{id}'],
  ['provider_add', 'POST /providers'],
  ['provider_list', 'GET /providers'],
  ['provider_external_entry', 'GET /providers/external'],
  ['provider_all_list', 'GET /providers/all'],
  ['provider_search', 'POST /providers/search'],
  ['provider_entry', 'GET /providers/{id}'],
  ['provider_update', 'PATCH /providers/{id}'],
  ['provider_delete', 'DELETE /providers/{id}'],
  ['resource_list', 'GET /resources'],
  ['admin_resource_add', 'POST /admin/resources'],
  ['admin_resource_delete', 'DELETE /admin/resources/{id}'],
  ['operand_list', 'GET /operands'],
  ['operator_list', 'GET /operators'],
  ['admin_actor_list', 'GET /admin/actors'],
  ['admin_actor_entitlement_list', 'GET /admin/actors/entitlements'],
  ['admin_actor_entitlements', 'GET /admin/actors/{actor_id}/entitlements'],
  ['admin_entitlement_list', 'GET /admin/entitlements'],
  ['admin_entitlement_add', 'POST /admin/entitlements'],
  ['admin_entitlement_entry', 'GET /admin/entitlements/{id}'],
  ['admin_entitlement_update', 'PATCH /admin/entitlements/{id}'],
  ['admin_entitlement_delete', 'DELETE /admin/entitlements/{id}'],
  ['admin_entitlement_assign', 'POST /admin/entitlements/{id}/assign/{actor_id}'],
  ['admin_entitlement_dissociate', 'POST /admin/entitlements/{id}/dissociate/{actor_id}'],
  ['admin_oidc_tenant_list', 'GET /admin/oidc-tenants'],
  ['admin_oidc_tenant_add', 'POST /admin/oidc-tenants'],
  ['admin_oidc_tenant_entry', 'GET /admin/oidc-tenants/{id}'],
  ['admin_oidc_tenant_update', 'PATCH /admin/oidc-tenants/{id}'],
  ['admin_oidc_tenant_delete', 'DELETE /admin/oidc-tenants/{id}'],
  ['admin_setting_list', 'GET /admin/settings/metadata'],
  ['admin_setting_update', 'PUT /admin/settings/{key}'],
  ['admin_counts', 'GET /admin/metrics'],
  ['ams_listener', 'POST /ams-listener'],
  ['admin_project_register', 'POST /admin/register-projects'],
  ['admin_project_add', 'POST /admin/projects'],
  ['admin_project_update', 'PATCH /admin/projects/{id}'],
  ['admin_project_delete', 'DELETE /admin/projects/{id}'],
  ['admin_project_list', 'GET /admin/projects'],
  ['project_list', 'GET /projects'],
  ['project_search', 'POST /projects/search'],
  ['project_entry', 'GET /projects/{id}'],
  ['project_provider_associate', 'POST /projects/{id}/associate/provider/{provider_id}'],
  ['project_provider_dissociate', 'POST /projects/{id}/dissociate/provider/{provider_id}'],
  ['project_installations_list', 'GET /projects/{project_id}/installations'],
  ['project_provider_installations_list', 'GET /projects/{project_id}/providers/{provider_id}/installations'],
  ['project_metric_definitions_list', 'GET /projects/{project_id}/metric-definitions'],
  ['project_provider_metric_definitions_list', 'GET /projects/{project_id}/providers/{provider_id}/metric-definitions'],
  ['installation_add', 'POST /installations'],
  ['installation_list', 'GET /installations/all'],
  ['installation_search', 'POST /installations/search'],
  ['installation_external_entry', 'GET /installations/external'],
  ['installation_external_update', 'PATCH /installations/external'],
  ['installation_external_delete', 'DELETE /installations/external'],
  ['installation_entry', 'GET /installations/{id}'],
  ['installation_update', 'PATCH /installations/{id}'],
  ['installation_delete', 'DELETE /installations/{id}'],
  ['installation_metric_definitions_list', 'GET /installations/{id}/metric-definitions'],
  ['client_register', 'POST /clients'],
  ['client_me', 'GET /clients/me'],
  ['client_general_permissions', 'GET /clients/general-permissions'],
  ['installation_external_metrics_add', 'POST /installations/external/metrics'],
  ['installation_external_metrics_list', 'GET /installations/external/metrics'],
  ['installation_metrics_add', 'POST /installations/{installation_id}/metrics'],
  ['installation_metrics_bulk', 'POST /installations/{installation_id}/metrics/bulk'],
  ['installation_metrics_list', 'GET /installations/{installation_id}/metrics'],
  ['installation_metrics_entry', 'GET /installations/{installation_id}/metrics/{metric_id}'],
  ['installation_metrics_update', 'PATCH /installations/{installation_id}/metrics/{metric_id}'],
  ['installation_metrics_delete', 'DELETE /installations/{installation_id}/metrics/{metric_id}'],
  ['project_metrics_list', 'GET /projects/{project_id}/metrics'],
  ['project_provider_external_metric_list', 'GET /projects/{project_id}/providers/external/metrics'],
  ['project_provider_metric_list', 'GET /projects/{project_id}/providers/{provider_id}/metrics'],
  ['project_group_metric_list', 'GET /projects/projects/{project_id}/groups/{group_id}/metrics'],
  ['project_group_metric_list_alias', 'GET /projects/{project_id}/groups/{group_id}/metrics'],
  ['project_user_metric_list', 'GET /projects/projects/{project_id}/users/{user_id}/metrics'],
  ['project_user_metric_list_alias', 'GET /projects/{project_id}/users/{user_id}/metrics'],
  ['metric_search', 'POST /metrics/search'],
  ['installation_capacity_add', 'POST /installations/{installation_id}/capacities'],
  ['installation_capacity_list', 'GET /installations/{installation_id}/capacities'],
  ['installation_capacity_update', 'PATCH /installations/{installation_id}/capacities/{capacity_id}'],
  ['installation_capacity_delete', 'DELETE /installations/{installation_id}/capacities/{capacity_id}'],
  ['installation_external_report', 'GET /installations/external/report'],
  ['installation_report', 'GET /installations/{installation_id}/report'],
  ['project_provider_external_report', 'GET /projects/{project_id}/providers/external/report'],
  ['project_provider_report', 'GET /projects/{project_id}/providers/{provider_id}/report'],
  ['project_report', 'GET /projects/{project_id}/report'],
  ['provider_external_report', 'GET /providers/report/external'],
  ['provider_report', 'GET /providers/{provider_id}/report'],
  ['project_group_report', 'GET /projects/projects/{project_id}/groups/{group_id}/report'],
  ['project_group_report_alias', 'GET /projects/{project_id}/groups/{group_id}/report'],
  ['project_user_report', 'GET /projects/projects/{project_id}/users/{user_id}/report'],
  ['project_user_report_alias', 'GET /projects/{project_id}/users/{user_id}/report'],
  ['usage_freshness', 'GET /usage/freshness'],
  ['installation_external_usage', 'GET /installations/external/usage'],
  ['installation_usage', 'GET /installations/{installation_id}/usage'],
  ['project_provider_usage', 'GET /projects/{project_id}/providers/{provider_id}/usage'],
  ['project_usage', 'GET /projects/{project_id}/usage'],
  ['provider_usage', 'GET /providers/{provider_id}/usage'],
  ['usage', 'GET /usage'],
];

describe('the contract registry', () => {
  it('files every contract under its own name', () => {
    for (const [name, contract] of Object.entries(contracts)) expect(contract.name).toBe(name);
  });

  it('gives each contract a snake_case name', () => {
    for (const name of contractNames) expect(name).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('keeps every name on its route', () => {
    const actual = Object.values(contracts).map((c) => [c.name, `${c.method} ${c.path}`]);
    expect(actual).toEqual(STABLE);
  });

  it('has no two contracts on one method and path', () => {
    const routes = Object.values(contracts).map((c) => `${c.method} ${c.path}`);
    expect(new Set(routes).size).toBe(routes.length);
  });
});
