import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as contracts from '@acc/contracts';
import type { HttpMethod, ProcedureContract } from '@acc/contracts';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAire, type OpenAireStub } from './project-fixtures.js';
import { backends } from './support/database.js';
import { ent, NS } from './support/issuer.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * The access-control proof: every REST endpoint (taken from the contracts, so a new endpoint without a
 * row fails the coverage check) called by one caller of each entitlement kind, each answer compared with
 * the status §1.3/§3.4/§4/§5 give. The expected caller sets below are written out by hand from the spec
 * rather than computed with the server's AccessPolicy, so a bug there cannot agree with itself.
 */

const API = '/accounting-system';
const FORBIDDEN = 'The authenticated client is not permitted to perform the requested operation.';
const PREP_FORBIDDEN = 'You have no access to execute this operation.';
const AMS_FORBIDDEN = 'You cannot perform this operation';

/** The fixture world. Ids are fixed because the installation-level entitlements name an installation id. */
const W = {
  P: 'projP',
  Q: 'projQ',
  /** Associated with P and Q: the provider representative's provider. */
  prov: 'prov',
  /** Associated with P only, with its own installation: what P.prov callers must not see. */
  other: 'other',
  /** Associated with P, no installations: dissociation succeeds. */
  spare: 'spare',
  /** Associated with nothing: association, provider PATCH and DELETE succeed. */
  loose: 'loose',
  instP: 'aaaaaaaaaaaaaaaaaaaa0001',
  instQ: 'aaaaaaaaaaaaaaaaaaaa0002',
  instP2: 'aaaaaaaaaaaaaaaaaaaa0003',
  /** Used by the metrics. */
  def: 'dddddddddddddddddddd0001',
  /** Used by nothing, so PATCH/DELETE are not refused with 409. */
  defFree: 'dddddddddddddddddddd0002',
  /** An alert rule on instP, written afresh before every call (alerts.md §1). */
  alertRule: 'ffffffffffffffffffff0001',
  /** A weekly report schedule on instP, written afresh before every call (alerts.md §3). */
  reportSchedule: 'ffffffffffffffffffff0002',
  /** One of the rule's webhook events (alerts.md §2). */
  alertEvent: 'msg_acl0000000000000000000000000001',
  /** One of the schedule's webhook events (alerts.md §3). */
  scheduleEvent: 'msg_acl0000000000000000000000000002',
  metricP: 'eeeeeeeeeeeeeeeeeeee0001',
  metricQ: 'eeeeeeeeeeeeeeeeeeee0002',
  metricP2: 'eeeeeeeeeeeeeeeeeeee0003',
  capP: 'cccccccccccccccccccc0001',
  capQ: 'cccccccccccccccccccc0002',
  unitType: 'bbbbbbbbbbbbbbbbbbbb0001',
  metricType: 'bbbbbbbbbbbbbbbbbbbb0002',
  resource: 'res-free',
  actor: 'ffffffffffffffffffff0001',
  entFree: 'ffffffffffffffffffff0011',
  entHeld: 'ffffffffffffffffffff0012',
  tenant: 'ffffffffffffffffffff0021',
  tenantSpare: 'ffffffffffffffffffff0022',
  unknown: '0123456789abcdef01234567',
  group: 'g1',
  user: 'u1',
} as const;
const ext = (id: string) => `ext-${id}`;

const TENANT_NS = 'urn:tenant:acl:group';
const TENANT_PARENT = 'tenant-acc';

const CALLERS = [
  'none',
  'anonymous',
  'sysAdmin',
  'sysViewer',
  'resAdmin',
  'resViewer',
  'prjAdmin',
  'prjViewer',
  'prvAdmin',
  'prvViewer',
  'insAdmin',
  'insViewer',
  'repAdmin',
  'tenantAdmin',
  'otherPrjAdmin',
  'foreignGroupAdmin',
] as const;
type Caller = (typeof CALLERS)[number];

/** Default-tenant callers and their `entitlements` claim (ACC_ENTITLEMENTS_SOURCE=oidc in the test config). */
const CLAIMS: Record<Exclude<Caller, 'anonymous' | 'tenantAdmin'>, string[] | undefined> = {
  none: undefined,
  sysAdmin: [ent('role=admin')],
  sysViewer: [ent('role=viewer')],
  resAdmin: [ent('operations:resources:role=admin')],
  resViewer: [ent('operations:resources:role=viewer')],
  prjAdmin: [ent(`${W.P}:role=admin`)],
  prjViewer: [ent(`${W.P}:role=viewer`)],
  prvAdmin: [ent(`${W.P}:${W.prov}:role=admin`)],
  prvViewer: [ent(`${W.P}:${W.prov}:role=viewer`)],
  insAdmin: [ent(`${W.P}:${W.prov}:${W.instP}:role=admin`)],
  insViewer: [ent(`${W.P}:${W.prov}:${W.instP}:role=viewer`)],
  repAdmin: [ent(`roles:provider:${W.prov}:role=admin`)],
  otherPrjAdmin: [ent(`${W.Q}:role=admin`)],
  // Once taken for a system admin (§3.4, "fixed vs original"): an admin of another group in the namespace is nobody here.
  foreignGroupAdmin: [`${NS}:other-group:role=admin`],
};

/**
 * Who passes each rule on the world's targets, read off §3.4 by hand. Notable consequences: a system
 * viewer passes viewer checks only; a provider representative passes PRV/INS on its provider in every
 * project, and PREP; the tenant admin has isSysAdmin (so every non-empty hierarchical target and RES
 * pass) but never `bypass`, so SYS refuses it.
 */
const everyone = CALLERS.filter((c) => c !== 'anonymous');
const ALLOWED = {
  AUTH: everyone,
  SYS: ['sysAdmin'],
  'RES[admin]': ['sysAdmin', 'resAdmin', 'tenantAdmin'],
  'RES[admin,viewer]': ['sysAdmin', 'sysViewer', 'resAdmin', 'resViewer', 'tenantAdmin'],
  'PRJ[admin] P': ['sysAdmin', 'prjAdmin', 'tenantAdmin'],
  'PRJ[admin,viewer] P': ['sysAdmin', 'sysViewer', 'prjAdmin', 'prjViewer', 'tenantAdmin'],
  'PRJ[admin,viewer] Q': ['sysAdmin', 'sysViewer', 'otherPrjAdmin', 'tenantAdmin'],
  'PRV[admin] P.prov': ['sysAdmin', 'prjAdmin', 'prvAdmin', 'repAdmin', 'tenantAdmin'],
  'PRV[admin,viewer] P.prov': ['sysAdmin', 'sysViewer', 'prjAdmin', 'prjViewer', 'prvAdmin', 'prvViewer', 'repAdmin', 'tenantAdmin'],
  'PRV[admin] P.loose': ['sysAdmin', 'prjAdmin', 'tenantAdmin'],
  'PRV[admin,viewer] Q.prov': ['sysAdmin', 'sysViewer', 'repAdmin', 'otherPrjAdmin', 'tenantAdmin'],
  'PRV[admin,viewer] P.other': ['sysAdmin', 'sysViewer', 'prjAdmin', 'prjViewer', 'tenantAdmin'],
  'INS[admin] instP': ['sysAdmin', 'prjAdmin', 'prvAdmin', 'insAdmin', 'repAdmin', 'tenantAdmin'],
  'INS[admin,viewer] instP': [
    'sysAdmin',
    'sysViewer',
    'prjAdmin',
    'prjViewer',
    'prvAdmin',
    'prvViewer',
    'insAdmin',
    'insViewer',
    'repAdmin',
    'tenantAdmin',
  ],
  'INS[admin] instQ': ['sysAdmin', 'repAdmin', 'otherPrjAdmin', 'tenantAdmin'],
  'INS[admin,viewer] instQ': ['sysAdmin', 'sysViewer', 'repAdmin', 'otherPrjAdmin', 'tenantAdmin'],
  'INS[admin,viewer] instP2': ['sysAdmin', 'sysViewer', 'prjAdmin', 'prjViewer', 'tenantAdmin'],
  'PREP prov': ['sysAdmin', 'repAdmin', 'tenantAdmin'],
  'PREP other': ['sysAdmin', 'tenantAdmin'],
  /** The AMS listener takes its own Authorization value, never a bearer token: nobody here passes. */
  AMS: [],
} satisfies Record<string, readonly Caller[]>;
type Rule = keyof typeof ALLOWED;

interface Row {
  method: HttpMethod;
  /** The contract path template, relative to /accounting-system. */
  path: `/${string}`;
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** A valid body; `n` is unique per call so creations never collide. */
  body?: (n: number) => unknown;
  /** Content-Type: application/json without a body (POST /clients, §1.1). */
  json?: true;
  rule: Rule;
  /** The spec's success status when not 200. */
  ok?: 201 | 202;
  /**
   * A path or query entity does not exist, and §1.3 checks existence before the hierarchical rule:
   * every authenticated caller gets 404, entitled or not.
   */
  missing?: true;
  /**
   * The status of callers who pass the rule when the request then fails: 404 for an entity looked up
   * after SYS/RES (or after the rule on the path's installation), 400 for a business rule.
   */
  passing?: 400 | 404;
  /** For a successful answer: the ids it must hold, no more (another project's rows would be a leak). */
  yields?: Yield;
  /** Runs before the call, for every caller, so the answer depends on the caller alone. */
  prepare?: (db: DataSource) => Promise<void>;
  /** Extra rows (unknown ids, other targets) beyond the one row each contract has. */
  note?: string;
}

interface Yield {
  ids: (body: any) => string[];
  expected: string[];
}
/** The ids of a Page's items. */
const listed = (...expected: string[]): Yield => ({ ids: (b) => b.content.map((x: { id: string }) => x.id), expected });
/** The installations a report of any shape (§5) is made of. */
const installationsIn = (r: any): string[] =>
  r.installation_id ? [r.installation_id] : [...(r.data ?? []), ...(r.reports ?? [])].flatMap(installationsIn);
const reported = (...expected: string[]): Yield => ({ ids: installationsIn, expected });
/** Usage (usage-api.md §1) grouped by installation: the installations its series come from. */
const USAGE = { start: '2024-01-01', end: '2025-01-01', window: 'total', group_by: 'installation', fill: 'none' };
const usedBy = (...expected: string[]): Yield => ({
  ids: (b) => [...new Set<string>(b.series.map((x: { group: { installation_id: string } }) => x.group.installation_id))],
  expected,
});

const REPORT = { start: '2024-01-01', end: '2024-12-31' };
const metricBody = () => ({
  metric_definition_id: W.def,
  time_period_start: '2024-03-01T00:00:00Z',
  time_period_end: '2024-03-02T00:00:00Z',
  value: 1.5,
});
const search = (field: string, values: string) => () => ({ type: 'query', field, values });
/** The installation update/delete lock (§2.3) would answer 403 to allowed callers too: lift it first. */
const withoutMetrics = (installationId: string) => async (db: DataSource) => {
  await db.query('DELETE FROM metrics WHERE installation_id = $1', [installationId]);
};
// The rule points at loopback, which this server refuses at delivery: test and redeliver send nothing anywhere.
const withAlertRule = async (db: DataSource) => {
  await db.query(
    `INSERT INTO alert_rules (id, name, kind, installation_id, metric_definition_id, threshold_percent, webhook_url, webhook_secret)
     VALUES ($1, 'near capacity', 'capacity', $2, $3, 80, 'https://127.0.0.1:9/acc', $4)
     ON CONFLICT (id) DO NOTHING`,
    [W.alertRule, W.instP, W.def, `whsec_${Buffer.alloc(32, 7).toString('base64')}`],
  );
};
// Loopback, refused at delivery here: the reports the schedule sends for its past weeks go nowhere.
const withReportSchedule = async (db: DataSource) => {
  await db.query(
    `INSERT INTO report_schedules (id, name, installation_id, every, tz, webhook_url, webhook_secret, last_period_end)
     VALUES ($1, 'weekly', $2, 'week', 'UTC', 'https://127.0.0.1:9/acc', $3, '2024-01-01')
     ON CONFLICT (id) DO NOTHING`,
    [W.reportSchedule, W.instP, `whsec_${Buffer.alloc(32, 7).toString('base64')}`],
  );
};
const withAlertEvent = async (db: DataSource) => {
  await withAlertRule(db);
  await db.query(
    `INSERT INTO webhook_events (id, rule_id, type, body, status, attempts) VALUES ($1, $2, 'alert.test', '{}', 'failed', 1)
     ON CONFLICT (id) DO NOTHING`,
    [W.alertEvent, W.alertRule],
  );
};
const withScheduleEvent = async (db: DataSource) => {
  await withReportSchedule(db);
  await db.query(
    `INSERT INTO webhook_events (id, schedule_id, type, body, status, attempts) VALUES ($1, $2, 'report.test', '{}', 'failed', 1)
     ON CONFLICT (id) DO NOTHING`,
    [W.scheduleEvent, W.reportSchedule],
  );
};
const tenantBody = (n: number) => ({
  issuer: `https://tenant-${n}.example/realms/x`,
  tenant_id: `tenant-${n}`,
  client_id: 'c',
  secret: 's',
  authorization_path: '/auth',
  introspection_path: '/introspect',
  user_info_path: '/userinfo',
  token_path: '/token',
  auth_server_url: `https://tenant-${n}.example`,
  user_id_token_claim: 'sub',
  service_id_token_claim: 'client_id',
  group_management_namespace: 'urn:x',
  group_management_parent: 'accounting',
  entitlement_management: 'oidc',
});

const inst = { installation_id: W.instP };
const prj = { project_id: W.P };
const prjProv = { project_id: W.P, provider_id: W.prov };

const ROWS: Row[] = [
  // §4.1 Clients
  { method: 'POST', path: '/clients', json: true, rule: 'AUTH' },
  { method: 'GET', path: '/clients/me', rule: 'AUTH' },
  { method: 'GET', path: '/clients/general-permissions', rule: 'AUTH' },

  // §4.2 Metric definitions
  {
    method: 'POST',
    path: '/metric-definitions',
    rule: 'RES[admin]',
    ok: 201,
    body: (n) => ({ metric_name: `acl-${n}`, unit_type: 'TB', metric_type: 'aggregated' }),
  },
  { method: 'GET', path: '/metric-definitions', rule: 'RES[admin,viewer]' },
  { method: 'POST', path: '/metric-definitions/search', rule: 'RES[admin,viewer]', body: search('metric_name', 'acl-used') },
  { method: 'GET', path: '/metric-definitions/{id}', params: { id: W.def }, rule: 'RES[admin,viewer]' },
  {
    method: 'PATCH',
    path: '/metric-definitions/{id}',
    params: { id: W.defFree },
    rule: 'RES[admin]',
    body: () => ({ metric_description: 'changed' }),
  },
  { method: 'DELETE', path: '/metric-definitions/{id}', params: { id: W.defFree }, rule: 'RES[admin]' },
  { method: 'GET', path: '/metric-definitions/{id}', params: { id: W.unknown }, rule: 'RES[admin,viewer]', passing: 404, note: 'unknown id' },

  // §4.3 Unit types and metric types
  { method: 'GET', path: '/unit-types', rule: 'RES[admin,viewer]' },
  { method: 'GET', path: '/unit-types/{id}', params: { id: W.unitType }, rule: 'RES[admin,viewer]' },
  { method: 'POST', path: '/unit-types', rule: 'RES[admin]', ok: 201, body: (n) => ({ unit_type: `acl-unit-${n}`, description: 'd' }) },
  { method: 'PATCH', path: '/unit-types/{id}', params: { id: W.unitType }, rule: 'RES[admin]', body: () => ({ description: 'changed' }) },
  { method: 'DELETE', path: '/unit-types/{id}', params: { id: W.unitType }, rule: 'RES[admin]' },
  { method: 'GET', path: '/metric-types', rule: 'RES[admin,viewer]' },
  { method: 'GET', path: '/metric-types/{id}', params: { id: W.metricType }, rule: 'RES[admin,viewer]' },
  { method: 'POST', path: '/metric-types', rule: 'RES[admin]', ok: 201, body: (n) => ({ metric_type: `acl-type-${n}`, description: 'd' }) },
  { method: 'PATCH', path: '/metric-types/{id}', params: { id: W.metricType }, rule: 'RES[admin]', body: () => ({ description: 'changed' }) },
  { method: 'DELETE', path: '/metric-types/{id}', params: { id: W.metricType }, rule: 'RES[admin]' },

  // §4.4 Providers
  { method: 'POST', path: '/providers', rule: 'RES[admin]', ok: 201, body: (n) => ({ name: `acl-provider-${n}` }) },
  { method: 'GET', path: '/providers', rule: 'RES[admin,viewer]' },
  { method: 'GET', path: '/providers/external', query: { externalId: ext(W.prov) }, rule: 'RES[admin,viewer]' },
  { method: 'GET', path: '/providers/all', rule: 'RES[admin,viewer]' },
  { method: 'POST', path: '/providers/search', rule: 'RES[admin,viewer]', body: search('name', `Provider ${W.prov}`) },
  { method: 'GET', path: '/providers/{id}', params: { id: W.prov }, rule: 'RES[admin,viewer]' },
  { method: 'PATCH', path: '/providers/{id}', params: { id: W.loose }, rule: 'RES[admin]', body: () => ({ website: 'https://changed.example' }) },
  { method: 'DELETE', path: '/providers/{id}', params: { id: W.loose }, rule: 'RES[admin]' },
  {
    method: 'GET',
    path: '/providers/{provider_id}/report',
    params: { provider_id: W.prov },
    query: REPORT,
    rule: 'PREP prov',
    yields: reported(W.instP, W.instQ),
  },
  {
    method: 'GET',
    path: '/providers/report/external',
    query: { externalId: ext(W.prov), ...REPORT },
    rule: 'PREP prov',
    yields: reported(W.instP, W.instQ),
  },
  {
    method: 'GET',
    path: '/providers/report/external',
    query: { externalId: 'nope', ...REPORT },
    rule: 'PREP prov',
    missing: true,
    note: 'unknown external id',
  },
  {
    method: 'GET',
    path: '/providers/{provider_id}/report',
    params: { provider_id: W.other },
    query: REPORT,
    rule: 'PREP other',
    note: 'a provider the representative does not represent',
  },
  {
    method: 'GET',
    path: '/providers/{provider_id}/report',
    params: { provider_id: W.unknown },
    query: REPORT,
    rule: 'PREP prov',
    missing: true,
    note: 'unknown provider',
  },

  // §4.5 Projects: registration (SYS)
  { method: 'POST', path: '/admin/register-projects', rule: 'SYS', body: () => ({ projects: [W.P] }) },
  {
    method: 'POST',
    path: '/admin/projects',
    rule: 'SYS',
    ok: 201,
    body: (n) => ({ id: `acl-${n}`, acronym: `ACL-${n}`, title: 't', start_date: '2024-01-01', end_date: '2025-01-01', call_identifier: 'c' }),
  },
  { method: 'PATCH', path: '/admin/projects/{id}', params: { id: W.P }, rule: 'SYS', body: () => ({ title: 'changed' }) },
  { method: 'DELETE', path: '/admin/projects/{id}', params: { id: W.Q }, rule: 'SYS' },
  { method: 'GET', path: '/admin/projects', rule: 'SYS' },
  { method: 'DELETE', path: '/admin/projects/{id}', params: { id: W.unknown }, rule: 'SYS', passing: 404, note: 'unknown project' },

  // §4.5 Project endpoints
  { method: 'GET', path: '/projects', rule: 'AUTH' },
  { method: 'POST', path: '/projects/search', rule: 'SYS', body: search('acronym', `ACR-${W.P}`) },
  { method: 'GET', path: '/projects/{id}', params: { id: W.P }, rule: 'PRJ[admin,viewer] P' },
  { method: 'GET', path: '/projects/{id}', params: { id: W.Q }, rule: 'PRJ[admin,viewer] Q', note: 'the other project' },
  { method: 'GET', path: '/projects/{id}', params: { id: 'nope' }, rule: 'PRJ[admin,viewer] P', missing: true, note: 'unknown project' },
  { method: 'POST', path: '/projects/{id}/associate/provider/{provider_id}', params: { id: W.P, provider_id: W.loose }, rule: 'PRJ[admin] P' },
  {
    method: 'POST',
    path: '/projects/{id}/associate/provider/{provider_id}',
    params: { id: W.P, provider_id: W.unknown },
    rule: 'PRJ[admin] P',
    missing: true,
    note: 'unknown provider',
  },
  { method: 'POST', path: '/projects/{id}/dissociate/provider/{provider_id}', params: { id: W.P, provider_id: W.spare }, rule: 'PRJ[admin] P' },
  { method: 'GET', path: '/projects/{project_id}/installations', params: prj, rule: 'PRJ[admin,viewer] P', yields: listed(W.instP, W.instP2) },
  {
    method: 'GET',
    path: '/projects/{project_id}/providers/{provider_id}/installations',
    params: prjProv,
    rule: 'PRV[admin,viewer] P.prov',
    yields: listed(W.instP),
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/providers/{provider_id}/installations',
    params: { project_id: W.P, provider_id: W.other },
    rule: 'PRV[admin,viewer] P.other',
    note: "a provider outside the P.prov callers' scope",
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/providers/{provider_id}/installations',
    params: { project_id: W.Q, provider_id: W.prov },
    rule: 'PRV[admin,viewer] Q.prov',
    yields: listed(W.instQ),
    note: 'the same provider in the other project',
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/providers/{provider_id}/installations',
    params: { project_id: W.P, provider_id: 'nope' },
    rule: 'PRV[admin,viewer] P.prov',
    missing: true,
    note: 'unknown provider',
  },
  { method: 'GET', path: '/projects/{project_id}/metric-definitions', params: prj, rule: 'PRJ[admin,viewer] P' },
  { method: 'GET', path: '/projects/{project_id}/providers/{provider_id}/metric-definitions', params: prjProv, rule: 'PRV[admin,viewer] P.prov' },

  // §4.6 Installations
  {
    method: 'POST',
    path: '/installations',
    rule: 'PRV[admin] P.prov',
    ok: 201,
    body: (n) => ({ project: W.P, organisation: W.prov, installation: `acl-inst-${n}`, infrastructure: 'infra' }),
  },
  {
    method: 'POST',
    path: '/installations',
    rule: 'PRV[admin] P.loose',
    ok: 201,
    passing: 400,
    body: (n) => ({ project: W.P, organisation: W.loose, installation: `acl-inst-${n}` }),
    note: 'provider not associated: 403 before the 400',
  },
  { method: 'GET', path: '/installations/all', rule: 'AUTH' },
  { method: 'POST', path: '/installations/search', rule: 'SYS', body: search('organisation', W.prov) },
  { method: 'GET', path: '/installations/external', query: { externalId: ext(W.instP) }, rule: 'INS[admin,viewer] instP' },
  {
    method: 'GET',
    path: '/installations/external',
    query: { externalId: 'nope' },
    rule: 'INS[admin,viewer] instP',
    missing: true,
    note: 'unknown external id',
  },
  {
    method: 'PATCH',
    path: '/installations/external',
    query: { externalId: ext(W.instP) },
    rule: 'INS[admin] instP',
    prepare: withoutMetrics(W.instP),
    body: () => ({ infrastructure: 'changed' }),
  },
  {
    method: 'DELETE',
    path: '/installations/external',
    query: { externalId: ext(W.instP) },
    rule: 'INS[admin] instP',
    prepare: withoutMetrics(W.instP),
  },
  { method: 'GET', path: '/installations/{id}', params: { id: W.instP }, rule: 'INS[admin,viewer] instP' },
  { method: 'GET', path: '/installations/{id}', params: { id: W.instQ }, rule: 'INS[admin,viewer] instQ', note: "the provider's installation in Q" },
  {
    method: 'GET',
    path: '/installations/{id}',
    params: { id: W.instP2 },
    rule: 'INS[admin,viewer] instP2',
    note: 'an installation of another provider in P',
  },
  {
    method: 'GET',
    path: '/installations/{id}',
    params: { id: W.unknown },
    rule: 'INS[admin,viewer] instP',
    missing: true,
    note: 'unknown installation',
  },
  {
    method: 'PATCH',
    path: '/installations/{id}',
    params: { id: W.instP },
    rule: 'INS[admin] instP',
    prepare: withoutMetrics(W.instP),
    body: () => ({ infrastructure: 'changed' }),
  },
  { method: 'DELETE', path: '/installations/{id}', params: { id: W.instP }, rule: 'INS[admin] instP', prepare: withoutMetrics(W.instP) },
  {
    method: 'DELETE',
    path: '/installations/{id}',
    params: { id: W.instQ },
    rule: 'INS[admin] instQ',
    prepare: withoutMetrics(W.instQ),
    note: "the provider's installation in Q",
  },
  { method: 'GET', path: '/installations/{id}/metric-definitions', params: { id: W.instP }, rule: 'INS[admin,viewer] instP' },

  // §4.7 Metrics
  {
    method: 'POST',
    path: '/installations/external/metrics',
    query: { externalId: ext(W.instP) },
    rule: 'INS[admin] instP',
    ok: 201,
    body: metricBody,
  },
  {
    method: 'GET',
    path: '/installations/external/metrics',
    query: { externalId: ext(W.instP) },
    rule: 'INS[admin,viewer] instP',
    yields: listed(W.metricP),
  },
  { method: 'POST', path: '/installations/{installation_id}/metrics', params: inst, rule: 'INS[admin] instP', ok: 201, body: metricBody },
  {
    method: 'POST',
    path: '/installations/{installation_id}/metrics',
    params: { installation_id: W.unknown },
    rule: 'INS[admin] instP',
    ok: 201,
    missing: true,
    body: metricBody,
    note: 'unknown installation',
  },
  {
    method: 'POST',
    path: '/installations/{installation_id}/metrics',
    params: { installation_id: W.instQ },
    rule: 'INS[admin] instQ',
    ok: 201,
    body: metricBody,
    note: "the provider's installation in Q",
  },
  {
    method: 'POST',
    path: '/installations/{installation_id}/metrics/bulk',
    params: inst,
    rule: 'INS[admin] instP',
    ok: 201,
    body: () => [metricBody(), metricBody()],
  },
  { method: 'GET', path: '/installations/{installation_id}/metrics', params: inst, rule: 'INS[admin,viewer] instP', yields: listed(W.metricP) },
  {
    method: 'GET',
    path: '/installations/{installation_id}/metrics/{metric_id}',
    params: { ...inst, metric_id: W.metricP },
    rule: 'INS[admin] instP',
  },
  {
    method: 'GET',
    path: '/installations/{installation_id}/metrics/{metric_id}',
    params: { ...inst, metric_id: W.metricQ },
    rule: 'INS[admin] instP',
    passing: 404,
    note: "another installation's metric",
  },
  {
    method: 'PATCH',
    path: '/installations/{installation_id}/metrics/{metric_id}',
    params: { ...inst, metric_id: W.metricP },
    rule: 'INS[admin] instP',
    body: () => ({ value: 42 }),
  },
  {
    method: 'DELETE',
    path: '/installations/{installation_id}/metrics/{metric_id}',
    params: { ...inst, metric_id: W.metricP },
    rule: 'INS[admin] instP',
  },
  {
    method: 'PATCH',
    path: '/installations/{installation_id}/metrics/{metric_id}',
    params: { ...inst, metric_id: W.metricQ },
    rule: 'INS[admin] instP',
    passing: 404,
    body: () => ({ value: 42 }),
    note: "another installation's metric",
  },
  {
    method: 'DELETE',
    path: '/installations/{installation_id}/metrics/{metric_id}',
    params: { ...inst, metric_id: W.metricQ },
    rule: 'INS[admin] instP',
    passing: 404,
    note: "another installation's metric",
  },
  { method: 'GET', path: '/projects/{project_id}/metrics', params: prj, rule: 'PRJ[admin,viewer] P', yields: listed(W.metricP, W.metricP2) },
  {
    method: 'GET',
    path: '/projects/{project_id}/metrics',
    params: { project_id: W.Q },
    rule: 'PRJ[admin,viewer] Q',
    yields: listed(W.metricQ),
    note: 'the other project',
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/providers/external/metrics',
    params: prj,
    query: { externalProviderId: ext(W.prov) },
    rule: 'PRV[admin,viewer] P.prov',
    yields: listed(W.metricP),
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/providers/external/metrics',
    params: prj,
    query: { externalProviderId: 'nope' },
    rule: 'PRV[admin,viewer] P.prov',
    missing: true,
    note: 'unknown external provider',
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/providers/{provider_id}/metrics',
    params: prjProv,
    rule: 'PRV[admin,viewer] P.prov',
    yields: listed(W.metricP),
  },
  {
    method: 'GET',
    path: '/projects/projects/{project_id}/groups/{group_id}/metrics',
    params: { ...prj, group_id: W.group },
    rule: 'PRJ[admin,viewer] P',
    yields: listed(W.metricP, W.metricP2),
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/groups/{group_id}/metrics',
    params: { ...prj, group_id: W.group },
    rule: 'PRJ[admin,viewer] P',
    yields: listed(W.metricP, W.metricP2),
  },
  {
    method: 'GET',
    path: '/projects/projects/{project_id}/users/{user_id}/metrics',
    params: { ...prj, user_id: W.user },
    rule: 'PRJ[admin,viewer] P',
    yields: listed(W.metricP, W.metricP2),
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/users/{user_id}/metrics',
    params: { ...prj, user_id: W.user },
    rule: 'PRJ[admin,viewer] P',
    yields: listed(W.metricP, W.metricP2),
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/users/{user_id}/metrics',
    params: { project_id: 'nope', user_id: W.user },
    rule: 'PRJ[admin,viewer] P',
    missing: true,
    note: 'unknown project',
  },
  { method: 'POST', path: '/metrics/search', rule: 'AUTH', body: search('metric_definition_id', W.def) },

  // §4.8 Capacities: INS[admin] for reading too
  {
    method: 'POST',
    path: '/installations/{installation_id}/capacities',
    params: inst,
    rule: 'INS[admin] instP',
    body: () => ({ value: 10, metric_definition_id: W.def, registered_on: '2025-01-01' }),
  },
  { method: 'GET', path: '/installations/{installation_id}/capacities', params: inst, rule: 'INS[admin] instP', yields: listed(W.capP) },
  {
    method: 'PATCH',
    path: '/installations/{installation_id}/capacities/{capacity_id}',
    params: { ...inst, capacity_id: W.capP },
    rule: 'INS[admin] instP',
    body: () => ({ value: 20 }),
  },
  {
    method: 'PATCH',
    path: '/installations/{installation_id}/capacities/{capacity_id}',
    params: { ...inst, capacity_id: W.capQ },
    rule: 'INS[admin] instP',
    passing: 404,
    body: () => ({ value: 20 }),
    note: "another installation's capacity",
  },
  {
    method: 'DELETE',
    path: '/installations/{installation_id}/capacities/{capacity_id}',
    params: { ...inst, capacity_id: W.capP },
    rule: 'INS[admin] instP',
  },
  {
    method: 'DELETE',
    path: '/installations/{installation_id}/capacities/{capacity_id}',
    params: { ...inst, capacity_id: W.capQ },
    rule: 'INS[admin] instP',
    passing: 404,
    note: "another installation's capacity",
  },

  // §4.9 Resources
  { method: 'GET', path: '/resources', rule: 'AUTH' },
  { method: 'POST', path: '/admin/resources', rule: 'SYS', ok: 201, body: (n) => ({ id: `acl-res-${n}`, name: 'r' }) },
  { method: 'DELETE', path: '/admin/resources/{id}', params: { id: W.resource }, rule: 'SYS' },

  // §4.11 Actors and entitlements (SYS)
  { method: 'GET', path: '/admin/actors', rule: 'SYS' },
  { method: 'GET', path: '/admin/actors/entitlements', rule: 'SYS' },
  { method: 'GET', path: '/admin/actors/{actor_id}/entitlements', params: { actor_id: W.actor }, rule: 'SYS' },
  { method: 'GET', path: '/admin/entitlements', rule: 'SYS' },
  { method: 'POST', path: '/admin/entitlements', rule: 'SYS', ok: 201, body: (n) => ({ name: `${NS}:accounting:acl-${n}:role=viewer` }) },
  { method: 'GET', path: '/admin/entitlements/{id}', params: { id: W.entFree }, rule: 'SYS' },
  {
    method: 'PATCH',
    path: '/admin/entitlements/{id}',
    params: { id: W.entFree },
    rule: 'SYS',
    body: (n) => ({ name: `${NS}:accounting:renamed-${n}:role=viewer` }),
  },
  { method: 'DELETE', path: '/admin/entitlements/{id}', params: { id: W.entFree }, rule: 'SYS' },
  { method: 'POST', path: '/admin/entitlements/{id}/assign/{actor_id}', params: { id: W.entFree, actor_id: W.actor }, rule: 'SYS' },
  { method: 'POST', path: '/admin/entitlements/{id}/dissociate/{actor_id}', params: { id: W.entHeld, actor_id: W.actor }, rule: 'SYS' },

  // §4.12 Tenants, settings, version, counts (SYS)
  { method: 'GET', path: '/admin/oidc-tenants', rule: 'SYS' },
  { method: 'POST', path: '/admin/oidc-tenants', rule: 'SYS', ok: 201, body: tenantBody },
  { method: 'GET', path: '/admin/oidc-tenants/{id}', params: { id: W.tenantSpare }, rule: 'SYS' },
  { method: 'PATCH', path: '/admin/oidc-tenants/{id}', params: { id: W.tenantSpare }, rule: 'SYS', body: () => ({ client_id: 'changed' }) },
  { method: 'DELETE', path: '/admin/oidc-tenants/{id}', params: { id: W.tenantSpare }, rule: 'SYS' },
  { method: 'GET', path: '/admin/settings/metadata', rule: 'SYS' },
  // The value the test configuration already uses: switching to `database` would strip every token's roles.
  { method: 'PUT', path: '/admin/settings/{key}', params: { key: 'ENTITLEMENTS_MANAGEMENT' }, rule: 'SYS', body: () => ({ value: 'oidc' }) },
  { method: 'GET', path: '/admin/version', rule: 'SYS' },
  { method: 'GET', path: '/admin/metrics', query: { startDate: '2024-01-01', endDate: '2024-12-31' }, rule: 'SYS' },

  // §4.13 Operands and operators
  { method: 'GET', path: '/operands', rule: 'AUTH' },
  { method: 'GET', path: '/operators', rule: 'AUTH' },

  // §4.14 AMS listener: bearer tokens are not its credential, and a missing header is 403, not 401
  {
    method: 'POST',
    path: '/ams-listener',
    rule: 'AMS',
    body: () => ({ message: { data: Buffer.from('{}').toString('base64') }, subscription: 's' }),
  },

  // §5 Reports
  {
    method: 'GET',
    path: '/installations/external/report',
    query: { externalId: ext(W.instP), ...REPORT },
    rule: 'INS[admin,viewer] instP',
    yields: reported(W.instP),
  },
  {
    method: 'GET',
    path: '/installations/external/report',
    query: { externalId: ext(W.instP2), ...REPORT },
    rule: 'INS[admin,viewer] instP2',
    yields: reported(W.instP2),
    note: 'an installation of another provider in P',
  },
  {
    method: 'GET',
    path: '/installations/{installation_id}/report',
    params: inst,
    query: REPORT,
    rule: 'INS[admin,viewer] instP',
    yields: reported(W.instP),
  },
  {
    method: 'GET',
    path: '/installations/{installation_id}/report',
    params: { installation_id: W.instQ },
    query: REPORT,
    rule: 'INS[admin,viewer] instQ',
    yields: reported(W.instQ),
    note: "the provider's installation in Q",
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/providers/external/report',
    params: prj,
    query: { externalProviderId: ext(W.prov), ...REPORT },
    rule: 'PRV[admin,viewer] P.prov',
    yields: reported(W.instP),
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/providers/external/report',
    params: prj,
    query: { externalProviderId: ext(W.loose), ...REPORT },
    rule: 'PRV[admin,viewer] P.prov',
    missing: true,
    note: 'a provider outside the project',
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/providers/{provider_id}/report',
    params: prjProv,
    query: REPORT,
    rule: 'PRV[admin,viewer] P.prov',
    yields: reported(W.instP),
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/report',
    params: prj,
    query: REPORT,
    rule: 'PRJ[admin,viewer] P',
    yields: reported(W.instP, W.instP2),
  },
  {
    method: 'GET',
    path: '/projects/projects/{project_id}/groups/{group_id}/report',
    params: { ...prj, group_id: W.group },
    query: REPORT,
    rule: 'PRJ[admin,viewer] P',
    yields: reported(W.instP, W.instP2),
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/groups/{group_id}/report',
    params: { ...prj, group_id: W.group },
    query: REPORT,
    rule: 'PRJ[admin,viewer] P',
    yields: reported(W.instP, W.instP2),
  },
  {
    method: 'GET',
    path: '/projects/projects/{project_id}/users/{user_id}/report',
    params: { ...prj, user_id: W.user },
    query: REPORT,
    rule: 'PRJ[admin,viewer] P',
    yields: reported(W.instP, W.instP2),
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/users/{user_id}/report',
    params: { ...prj, user_id: W.user },
    query: REPORT,
    rule: 'PRJ[admin,viewer] P',
    yields: reported(W.instP, W.instP2),
  },

  // alerts.md §1: the admin of the rule's scope changes it, its admins and viewers read it; the list is AUTH, filtered.
  {
    method: 'POST',
    path: '/alert-rules',
    rule: 'INS[admin] instP',
    ok: 201,
    body: (n) => ({
      name: `near capacity ${n}`,
      scope: { installation_id: W.instP },
      kind: 'capacity',
      metric_definition_id: W.def,
      threshold_percent: 80,
      webhook_url: 'https://93.184.216.34/acc',
    }),
  },
  { method: 'GET', path: '/alert-rules', rule: 'AUTH' },
  { method: 'GET', path: '/alert-rules/{id}', params: { id: W.alertRule }, rule: 'INS[admin,viewer] instP', prepare: withAlertRule },
  {
    method: 'PATCH',
    path: '/alert-rules/{id}',
    params: { id: W.alertRule },
    rule: 'INS[admin] instP',
    prepare: withAlertRule,
    body: () => ({ name: 'renamed' }),
  },
  { method: 'DELETE', path: '/alert-rules/{id}', params: { id: W.alertRule }, rule: 'INS[admin] instP', prepare: withAlertRule },
  // alerts.md §3: report schedules have the alert rules' access rules.
  {
    method: 'POST',
    path: '/report-schedules',
    rule: 'INS[admin] instP',
    ok: 201,
    body: (n) => ({ name: `weekly ${n}`, scope: { installation_id: W.instP }, every: 'week', webhook_url: 'https://93.184.216.34/acc' }),
  },
  { method: 'GET', path: '/report-schedules', rule: 'AUTH' },
  {
    method: 'GET',
    path: '/report-schedules/{id}',
    params: { id: W.reportSchedule },
    rule: 'INS[admin,viewer] instP',
    prepare: withReportSchedule,
  },
  {
    method: 'PATCH',
    path: '/report-schedules/{id}',
    params: { id: W.reportSchedule },
    rule: 'INS[admin] instP',
    prepare: withReportSchedule,
    body: () => ({ name: 'renamed' }),
  },
  { method: 'DELETE', path: '/report-schedules/{id}', params: { id: W.reportSchedule }, rule: 'INS[admin] instP', prepare: withReportSchedule },
  // alerts.md §2: the deliveries log reads like the rule; redeliver and test change it.
  { method: 'GET', path: '/alert-rules/{id}/deliveries', params: { id: W.alertRule }, rule: 'INS[admin,viewer] instP', prepare: withAlertRule },
  {
    method: 'POST',
    path: '/alert-rules/{id}/deliveries/{event_id}/redeliver',
    params: { id: W.alertRule, event_id: W.alertEvent },
    rule: 'INS[admin] instP',
    ok: 202,
    prepare: withAlertEvent,
  },
  { method: 'POST', path: '/alert-rules/{id}/test', params: { id: W.alertRule }, rule: 'INS[admin] instP', ok: 202, prepare: withAlertRule },
  // alerts.md §3: the schedule's deliveries, redeliver and test have the same rules as the alert rule's.
  {
    method: 'GET',
    path: '/report-schedules/{id}/deliveries',
    params: { id: W.reportSchedule },
    rule: 'INS[admin,viewer] instP',
    prepare: withReportSchedule,
  },
  {
    method: 'POST',
    path: '/report-schedules/{id}/deliveries/{event_id}/redeliver',
    params: { id: W.reportSchedule, event_id: W.scheduleEvent },
    rule: 'INS[admin] instP',
    ok: 202,
    prepare: withScheduleEvent,
  },
  {
    method: 'POST',
    path: '/report-schedules/{id}/test',
    params: { id: W.reportSchedule },
    rule: 'INS[admin] instP',
    ok: 202,
    prepare: withReportSchedule,
  },
  // Rollup check and rebuild (SYS only).
  { method: 'GET', path: '/admin/rollups/check', rule: 'SYS' },
  { method: 'POST', path: '/admin/rollups/rebuild', rule: 'SYS' },

  // usage-api.md §1–§2: the reports' rules; GET /usage and freshness are AUTH, filtered by visibility (below)
  { method: 'GET', path: '/usage', query: USAGE, rule: 'AUTH' },
  { method: 'GET', path: '/usage/freshness', rule: 'AUTH' },
  {
    method: 'GET',
    path: '/installations/{installation_id}/usage',
    params: inst,
    query: USAGE,
    rule: 'INS[admin,viewer] instP',
    yields: usedBy(W.instP),
  },
  {
    method: 'GET',
    path: '/installations/{installation_id}/usage',
    params: { installation_id: W.instQ },
    query: USAGE,
    rule: 'INS[admin,viewer] instQ',
    yields: usedBy(W.instQ),
    note: "the provider's installation in Q",
  },
  {
    method: 'GET',
    path: '/installations/external/usage',
    query: { externalId: ext(W.instP), ...USAGE },
    rule: 'INS[admin,viewer] instP',
    yields: usedBy(W.instP),
  },
  {
    method: 'GET',
    path: '/projects/{project_id}/providers/{provider_id}/usage',
    params: prjProv,
    query: USAGE,
    rule: 'PRV[admin,viewer] P.prov',
    yields: usedBy(W.instP),
  },
  { method: 'GET', path: '/projects/{project_id}/usage', params: prj, query: USAGE, rule: 'PRJ[admin,viewer] P', yields: usedBy(W.instP, W.instP2) },
  {
    method: 'GET',
    path: '/projects/{project_id}/usage',
    params: { project_id: W.unknown },
    query: USAGE,
    rule: 'PRJ[admin,viewer] P',
    missing: true,
    note: 'unknown project',
  },
  {
    method: 'GET',
    path: '/providers/{provider_id}/usage',
    params: { provider_id: W.prov },
    query: USAGE,
    rule: 'PREP prov',
    yields: usedBy(W.instP, W.instQ),
  },
  {
    method: 'GET',
    path: '/providers/{provider_id}/usage',
    params: { provider_id: W.other },
    query: USAGE,
    rule: 'PREP other',
    note: 'a provider the representative does not represent',
  },
];

/** Reads (and searches, which are POSTs) leave the world as it was. */
const readOnly = (r: Row) => !r.prepare && (r.method === 'GET' || r.path.endsWith('/search'));
const label = (r: Row) => `${r.method} ${r.path}${r.note ? ` (${r.note})` : ''}`;
const key = (method: string, path: string) => `${method} ${path}`;

function urlOf(r: Row): string {
  const path = r.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = r.params?.[name];
    if (v === undefined) throw new Error(`${label(r)}: no value for {${name}}`);
    return encodeURIComponent(v);
  });
  const query = r.query ? `?${new URLSearchParams(r.query)}` : '';
  return `${API}${path}${query}`;
}

/** What §1.3/§3.4 say this caller gets: the status, and for 403 the message. */
function expected(r: Row, c: Caller): string {
  if (r.rule === 'AMS') return `403 ${AMS_FORBIDDEN}`;
  if (c === 'anonymous') return '401';
  if (r.missing) return '404';
  if (!(ALLOWED[r.rule] as readonly Caller[]).includes(c)) return `403 ${r.rule.startsWith('PREP') ? PREP_FORBIDDEN : FORBIDDEN}`;
  return String(r.passing ?? r.ok ?? 200);
}

/** Every contract the REST bridge serves, from the `*Procedures` objects @acc/contracts exports. */
function contractIndex(): Map<string, ProcedureContract> {
  const out = new Map<string, ProcedureContract>();
  for (const [name, value] of Object.entries(contracts)) {
    if (!name.endsWith('Procedures') || typeof value !== 'object' || value === null) continue;
    for (const c of Object.values(value as Record<string, ProcedureContract>)) out.set(key(c.method, c.path), c);
  }
  return out;
}

describe('access-control table', () => {
  it('has exactly one main row for every contract, and extra rows only for contracts that exist', () => {
    const index = contractIndex();
    const main = ROWS.filter((r) => !r.note).map((r) => key(r.method, r.path));
    expect(index.size).toBeGreaterThan(100);
    expect(
      main.filter((k, i) => main.indexOf(k) !== i),
      'duplicate main rows',
    ).toEqual([]);
    expect(
      [...index.keys()].filter((k) => !main.includes(k)),
      'contracts without a row',
    ).toEqual([]);
    expect(
      ROWS.map((r) => key(r.method, r.path)).filter((k) => !index.has(k)),
      'rows without a contract',
    ).toEqual([]);
  });

  it("gives each row the contract's success status", () => {
    const index = contractIndex();
    const mismatched = ROWS.filter((r) => index.get(key(r.method, r.path))?.status !== (r.ok ?? 200)).map(label);
    expect(mismatched).toEqual([]);
  });
});

/** A tenant's authorisation server answering RFC 7662 introspection for the tokens it was given. */
async function startIntrospection() {
  const active = new Set<string>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/introspect') return void res.writeHead(404).end();
      const ok = active.has(new URLSearchParams(body).get('token') ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(ok ? { active: true } : { active: false }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    active,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const STATE_TABLES = [
  'projects',
  'providers',
  'project_providers',
  'installations',
  'metrics',
  'capacities',
  'metric_definitions',
  'unit_types',
  'metric_types',
  'resources',
  'actors',
  'entitlements',
  'actor_entitlements',
  'oidc_tenants',
  'settings',
];
/** A digest of every row the API can change. */
async function fingerprint(db: DataSource): Promise<string> {
  const parts = STATE_TABLES.map((t) => `(SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM ${t} x)`);
  const [row] = await db.query<{ f: string }[]>(`SELECT concat_ws(',', ${parts.join(', ')}) AS f`);
  return row.f;
}

/**
 * Rebuilds the world from nothing, in one transaction (a statement-per-commit rebuild costs more than
 * the calls it serves on PostgreSQL). Run before a call whenever an earlier call may have changed it.
 */
async function resetWorld(db: DataSource, tenantIssuer: string, tenantBase: string): Promise<void> {
  await db.transaction(async (m) => {
    for (const table of [
      'metrics',
      'capacities',
      'installations',
      'project_providers',
      'projects',
      'providers',
      'resources',
      'metric_definitions',
      'actor_entitlements',
      'entitlements',
      'actors',
      'oidc_tenants',
      'settings',
      'idempotency_keys',
    ]) {
      await m.query(`DELETE FROM ${table}`);
    }
    // Seeded catalogue rows have an empty creator (§2.4/§2.5) and stay.
    await m.query("DELETE FROM unit_types WHERE creator_id <> ''");
    await m.query("DELETE FROM metric_types WHERE creator_id <> ''");

    await m.query(
      `INSERT INTO projects (id, acronym, title, start_date, end_date, call_identifier, creator_id)
       VALUES ($1, $3, 'Project P', '2023-01-01', '2026-12-31', 'HORIZON', 'seed'), ($2, $4, 'Project Q', '2023-01-01', '2026-12-31', 'HORIZON', 'seed')`,
      [W.P, W.Q, `ACR-${W.P}`, `ACR-${W.Q}`],
    );
    for (const id of [W.prov, W.other, W.spare, W.loose]) {
      await m.query(`INSERT INTO providers (id, name, external_id, creator_id) VALUES ($1, $2, $3, 'seed')`, [id, `Provider ${id}`, ext(id)]);
    }
    await m.query('INSERT INTO project_providers (project_id, provider_id) VALUES ($1, $2), ($3, $2), ($1, $4), ($1, $5)', [
      W.P,
      W.prov,
      W.Q,
      W.other,
      W.spare,
    ]);
    const installations = [
      { id: W.instP, project: W.P, provider: W.prov, name: 'inst-p', metric: W.metricP },
      { id: W.instQ, project: W.Q, provider: W.prov, name: 'inst-q', metric: W.metricQ },
      { id: W.instP2, project: W.P, provider: W.other, name: 'inst-p2', metric: W.metricP2 },
    ];
    for (const i of installations) {
      await m.query(
        `INSERT INTO installations (id, project_id, provider_id, installation, infrastructure, external_id, creator_id)
         VALUES ($1, $2, $3, $4, 'infra', $5, 'seed')`,
        [i.id, i.project, i.provider, i.name, ext(i.id)],
      );
    }
    await m.query(
      `INSERT INTO metric_definitions (id, metric_name, metric_description, unit_type, metric_type, creator_id)
       VALUES ($1, 'acl-used', 'd', 'TB', 'aggregated', 'seed'), ($2, 'acl-free', 'd', 'TB', 'aggregated', 'seed')`,
      [W.def, W.defFree],
    );
    for (const i of installations) {
      await m.query(
        `INSERT INTO metrics (installation_id, id, metric_definition_id, time_period_start, time_period_end, value, group_id, user_id, creator_id,
                              project_id, provider_id, project_acronym, installation_name, infrastructure, resource_id)
         VALUES ($1, $2, $3, '2024-02-01T00:00:00Z', '2024-02-02T00:00:00Z', 5, $4, $5, 'seed', $6, $7, $8, $9, 'infra', $10)`,
        [i.id, i.metric, W.def, W.group, W.user, i.project, i.provider, `ACR-${i.project}`, i.name, `${i.project}.${i.provider}.${i.id}`],
      );
    }
    await m.query(
      `INSERT INTO capacities (installation_id, id, metric_definition_id, value, registered_on)
       VALUES ($1, $2, $5, 100, '2024-01-01T00:00:00Z'), ($3, $4, $5, 100, '2024-01-01T00:00:00Z')`,
      [W.instP, W.capP, W.instQ, W.capQ, W.def],
    );
    await m.query(`INSERT INTO resources (id, name, creator_id) VALUES ($1, 'Free resource', 'seed')`, [W.resource]);
    await m.query(`INSERT INTO unit_types (id, name, description, creator_id) VALUES ($1, 'acl-unit', 'd', 'seed')`, [W.unitType]);
    await m.query(`INSERT INTO metric_types (id, name, description, creator_id) VALUES ($1, 'acl-type', 'd', 'seed')`, [W.metricType]);
    await m.query(`INSERT INTO actors (id, oidc_id, issuer) VALUES ($1, 'someone', 'https://issuer.example')`, [W.actor]);
    await m.query('INSERT INTO entitlements (id, name) VALUES ($1, $2), ($3, $4)', [
      W.entFree,
      `${NS}:accounting:free:role=viewer`,
      W.entHeld,
      `${NS}:accounting:held:role=viewer`,
    ]);
    await m.query(`INSERT INTO actor_entitlements (id, actor_id, entitlement_id) VALUES ('ffffffffffffffffffff0031', $1, $2)`, [W.actor, W.entHeld]);
    await m.query(
      `INSERT INTO oidc_tenants (id, issuer, tenant_id, client_id, secret, authorization_path, introspection_path, user_info_path,
                                 token_path, auth_server_url, user_id_token_claim, service_id_token_claim, group_management_namespace,
                                 group_management_parent, entitlement_management)
       VALUES ($1, $2, 'acl-tenant', 'acc', 'secret', '/auth', '/introspect', '/userinfo', '/token', $3, 'sub', 'client_id', $4, $5, 'oidc'),
              ($6, 'https://spare.example/realms/x', 'spare-tenant', 'acc', 'secret', '/auth', '/introspect', '/userinfo', '/token',
               'https://spare.example', 'sub', 'client_id', 'urn:spare', 'accounting', 'oidc')`,
      [W.tenant, tenantIssuer, tenantBase, TENANT_NS, TENANT_PARENT, W.tenantSpare],
    );
  });
}

// On both backends: the matrix (about 2,200 calls and 200 rebuilds of the world each) takes some 25 s
// per backend, affordable because reads run in parallel and a rebuild is a single transaction.
describe.each(backends)('access control on %s', (backend) => {
  let s: TestServer;
  let openAire: OpenAireStub;
  let idp: Awaited<ReturnType<typeof startIntrospection>>;
  let db: DataSource;
  const tokens = {} as Record<Caller, string | undefined>;
  let dirty = true;
  let seq = 0;
  const reset = () => resetWorld(db, `${idp.base}/realms/tenant`, idp.base);

  beforeAll(async () => {
    idp = await startIntrospection();
    openAire = await startOpenAire({});
    // The AMS project is P, so the AMS credential's own check below reaches a 200.
    s = await startTestServer(backend, { ACC_OPENAIRE_URL: openAire.url, ACC_AMS_PROJECT: W.P });
    db = s.app.database.dataSource;
    for (const [caller, entitlements] of Object.entries(CLAIMS)) {
      tokens[caller as Caller] = await s.issuer.token(entitlements ? { sub: caller, entitlements } : { sub: caller });
    }
    tokens.anonymous = undefined;
    tokens.tenantAdmin = await s.issuer.token(
      { sub: 'tenant-root', entitlements: [`${TENANT_NS}:${TENANT_PARENT}:role=admin`] },
      { issuer: `${idp.base}/realms/tenant` },
    );
    idp.active.add(tokens.tenantAdmin);
  });
  afterAll(async () => {
    await s?.close();
    await openAire?.close();
    await idp?.close();
  });

  async function ready(r: Row): Promise<void> {
    if (dirty) {
      await reset();
      dirty = false;
    }
    if (r.prepare) {
      await r.prepare(db);
      dirty = true;
    }
  }

  async function outcome(r: Row, c: Caller): Promise<string> {
    const res = await s.call(r.method, urlOf(r), {
      token: tokens[c],
      body: r.body?.(++seq),
      headers: r.json ? { 'Content-Type': 'application/json' } : {},
    });
    // A refused call must leave the world alone, so only successful writes force a rebuild.
    if (!readOnly(r) && res.status < 300) dirty = true;
    if (res.status === 403) return `403 ${res.body?.message}`;
    if (res.status < 300 && r.yields) {
      const got = [...r.yields.ids(res.body)].sort();
      const want = [...r.yields.expected].sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) return `${res.status} holding ${got.join(',')} instead of ${want.join(',')}`;
    }
    return String(res.status);
  }

  it.each(ROWS.map((r) => [label(r), r] as const))('%s', async (_, r) => {
    const want = Object.fromEntries(CALLERS.map((c) => [c, expected(r, c)]));
    const actual: Record<string, string> = {};
    if (readOnly(r)) {
      // Reads cannot disturb one another, so the callers go together (halves the run time).
      await ready(r);
      const outcomes = await Promise.all(CALLERS.map((c) => outcome(r, c)));
      CALLERS.forEach((c, i) => (actual[c] = outcomes[i]));
    } else {
      for (const c of CALLERS) {
        await ready(r);
        const before = await fingerprint(db);
        actual[c] = await outcome(r, c);
        // A refused write must not have acted, even partly.
        if (!/^2/.test(actual[c]) && (await fingerprint(db)) !== before) actual[c] += ' after changing data';
      }
    }
    expect(actual).toEqual(want);
  });

  it('admits the AMS credential that every bearer token above was refused for', async () => {
    // The listener needs its project (P) to exist.
    await reset();
    dirty = false;
    const r = await s.call('POST', `${API}/ams-listener`, {
      body: { message: { data: Buffer.from('{}').toString('base64') }, subscription: 's' },
      headers: { Authorization: 'create_provider' },
    });
    expect(r.body).toEqual({ code: 200, message: 'Service catalogue message status is empty.' });
  });

  describe('no list returns data the caller may not see', () => {
    // Trees are flattened to project, project/provider and project/provider/installation paths.
    const P_ALL = [W.P, `${W.P}/${W.prov}`, `${W.P}/${W.prov}/${W.instP}`, `${W.P}/${W.other}`, `${W.P}/${W.other}/${W.instP2}`, `${W.P}/${W.spare}`];
    const P_PROV = [W.P, `${W.P}/${W.prov}`, `${W.P}/${W.prov}/${W.instP}`];
    const Q_ALL = [W.Q, `${W.Q}/${W.prov}`, `${W.Q}/${W.prov}/${W.instQ}`];
    const EVERYTHING = [...P_ALL, ...Q_ALL];

    const VISIBLE_INSTALLATIONS: Record<Exclude<Caller, 'anonymous'>, string[]> = {
      none: [],
      sysAdmin: [W.instP, W.instQ, W.instP2],
      sysViewer: [W.instP, W.instQ, W.instP2],
      resAdmin: [],
      resViewer: [],
      prjAdmin: [W.instP, W.instP2],
      prjViewer: [W.instP, W.instP2],
      prvAdmin: [W.instP],
      prvViewer: [W.instP],
      insAdmin: [W.instP],
      insViewer: [W.instP],
      repAdmin: [W.instP, W.instQ],
      tenantAdmin: [W.instP, W.instQ, W.instP2],
      otherPrjAdmin: [W.instQ],
      foreignGroupAdmin: [],
    };
    const METRIC_OF: Record<string, string> = { [W.instP]: W.metricP, [W.instQ]: W.metricQ, [W.instP2]: W.metricP2 };

    /** §4.5: the projects the caller may see, each cut down to what it may see. */
    const PROJECTS: Record<Exclude<Caller, 'anonymous'>, string[]> = {
      none: [],
      sysAdmin: EVERYTHING,
      sysViewer: EVERYTHING,
      resAdmin: [],
      resViewer: [],
      prjAdmin: P_ALL,
      prjViewer: P_ALL,
      prvAdmin: P_PROV,
      prvViewer: P_PROV,
      insAdmin: P_PROV,
      insViewer: P_PROV,
      repAdmin: [...P_PROV, ...Q_ALL],
      tenantAdmin: EVERYTHING,
      otherPrjAdmin: Q_ALL,
      foreignGroupAdmin: [],
    };

    /**
     * §4.1: every project for `bypass`; otherwise only hierarchies of length 1–3 contribute, so system
     * viewers, resource roles, provider representatives and tenant admins get nothing.
     */
    const CLIENT_PROJECTS: Record<Exclude<Caller, 'anonymous'>, string[]> = {
      ...PROJECTS,
      sysViewer: [],
      repAdmin: [],
      tenantAdmin: [],
    };

    const flatten = (projects: { id: string; providers: { id: string; installations: { id: string }[] }[] }[]) =>
      projects.flatMap((p) => [
        p.id,
        ...p.providers.flatMap((pr) => [`${p.id}/${pr.id}`, ...pr.installations.map((i) => `${p.id}/${pr.id}/${i.id}`)]),
      ]);
    const sorted = (xs: string[]) => [...xs].sort();

    beforeAll(async () => {
      await reset();
      dirty = false;
    });

    it.each(everyone)('%s', async (c) => {
      const token = tokens[c];
      const projects = await s.call('GET', `${API}/projects?size=100`, { token });
      const me = await s.call('GET', `${API}/clients/me?size=100`, { token });
      const installations = await s.call('GET', `${API}/installations/all?size=100`, { token });
      const metrics = await s.call('POST', `${API}/metrics/search?size=1000`, { token, body: { type: 'query', field: 'value', values: 5 } });
      const metricsAll = await s.call('POST', `${API}/metrics/search?size=1000`, {
        token,
        body: { type: 'query', field: 'time_period_start', values: '2000-01-01T00:00:00Z', operand: 'gte' },
      });

      const usage = await s.call('GET', `${API}/usage?${new URLSearchParams(USAGE).toString()}`, { token });
      const freshness = await s.call('GET', `${API}/usage/freshness?size=100`, { token });

      for (const r of [projects, me, installations, metrics, metricsAll, usage, freshness]) expect(r.status).toBe(200);
      const visibleMetrics = sorted(VISIBLE_INSTALLATIONS[c].map((i) => METRIC_OF[i]));
      expect({
        projects: sorted(flatten(projects.body.content)),
        me: sorted(flatten(me.body.content)),
        installations: sorted(installations.body.content.map((i: { id: string }) => i.id)),
        metrics: sorted(metricsAll.body.content.map((m: { id: string }) => m.id)),
        metricsByValue: sorted(metrics.body.content.map((m: { id: string }) => m.id)),
        usage: sorted(usedBy().ids(usage.body)),
        freshness: sorted(freshness.body.content.map((i: { installation_id: string }) => i.installation_id)),
        totals: [projects.body.total_elements, me.body.total_elements, installations.body.total_elements, metricsAll.body.total_elements],
      }).toEqual({
        projects: sorted(PROJECTS[c]),
        me: sorted(CLIENT_PROJECTS[c]),
        installations: sorted(VISIBLE_INSTALLATIONS[c]),
        metrics: visibleMetrics,
        metricsByValue: visibleMetrics,
        usage: sorted(VISIBLE_INSTALLATIONS[c]),
        freshness: sorted(VISIBLE_INSTALLATIONS[c]),
        totals: [
          new Set(PROJECTS[c].map((x) => x.split('/')[0])).size,
          new Set(CLIENT_PROJECTS[c].map((x) => x.split('/')[0])).size,
          VISIBLE_INSTALLATIONS[c].length,
          visibleMetrics.length,
        ],
      });
    });
  });
});
