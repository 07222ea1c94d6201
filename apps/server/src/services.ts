import type { DataSource } from 'typeorm';
import { MetricTypeEntity, UnitTypeEntity } from '@acc/db';
import { AuthCache } from './auth/auth-cache.js';
import { Authenticator } from './auth/authenticator.js';
import type { TokenVerifier } from './auth/token-verifier.js';
import type { Config } from './config.js';
import { ActorRepository } from './modules/actors/actor-repository.js';
import { SettingsRepository } from './modules/settings/settings-repository.js';
import { ActorService } from './modules/actors/actor-service.js';
import { EntitlementService } from './modules/actors/entitlement-service.js';
import { OidcTenantRepository } from './modules/oidc-tenants/oidc-tenant-repository.js';
import { OidcTenantService } from './modules/oidc-tenants/oidc-tenant-service.js';
import { SettingsService } from './modules/settings/settings-service.js';
import { AdminCountsService } from './modules/admin-counts/admin-counts-service.js';
import { AmsService } from './modules/ams/ams-service.js';
import { TypeCatalogueService } from './modules/type-catalogue/type-catalogue-service.js';
import { MetricDefinitionService } from './modules/metric-definitions/metric-definition-service.js';
import { ProviderService } from './modules/providers/provider-service.js';
import { ResourceService } from './modules/resources/resource-service.js';
import { InstallationService } from './modules/installations/installation-service.js';
import { OpenAireClient } from './modules/projects/openaire-client.js';
import { ProjectRegistration } from './modules/projects/project-registration.js';
import { ProjectService } from './modules/projects/project-service.js';
import { ClientService } from './modules/clients/client-service.js';
import { MetricService } from './modules/metrics/metric-service.js';
import { PushTargetCache } from './modules/metrics/push-target-cache.js';
import { MetricListingService } from './modules/metrics/metric-listing-service.js';
import { CapacityService } from './modules/capacities/capacity-service.js';
import { ReportService } from './modules/reports/report-service.js';
import { UsageService } from './modules/usage/usage-service.js';
import { RollupService } from './modules/rollups/rollup-service.js';
import { AlertRuleService } from './modules/alerts/alert-rule-service.js';
import { ReportScheduleService } from './modules/schedules/schedule-service.js';
import { AlertEvaluator, type Clock } from './modules/alerts/evaluation/alert-evaluator.js';
import { AlertDeliveryService, alertRuleWebhooks } from './modules/alerts/alert-deliveries.js';
import { ScheduleDeliveryService } from './modules/schedules/schedule-deliveries.js';
import { WebhookDeliveries } from './modules/webhooks/deliveries-service.js';
import { reportScheduleWebhooks } from './modules/schedules/schedule-webhooks.js';
import { createTelemetry, silentLogger, type Logger, type Telemetry } from './telemetry/index.js';

/** The composition root's product: every service a procedure may call, built once per server. */
export interface AppServices {
  config: Config;
  db: DataSource;
  authenticator: Authenticator;
  unitTypes: TypeCatalogueService;
  metricTypes: TypeCatalogueService;
  metricDefinitions: MetricDefinitionService;
  providers: ProviderService;
  resources: ResourceService;
  actors: ActorService;
  entitlements: EntitlementService;
  oidcTenants: OidcTenantService;
  settings: SettingsService;
  adminCounts: AdminCountsService;
  ams: AmsService;
  projects: ProjectService;
  projectRegistration: ProjectRegistration;
  installations: InstallationService;
  clients: ClientService;
  metrics: MetricService;
  metricListing: MetricListingService;
  capacities: CapacityService;
  reports: ReportService;
  usage: UsageService;
  rollups: RollupService;
  alertRules: AlertRuleService;
  reportSchedules: ReportScheduleService;
  /** Alert evaluation (markers → state → events); its jobs are registered in jobs/index.ts. */
  alertEvaluation: AlertEvaluator;
  alertDeliveries: AlertDeliveryService;
  scheduleDeliveries: ScheduleDeliveryService;
  /** Every webhook owner's deliveries (log, redeliver, test) and the dispatcher's nudge. */
  webhooks: WebhookDeliveries;
  /** Logger and counters: `telemetry.metricsIngested.inc(n)`, `telemetry.apelRecords.inc({ result }, n)`. */
  telemetry: Telemetry;
}

export function createServices(
  config: Config,
  db: DataSource,
  verifier: TokenVerifier,
  telemetry: Telemetry = createTelemetry({ logger: silentLogger(), version: config.version, dataSource: db, defaultMetrics: false }),
  clock: Clock = () => new Date(),
): AppServices {
  const alertEvaluation = new AlertEvaluator(db, clock);
  const alertRules = new AlertRuleService(db, config.webhooks, () => alertEvaluation.ruleChanged());
  const reportSchedules = new ReportScheduleService(db, config.webhooks);
  const authCache = new AuthCache(config.authCacheTtlMs);
  const authChanged = () => authCache.invalidate();
  return {
    telemetry,
    config,
    db,
    authenticator: new Authenticator(
      config,
      verifier,
      new ActorRepository(db.manager),
      new SettingsRepository(db.manager),
      new OidcTenantRepository(db.manager),
      authCache,
    ),
    unitTypes: new TypeCatalogueService(db, { label: 'Unit Type', entity: UnitTypeEntity, usedBy: 'unit_type' }),
    metricTypes: new TypeCatalogueService(db, { label: 'Metric Type', entity: MetricTypeEntity, usedBy: 'metric_type' }),
    metricDefinitions: new MetricDefinitionService(db),
    providers: new ProviderService(db),
    resources: new ResourceService(db),
    actors: new ActorService(db),
    entitlements: new EntitlementService(db, authChanged),
    oidcTenants: new OidcTenantService(db, authChanged),
    settings: new SettingsService(db, config, authChanged),
    adminCounts: new AdminCountsService(db),
    ams: new AmsService(db, config),
    ...catalogueServices(config, db, telemetry.logger),
    metrics: new MetricService(db, config.publicUrl, (n) => telemetry.metricsIngested.inc(n), new PushTargetCache(config.pushTargetCacheTtlMs)),
    metricListing: new MetricListingService(db),
    capacities: new CapacityService(db),
    reports: new ReportService(db),
    usage: new UsageService(db),
    rollups: new RollupService(db),
    reportSchedules,
    alertRules,
    alertEvaluation,
    ...webhookServices(db, alertRules, reportSchedules),
  };
}

/** Webhook delivery (alerts.md §2): every kind of webhook owner is listed here, for the dispatcher. */
function webhookServices(db: DataSource, alertRules: AlertRuleService, reportSchedules: ReportScheduleService) {
  const webhooks = new WebhookDeliveries(db, [alertRuleWebhooks, reportScheduleWebhooks]);
  return {
    webhooks,
    alertDeliveries: new AlertDeliveryService(db, alertRules, webhooks),
    scheduleDeliveries: new ScheduleDeliveryService(db, reportSchedules, webhooks),
  };
}

/** Projects, installations and clients (§4.1, §4.5, §4.6): projects read installations through their service. */
function catalogueServices(config: Config, db: DataSource, logger: Logger) {
  const openaire = config.openaireUrl === undefined ? undefined : new OpenAireClient(config.openaireUrl);
  const installations = new InstallationService(db);
  return {
    installations,
    projects: new ProjectService(db, openaire, installations, logger),
    projectRegistration: new ProjectRegistration(db, openaire, logger),
    clients: new ClientService(db),
  };
}
