import { ActorEntitlementEntity, ActorEntity, EntitlementEntity, SettingEntity } from './actor.js';
import { AlertRuleEntity, AlertSilenceEntity, WebhookEventEntity } from './alert.js';
import { ApelRecordEntity } from './apel.js';
import { InstallationEntity, OidcTenantEntity, ProjectEntity, ProjectProviderEntity, ProviderEntity, ResourceEntity } from './catalogue.js';
import { ReportScheduleEntity } from './report-schedule.js';
import { MetricDefinitionEntity } from './metric-definition.js';
import { MetricTypeEntity, UnitTypeEntity } from './type-catalogue.js';
import { CapacityEntity, IdempotencyKeyEntity, MetricEntity } from './usage.js';

export * from './actor.js';
export * from './alert.js';
export * from './report-schedule.js';
export * from './apel.js';
export * from './catalogue.js';
export * from './usage.js';
export * from './metric-definition.js';
export * from './type-catalogue.js';

/** Every table the service owns; later modules append theirs here. */
export const entities = [
  UnitTypeEntity,
  MetricTypeEntity,
  MetricDefinitionEntity,
  ActorEntity,
  EntitlementEntity,
  ActorEntitlementEntity,
  SettingEntity,
  ProjectEntity,
  ProviderEntity,
  ProjectProviderEntity,
  ResourceEntity,
  InstallationEntity,
  OidcTenantEntity,
  MetricEntity,
  CapacityEntity,
  IdempotencyKeyEntity,
  ApelRecordEntity,
  AlertRuleEntity,
  AlertSilenceEntity,
  ReportScheduleEntity,
  WebhookEventEntity,
];
