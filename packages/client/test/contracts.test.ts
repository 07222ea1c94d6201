import { contractNames, contracts, type ContractInput, type ContractName } from '@acc/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountingClient, AccServiceError } from '../src/index.js';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy.js';
import { seedWorld, type World } from './support/world.js';

/** Ids the walk creates on its way and uses further on. */
interface Walk {
  w: World;
  acc: AccountingClient;
  got: Partial<Record<ContractName, unknown>>;
  grnetExternalId: string;
}

type Step<N extends ContractName> = (s: Walk) => ContractInput<N> | Promise<ContractInput<N>>;

const idOf = (s: Walk, name: ContractName, key = 'id'): string => (s.got[name] as Record<string, string>)[key];
const firstRow = (s: Walk, name: ContractName): Record<string, string> => (s.got[name] as { content: Record<string, string>[] }).content[0];
const window = { start: '2024-01-01', end: '2024-12-31' };
const push = (value: number) => ({
  metric_definition_id: '',
  time_period_start: '2024-07-01T00:00:00Z',
  time_period_end: '2024-07-02T00:00:00Z',
  value,
});

/**
 * One input per contract, in the order they run (creates before the calls that need them, deletes
 * last). The type demands a step for every name, so a new contract cannot be left out of the walk.
 */
const steps: { [N in ContractName]: Step<N> } = {
  unit_type_list: () => ({}),
  unit_type_add: () => ({ unit_type: 'walk-unit', description: 'walk' }),
  unit_type_entry: (s) => ({ id: idOf(s, 'unit_type_add') }),
  unit_type_update: (s) => ({ id: idOf(s, 'unit_type_add'), unit_type: 'walk-unit-2', description: 'walk' }),
  metric_type_list: () => ({ size: 5 }),
  metric_type_add: () => ({ metric_type: 'walk-type', description: 'walk' }),
  metric_type_entry: (s) => ({ id: idOf(s, 'metric_type_add') }),
  metric_type_update: (s) => ({ id: idOf(s, 'metric_type_add'), metric_type: 'walk-type-2', description: 'walk' }),
  admin_version: () => ({}),
  metric_definition_add: () => ({ metric_name: 'walk', unit_type: 'TB', metric_type: 'aggregated' }),
  metric_definition_list: () => ({}),
  metric_definition_search: () => ({ type: 'query', field: 'metric_name', values: 'walk' }),
  metric_definition_entry: (s) => ({ id: idOf(s, 'metric_definition_add', 'metric_definition_id') }),
  metric_definition_update: (s) => ({
    id: idOf(s, 'metric_definition_add', 'metric_definition_id'),
    metric_name: 'walk-2',
    unit_type: 'TB',
    metric_type: 'aggregated',
  }),
  provider_add: () => ({ name: 'Walk', external_id: 'walk-provider' }),
  provider_list: () => ({}),
  provider_external_entry: () => ({ externalId: 'walk-provider' }),
  provider_all_list: () => ({}),
  provider_search: () => ({ type: 'query', field: 'name', values: 'Walk' }),
  provider_entry: (s) => ({ id: idOf(s, 'provider_add') }),
  provider_update: (s) => ({ id: idOf(s, 'provider_add'), name: 'Walk 2' }),
  resource_list: () => ({}),
  admin_resource_add: () => ({ id: 'walk-resource', name: 'Walk' }),
  operand_list: () => ({}),
  operator_list: () => ({}),
  // Registering first makes the caller an actor the admin calls below can name.
  client_register: () => ({}),
  client_me: () => ({}),
  client_general_permissions: () => ({}),
  admin_actor_list: () => ({}),
  admin_actor_entitlement_list: () => ({}),
  admin_actor_entitlements: (s) => ({ actor_id: firstRow(s, 'admin_actor_list').id }),
  admin_entitlement_list: () => ({}),
  admin_entitlement_add: () => ({ name: 'walk-entitlement' }),
  admin_entitlement_entry: (s) => ({ id: idOf(s, 'admin_entitlement_add') }),
  admin_entitlement_update: (s) => ({ id: idOf(s, 'admin_entitlement_add'), name: 'walk-entitlement-2' }),
  admin_entitlement_assign: (s) => ({ id: idOf(s, 'admin_entitlement_add'), actor_id: firstRow(s, 'admin_actor_list').id }),
  admin_entitlement_dissociate: (s) => ({ id: idOf(s, 'admin_entitlement_add'), actor_id: firstRow(s, 'admin_actor_list').id }),
  admin_oidc_tenant_list: () => ({}),
  admin_oidc_tenant_add: () => ({
    issuer: 'https://walk.example/issuer',
    tenant_id: 'walk',
    client_id: 'walk-client',
    secret: 'walk-secret',
    authorization_path: '/authorize',
    introspection_path: '/introspect',
    user_info_path: '/userinfo',
    token_path: '/token',
    auth_server_url: 'https://walk.example',
    user_id_token_claim: 'sub',
    service_id_token_claim: 'client_id',
    group_management_namespace: 'urn:walk',
    group_management_parent: 'walk',
    entitlement_management: 'oidc',
  }),
  admin_oidc_tenant_entry: (s) => ({ id: idOf(s, 'admin_oidc_tenant_add') }),
  admin_oidc_tenant_update: (s) => ({ id: idOf(s, 'admin_oidc_tenant_add'), client_id: 'walk-client-2' }),
  admin_setting_list: () => ({}),
  admin_setting_update: (s) => ({ key: firstRow(s, 'admin_setting_list').key, value: firstRow(s, 'admin_setting_list').current_value }),
  admin_counts: () => ({ startDate: window.start, endDate: window.end }),
  admin_rollups_check: () => ({}),
  admin_rollups_rebuild: () => ({}),
  // No AMS secret is configured, so the listener refuses; the call still reaches its route (see below).
  ams_listener: () => ({ message: { data: 'e30=' }, subscription: 'walk' }),
  admin_project_register: () => ({ projects: ['123456'] }),
  admin_project_add: () => ({
    id: 'walk-project',
    acronym: 'WALK',
    title: 'Walk',
    start_date: '2024-01-01',
    end_date: '2024-12-31',
    call_identifier: 'W',
  }),
  admin_project_update: () => ({ id: 'walk-project', title: 'Walk 2' }),
  admin_project_list: () => ({}),
  project_list: () => ({}),
  project_search: () => ({ type: 'query', field: 'acronym', values: 'WALK' }),
  project_entry: () => ({ id: '777536' }),
  project_provider_associate: (s) => ({ id: '101017567', provider_id: s.w.cyfronet }),
  project_provider_dissociate: (s) => ({ id: '101017567', provider_id: s.w.cyfronet }),
  project_installations_list: () => ({ project_id: '777536' }),
  project_provider_installations_list: (s) => ({ project_id: '777536', provider_id: s.w.grnet }),
  project_metric_definitions_list: () => ({ project_id: '777536' }),
  project_provider_metric_definitions_list: (s) => ({ project_id: '777536', provider_id: s.w.grnet }),
  installation_add: (s) => ({
    project: '777536',
    organisation: s.w.grnet,
    installation: 'WALK',
    infrastructure: 'walk',
    external_id: 'walk-installation',
  }),
  installation_list: () => ({}),
  installation_search: () => ({ type: 'query', field: 'installation', values: 'WALK' }),
  installation_external_entry: () => ({ externalId: 'walk-installation' }),
  installation_external_update: () => ({ externalId: 'walk-installation', infrastructure: 'walk-2' }),
  installation_entry: (s) => ({ id: idOf(s, 'installation_add') }),
  installation_update: (s) => ({ id: idOf(s, 'installation_add'), infrastructure: 'walk-3' }),
  installation_metric_definitions_list: (s) => ({ id: s.w.kns }),
  installation_external_metrics_add: (s) => ({ externalId: 'walk-installation', ...push(1), metric_definition_id: s.w.cpu }),
  installation_external_metrics_list: () => ({ externalId: 'walk-installation' }),
  installation_metrics_add: (s) => ({ installation_id: s.w.kns, ...push(2), metric_definition_id: s.w.cpu }),
  installation_metrics_bulk: (s) => ({ installation_id: s.w.kns, items: [{ ...push(3), metric_definition_id: s.w.cpu }] }),
  installation_metrics_list: (s) => ({ installation_id: s.w.kns, 'metric-definition-id': s.w.cpu, ...window }),
  installation_metrics_entry: (s) => ({ installation_id: s.w.kns, metric_id: idOf(s, 'installation_metrics_add', 'metric_id') }),
  installation_metrics_update: (s) => ({
    installation_id: s.w.kns,
    metric_id: idOf(s, 'installation_metrics_add', 'metric_id'),
    ...push(4),
    metric_definition_id: s.w.cpu,
  }),
  project_metrics_list: () => ({ project_id: '777536' }),
  project_provider_external_metric_list: (s) => ({ project_id: '777536', externalProviderId: s.grnetExternalId }),
  project_provider_metric_list: (s) => ({ project_id: '777536', provider_id: s.w.grnet }),
  project_group_metric_list: () => ({ project_id: '777536', group_id: 'g1' }),
  project_group_metric_list_alias: () => ({ project_id: '777536', group_id: 'g1' }),
  project_user_metric_list: () => ({ project_id: '777536', user_id: 'u1' }),
  project_user_metric_list_alias: () => ({ project_id: '777536', user_id: 'u1' }),
  metric_search: () => ({ type: 'query', field: 'value', values: 500 }),
  installation_capacity_add: (s) => ({ installation_id: s.w.cyf, metric_definition_id: s.w.cpu, value: 5, registered_on: '2023-01-01' }),
  installation_capacity_list: (s) => ({ installation_id: s.w.cyf }),
  installation_capacity_update: (s) => ({ installation_id: s.w.cyf, capacity_id: firstRow(s, 'installation_capacity_list').id, value: 6 }),
  alert_rule_add: (s) => ({
    name: 'walk alert',
    scope: { installation_id: s.w.kns },
    kind: 'capacity',
    metric_definition_id: s.w.cpu,
    threshold_percent: 80,
    // A public literal: no name to resolve, and creating a rule sends nothing.
    webhook_url: 'https://93.184.215.14/acc-walk',
  }),
  alert_rule_list: () => ({}),
  alert_rule_entry: (s) => ({ id: idOf(s, 'alert_rule_add') }),
  alert_rule_update: (s) => ({ id: idOf(s, 'alert_rule_add'), threshold_percent: 90 }),
  report_schedule_add: () => ({
    name: 'walk schedule',
    scope: { project_id: '777536' },
    every: 'month',
    tz: 'Europe/Athens',
    webhook_url: 'https://93.184.215.14/acc-walk',
  }),
  report_schedule_list: () => ({}),
  report_schedule_entry: (s) => ({ id: idOf(s, 'report_schedule_add') }),
  report_schedule_update: (s) => ({ id: idOf(s, 'report_schedule_add'), every: 'week' }),
  alert_rule_test: async (s) => {
    // Re-pointed at loopback behind the API's back, which this server refuses at delivery: the test event
    // (and its redelivery) are queued and logged, but sent nowhere.
    await s.w.server.app.database.dataSource.query(`UPDATE alert_rules SET webhook_url = 'https://127.0.0.1:9/acc-walk' WHERE id = $1`, [
      idOf(s, 'alert_rule_add'),
    ]);
    return { id: idOf(s, 'alert_rule_add') };
  },
  alert_rule_redeliver: (s) => ({ id: idOf(s, 'alert_rule_add'), event_id: idOf(s, 'alert_rule_test', 'event_id') }),
  alert_rule_deliveries: (s) => ({ id: idOf(s, 'alert_rule_add') }),
  report_schedule_test: async (s) => {
    // As alert_rule_test: loopback, refused at delivery, so the test event is logged and sent nowhere.
    await s.w.server.app.database.dataSource.query(`UPDATE report_schedules SET webhook_url = 'https://127.0.0.1:9/acc-walk' WHERE id = $1`, [
      idOf(s, 'report_schedule_add'),
    ]);
    return { id: idOf(s, 'report_schedule_add') };
  },
  report_schedule_redeliver: (s) => ({ id: idOf(s, 'report_schedule_add'), event_id: idOf(s, 'report_schedule_test', 'event_id') }),
  report_schedule_deliveries: (s) => ({ id: idOf(s, 'report_schedule_add') }),
  installation_external_report: () => ({ externalId: 'walk-installation', ...window }),
  installation_report: (s) => ({ installation_id: s.w.kns, ...window }),
  project_provider_external_report: (s) => ({ project_id: '777536', externalProviderId: s.grnetExternalId, ...window }),
  project_provider_report: (s) => ({ project_id: '777536', provider_id: s.w.grnet, ...window }),
  project_report: () => ({ project_id: '777536', ...window }),
  provider_external_report: (s) => ({ externalId: s.grnetExternalId, ...window }),
  provider_report: (s) => ({ provider_id: s.w.grnet, ...window }),
  project_group_report: () => ({ project_id: '777536', group_id: 'g1', ...window }),
  project_group_report_alias: () => ({ project_id: '777536', group_id: 'g1', ...window }),
  project_user_report: () => ({ project_id: '777536', user_id: 'u1', ...window }),
  project_user_report_alias: () => ({ project_id: '777536', user_id: 'u1', ...window }),
  usage_freshness: () => ({ stale_after_hours: 1 }),
  installation_external_usage: () => ({ externalId: 'walk-installation', ...window, window: 'month' }),
  installation_usage: (s) => ({ installation_id: s.w.kns, ...window, metric_definition_id: [s.w.cpu] }),
  project_provider_usage: (s) => ({ project_id: '777536', provider_id: s.w.grnet, ...window, group_by: ['installation', 'user_id'] }),
  project_usage: () => ({ project_id: '777536', ...window, window: 'month', tz: 'Europe/Athens', group_by: ['provider'] }),
  provider_usage: (s) => ({ provider_id: s.w.grnet, ...window, aggregation: 'avg', fill: 'none' }),
  usage: () => ({ ...window, window: 'total' }),
  // Deletes last, each of something the walk created.
  alert_rule_delete: (s) => ({ id: idOf(s, 'alert_rule_add') }),
  report_schedule_delete: (s) => ({ id: idOf(s, 'report_schedule_add') }),
  installation_capacity_delete: (s) => ({ installation_id: s.w.cyf, capacity_id: firstRow(s, 'installation_capacity_list').id }),
  installation_metrics_delete: (s) => ({ installation_id: s.w.kns, metric_id: idOf(s, 'installation_metrics_add', 'metric_id') }),
  installation_external_delete: async (s) => {
    // The walk's own installation holds metrics now, which forbids deleting it: delete a fresh one.
    await s.acc.call('installation_add', {
      project: '777536',
      organisation: s.w.grnet,
      installation: 'WALK-EXT',
      infrastructure: 'walk',
      external_id: 'walk-spare',
    });
    return { externalId: 'walk-spare' };
  },
  installation_delete: async (s) => {
    const spare = await s.acc.call('installation_add', {
      project: '777536',
      organisation: s.w.grnet,
      installation: 'WALK-SPARE',
      infrastructure: 'walk',
    });
    return { id: spare.id };
  },
  admin_project_delete: () => ({ id: 'walk-project' }),
  admin_oidc_tenant_delete: (s) => ({ id: idOf(s, 'admin_oidc_tenant_add') }),
  admin_entitlement_delete: (s) => ({ id: idOf(s, 'admin_entitlement_add') }),
  admin_resource_delete: () => ({ id: 'walk-resource' }),
  provider_delete: (s) => ({ id: idOf(s, 'provider_add') }),
  metric_definition_delete: (s) => ({ id: idOf(s, 'metric_definition_add', 'metric_definition_id') }),
  metric_type_delete: (s) => ({ id: idOf(s, 'metric_type_add') }),
  unit_type_delete: (s) => ({ id: idOf(s, 'unit_type_add') }),
};

/** Contracts whose refusal is the point here: the request reached the route and got its documented answer. */
const refused: Partial<Record<ContractName, number>> = { ams_listener: 403 };

/** A contract path as a pattern over the path the server saw: `{param}` matches one encoded segment. */
const routeOf = (path: string) => new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`);

describe('every contract, called by name against the real server', () => {
  let s: Walk;
  let proxy: RecordingProxy;
  beforeAll(async () => {
    const w = await seedWorld();
    proxy = await startRecordingProxy(w.server.url);
    const acc = new AccountingClient({ endpoint: proxy.url, token: w.token, retries: 0 });
    const grnetExternalId = (await acc.call('provider_entry', { id: w.grnet })).external_id ?? '';
    s = { w, acc, got: {}, grnetExternalId };
  });
  afterAll(async () => {
    await proxy?.close();
    await s?.w.close();
  });

  it('has a step for each registered contract and no other', () => {
    expect(Object.keys(steps).sort()).toEqual([...contractNames].sort());
  });

  it.each(Object.keys(steps) as ContractName[])('%s', async (name) => {
    const contract = contracts[name];
    const input = await (steps[name] as Step<typeof name>)(s);
    const before = proxy.requests.length;
    let status: number;
    try {
      const answer = await s.acc.callWithResponse(name, input);
      s.got[name] = answer.body;
      status = answer.status;
    } catch (err) {
      if (!(err instanceof AccServiceError)) throw err;
      expect(err.route).toBe(name);
      status = err.status;
      if (refused[name] === undefined) throw err;
    }
    expect(status).toBe(refused[name] ?? contract.status);
    const sent = proxy.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].method).toBe(contract.method);
    expect(sent[0].path).toMatch(routeOf(contract.path));
  });
});
